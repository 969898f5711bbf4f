"""Run the whole pipeline in this process over a set of files, and know when it is done.

Used by ``wirewatch replay`` and ``wirewatch demo``. Each run gets a fresh state: its
own worker (``agents.worker.build``), consumer group, Redis namespace (deleted
afterwards), Faust data directory (a temporary folder) and, on a broker that was not
started for it, its own topic names. Completion is tracked, not guessed: every
published message ends in exactly one ingest outcome, every unique article in one
extract outcome that says how many entity-claims it sent, and every one of those in one
profile outcome that names the alerts it sent; the run is over when all are accounted
for and the alert reader has seen each of those alerts on the alerts topic. An agent
that crashes ends the run at once with ``PipelineError`` and the reason: what it held
would never be accounted for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams.settings import Settings

log = logging.getLogger(__name__)
# A run holds ``{namespace}:lease`` while it runs, renewed every third of this. A run
# that was killed stops renewing it; the next run deletes every replay namespace whose
# lease has expired.
LEASE_SECONDS = 60


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
        """Account for one stage outcome (see ``agents.observe.Outcome``): a dead letter
        ends a message's way in whatever stage it happens."""
        if outcome.kind == "dead_letter":
            self.dead_letters.append(dict(outcome.detail))
        if outcome.stage == "ingest":
            self.ingested += 1
            if outcome.kind == "unique":
                self.unique += 1
            elif outcome.kind == "duplicate":
                self.duplicates.append({"id": outcome.article_id, **outcome.detail})
        elif outcome.stage == "extract":
            self.extracted += 1
            self.pending_claims += outcome.count
            self.claims.extend(outcome.claims)
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
    claims: list[dict[str, Any]]
    elapsed_s: float
    settings: Settings | None = field(default=None, repr=False)  # the run's, not reported

    def to_json(self) -> bytes:
        report = {k: v for k, v in self.__dict__.items() if k != "settings"}
        return orjson.dumps(report, option=orjson.OPT_INDENT_2)


AlertCallback = Callable[[dict[str, Any]], None]
ProgressCallback = Callable[[Progress], None]


def run_settings(base: Settings, *, own_topics: bool, watchlist: Path | None,
                 data_dir: Path) -> Settings:
    """The settings of one run, derived from ``base``: its own consumer group, Redis
    namespace and Faust data directory and, on a broker the run did not start, its own
    topic names."""
    run = uuid.uuid4().hex[:10]
    changes: dict[str, Any] = {
        # One partition: a single in-process worker gains nothing from more, and one
        # partition keeps the whole run in the order the files were given.
        "partitions": 1,
        "app_id": f"{base.app_id}-replay-{run}",
        "namespace": f"{base.namespace}:replay:{run}",
        "data_dir": data_dir,
        "web_port": None,
    }
    if watchlist is not None:
        changes["watchlist"] = Path(watchlist).resolve()
    settings = base.but(**changes)
    return settings.with_topics(f"{{default}}.replay-{run}") if own_topics else settings


def replay(
    paths: list[Path],
    *,
    settings: Settings,
    watchlist: Path | None = None,
    on_alert: AlertCallback | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
    keep_state: bool = False,
) -> Report:
    """Publish ``paths`` through a fresh in-process pipeline and wait for the outcome.

    Re-entrant: nothing global changes, so a process may replay any number of times;
    what the run starts (broker, Redis), its Faust data directory (a temporary folder)
    and, unless ``keep_state``, its Redis keys are gone when it returns. With
    ``keep_state`` (``wirewatch demo --board`` serves them) ``forget_namespace`` deletes
    them later; ``Report.settings`` names the run's topics and namespace."""
    from agents.sources import messages_from_files
    from agents.stack import running_stack

    messages = list(messages_from_files(paths))
    with running_stack(settings) as stack, tempfile.TemporaryDirectory(
            prefix="wirewatch-replay-") as data_dir:
        run = run_settings(stack.settings(settings), own_topics=bool(settings.broker),
                           watchlist=watchlist, data_dir=Path(data_dir))
        log.info("stack: %s", ", ".join(stack.started) or "configured services")
        budget = timeout if timeout is not None else 120 + 2.0 * len(messages)
        return asyncio.run(_run(run, messages, on_alert, on_progress, budget, keep_state))


