"""Run the whole pipeline in this process over a set of files, and know when it is done.

Used by ``wirewatch replay`` and ``wirewatch demo``. Each run gets a fresh state: its
own consumer group, its own Redis namespace (deleted afterwards) and, on a broker that
was not started for it, its own topic names. Completion is tracked, not guessed: every
published message ends in exactly one ingest outcome, every unique article in one
extract outcome that says how many entity-claims it sent, and every one of those in one
profile outcome that names the alerts it sent; the run is over when all are accounted
for and the alert reader has seen each of those alerts on the alerts topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """Counts outcomes of one run against what was published."""

    published: int
    ingested: int = 0
    unique: int = 0
    extracted: int = 0
    pending_claims: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    alert_ids: set[str] = field(default_factory=set)
    claims: list[dict[str, Any]] = field(default_factory=list)

    def record(self, outcome: Any) -> None:
        """Account for one stage outcome (see ``agents.observe.Outcome``)."""
        if outcome.stage == "ingest":
            self.ingested += 1
            if outcome.kind == "unique":
                self.unique += 1
            elif outcome.kind == "duplicate":
                self.duplicates.append({"id": outcome.article_id, **outcome.detail})
            else:
                self.dead_letters.append(dict(outcome.detail))
        elif outcome.stage == "extract":
            self.extracted += 1
            self.pending_claims += outcome.count
            self.claims.extend(
                {"article_id": event.article_id, "entity_id": event.entity_id,
                 "entity": event.entity_name, "attribute": c.attribute, "value": c.value,
                 "attribution": c.attribution, "qualifier": c.qualifier,
                 "sentence": c.sentence}
                for event in outcome.claims for c in event.claims)
        elif outcome.stage == "profile":
            self.pending_claims -= 1
            self.alert_ids.update(outcome.alert_ids)

    @property
    def processed(self) -> bool:
        """Every published message has gone as far as it will go."""
        return (self.ingested >= self.published and self.extracted >= self.unique
                and self.pending_claims <= 0)


@dataclass
class Report:
    """What ``--report`` writes."""

    published: int
    processed: int
    analysed: int
    duplicates: list[dict[str, Any]]
    dead_letters: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    elapsed_s: float
    claims: list[dict[str, Any]] = field(default_factory=list)  # every claim extracted

    def to_json(self) -> bytes:
        return orjson.dumps(self.__dict__, option=orjson.OPT_INDENT_2)


AlertCallback = Callable[[dict[str, Any]], None]
ProgressCallback = Callable[[Progress], None]


def _run_env(base: Settings, broker_started: bool, watchlist: Path | None) -> dict[str, str]:
    run = uuid.uuid4().hex[:10]
    env = {
        # One partition: a single in-process worker gains nothing from more, and one
        # partition keeps the whole run in the order the files were given.
        "WIREWATCH_PARTITIONS": "1",
        "WIREWATCH_APP_ID": f"{base.app_id}-replay-{run}",
        "WIREWATCH_NAMESPACE": f"{base.namespace}:replay:{run}",
    }
    if not broker_started:
        for name, value in base.model_dump().items():
            if name.startswith("topic_"):
                env[f"WIREWATCH_{name.upper()}"] = f"{value}.replay-{run}"
    if watchlist is not None:
        env["WIREWATCH_WATCHLIST"] = str(Path(watchlist).resolve())
    return env


def replay(
    paths: list[Path],
    *,
    watchlist: Path | None = None,
    on_alert: AlertCallback | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
) -> Report:
    """Publish ``paths`` through a fresh in-process pipeline and wait for the outcome."""
    from streams.embedded import running_stack
    from streams.sources import messages_from_files

    messages = list(messages_from_files(paths))
    base = get_settings()
    with running_stack(base) as stack:
        os.environ.update(_run_env(base, broker_started=not base.broker, watchlist=watchlist))
        get_settings.cache_clear()
        settings = get_settings()
        log.info("stack: %s", ", ".join(stack.started) or "configured services")
        budget = timeout if timeout is not None else 120 + 2.0 * len(messages)
        return asyncio.run(_run(settings, messages, on_alert, on_progress, budget))


async def _run(
    settings: Settings,
    messages: list[tuple[bytes, bytes]],
    on_alert: AlertCallback | None,
    on_progress: ProgressCallback | None,
    budget: float,
) -> Report:
    import agents  # registers the agents on the app configured by the env set above
    from agents.observe import subscribe
    from streams.kafka_io import ensure_topics, publish, read_topic
    from streams.topics import topic_names

    progress = Progress(published=len(messages))
    finished = asyncio.Event()
    alerts: dict[str, dict[str, Any]] = {}

    def check() -> None:
        if progress.processed and progress.alert_ids <= alerts.keys():
            finished.set()

    def on_outcome(outcome: Any) -> None:
        progress.record(outcome)
        if on_progress:
            on_progress(progress)
        check()

    async def read_alerts() -> None:
        async for raw in read_topic(settings, settings.topic_alerts, follow=True, idle_timeout=0.2):
            alert = orjson.loads(raw)
            if alert["alert_id"] not in alerts:
                alerts[alert["alert_id"]] = alert
                if on_alert:
                    on_alert(alert)
                check()

    await ensure_topics(settings, topic_names(settings))
    unsubscribe = subscribe(on_outcome)
    await agents.app.start()
    reader = asyncio.create_task(read_alerts())
    started = time.monotonic()
    try:
        await publish(settings, settings.topic_articles, messages)
        if not messages:
            finished.set()
        try:
            await asyncio.wait_for(finished.wait(), timeout=budget)
        except TimeoutError:
            raise TimeoutError(f"pipeline not done after {budget:.0f}s: {progress}") from None
        elapsed = time.monotonic() - started
    finally:
        unsubscribe()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await agents.app.stop()
        await _forget_namespace(settings)
    return Report(
        published=progress.published,
        processed=progress.ingested,
        analysed=progress.unique,
        duplicates=progress.duplicates,
        dead_letters=progress.dead_letters,
        alerts=list(alerts.values()),
        elapsed_s=round(elapsed, 3),
        claims=progress.claims,
    )


async def _forget_namespace(settings: Settings) -> None:
    """Delete every Redis key of this run: a replay leaves no state behind."""
    from agents.context import services

    client = services.redis
    keys = [k async for k in client.scan_iter(match=f"{settings.namespace}:*", count=1000)]
    for i in range(0, len(keys), 500):
        await client.unlink(*keys[i:i + 500])
    await client.aclose()