async def _run(
    settings: Settings,
    messages: list[tuple[bytes, bytes]],
    on_alert: AlertCallback | None,
    on_progress: ProgressCallback | None,
    budget: float,
    keep_state: bool,
) -> Report:
    from agents.kafka import ensure_topics, publish, read_topic
    from agents.worker import build

    worker = build(settings)
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

    await ensure_topics(settings, settings.topic_names())
    await _forget_stale_runs(worker)
    lease = asyncio.create_task(_hold_lease(worker))
    worker.observers.subscribe(on_outcome)
    await worker.app.start()
    reader = asyncio.create_task(read_alerts())
    started = time.monotonic()
    try:
        await publish(settings, settings.topic_articles, messages)
        if not messages:
            finished.set()
        await _finish_or_fail(worker, finished, budget, progress)
        elapsed = time.monotonic() - started
    finally:
        for task in (reader, lease):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not keep_state:
            await forget_namespace(worker.services.redis, settings.namespace)
        await worker.app.stop()
    return Report(
        published=progress.published,
        processed=progress.ingested,
        analysed=progress.unique,
        duplicates=progress.duplicates,
        dead_letters=progress.dead_letters,
        alerts=list(alerts.values()),
        claims=progress.claims,
        elapsed_s=round(elapsed, 3),
        settings=settings,
    )


async def _finish_or_fail(worker: Any, finished: asyncio.Event, budget: float,
                          progress: Progress) -> None:
    """Wait for the run to be accounted for; fail at once if an agent crashed."""
    from streams.errors import PipelineError

    done = asyncio.create_task(finished.wait())
    crashed = asyncio.create_task(worker.app.agent_crashed.wait())
    try:
        await asyncio.wait({done, crashed}, timeout=budget,
                           return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (done, crashed):
            task.cancel()
    if worker.crashes:
        name, exc = next(iter(worker.crashes.items()))
        raise PipelineError(f"agent {name} crashed: {type(exc).__name__}: {exc}")
    if not finished.is_set():
        raise TimeoutError(f"pipeline not done after {budget:.0f}s: {progress}")


async def _hold_lease(worker: Any) -> None:
    """Keep this run's lease alive until cancelled."""
    key = f"{worker.settings.namespace}:lease"
    while True:
        await worker.services.redis.set(key, b"1", ex=LEASE_SECONDS)
        await asyncio.sleep(LEASE_SECONDS / 3)


async def _forget_stale_runs(worker: Any) -> None:
    """Delete the namespaces of replay runs whose lease expired (killed runs)."""
    client = worker.services.redis
    prefix = worker.settings.namespace.rsplit(":", 1)[0] + ":"  # {base}:replay:
    runs: dict[str, list[bytes]] = {}
    async for key in client.scan_iter(match=f"{prefix}*", count=1000):
        run = key.decode("utf-8", "replace")[len(prefix):].split(":", 1)[0]
        runs.setdefault(run, []).append(key)
    for run, keys in runs.items():
        if f"{prefix}{run}" != worker.settings.namespace and not await client.exists(
                f"{prefix}{run}:lease"):
            log.info("deleting the namespace of replay run %s, whose lease expired", run)
            for i in range(0, len(keys), 500):
                await client.unlink(*keys[i:i + 500])


async def forget_namespace(client: Any, namespace: str) -> None:
    """Delete every Redis key of a run: a replay leaves no state behind."""
    keys = [k async for k in client.scan_iter(match=f"{namespace}:*", count=1000)]
    for i in range(0, len(keys), 500):
        await client.unlink(*keys[i:i + 500])
