"""extract: unique articles -> sentences, entities and mentions (spaCy, batched, in the
worker's spaCy processes) -> resolution against the registry -> claims about watched
entities -> enriched + entity-claims (one per watched entity).

NER is the cost of the pipeline, so it should never wait. Batches go to the spaCy
processes as they are taken, enough ahead that each process has the next one queued,
each with the watchlist snapshot of the moment (``agents.spacy_stage``); the worker
process finishes each one — resolution, registry, claims, sends — while NER works on
the next ones. Batches are taken
with ``noack_take`` and acked only once all their messages are sent or dead-lettered
(``agents.errors``): a crash before that redelivers them (at least once; every step
downstream is idempotent by article id). Batches finish in order, so the messages for
one entity keep their order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from faust import StreamT
from faust.types import EventT

from agents.observe import Outcome
from agents.spacy_stage import Snapshot
from schemas import EntityClaims, UniqueArticle
from streams.analyse import analyse_batch, enriched_record, watched_events
from streams.nlp import Annotation

if TYPE_CHECKING:
    from agents.worker import AgentFun, Worker

log = logging.getLogger(__name__)
Found = asyncio.Future[list[Annotation]]


def claim_rows(event: EntityClaims) -> tuple[dict[str, object], ...]:
    """The claims of one entity-claims message as plain rows (replay reports them)."""
    return tuple({"article_id": event.article_id, "entity_id": event.entity_id,
                  "entity": event.entity_name, "attribute": c.attribute, "value": c.value,
                  "attribution": c.attribution, "qualifier": c.qualifier,
                  "sentence": c.sentence}
                 for c in event.claims)


def make_extract(w: Worker) -> AgentFun:
    """The extract agent of worker ``w``."""
    settings, services, topics = w.settings, w.services, w.topics
    guard = w.guard("extract")

    async def finish(events: Sequence[EventT], snapshot: Snapshot, found: Found | None,
                     started: float) -> None:
        """Resolution, registry, claims and sends for a batch. ``found`` is the spaCy
        work already queued for exactly these events; a retry runs it again."""
        articles: list[UniqueArticle] = [e.value for e in events]
        if found is None:
            found = services.spacy.annotate([a.text for a in articles], settings.batch_size)
        spacy = services.spacy
        analyses = await asyncio.to_thread(analyse_batch, snapshot.resolver, articles,
                                           await found)
        mapped = await guard.retrying("registry", lambda: services.registry.canonicalize_many(
            [a.entities for a in analyses]))
        analyses = [a.with_entities(e) for a, e in zip(analyses, mapped, strict=True)]
        await guard.retrying("registry", lambda: services.registry.record_many(
            [(a.article.id, a.entities) for a in analyses]))
        claims = await asyncio.to_thread(watched_events, analyses, spacy.claims)
        per_article = (time.perf_counter() - started) / len(analyses)
        for analysis, article_events in zip(analyses, claims, strict=True):
            await topics.enriched.send(key=analysis.article.id,
                                       value=enriched_record(analysis))
            for event in article_events:
                await topics.entity_claims.send(key=event.entity_id, value=event)
            w.observers.emit(Outcome(
                "extract", "enriched", analysis.article.id, count=len(article_events),
                seconds=per_article,
                claims=tuple(row for e in article_events for row in claim_rows(e))))

    async def guarded(events: Sequence[EventT], snapshot: Snapshot, found: Found,
                      started: float) -> None:
        """``finish`` under the error policy: the NER queued for the whole batch serves
        its first try; a retry of a part of it runs NER again."""
        queued = [found]

        async def process(subset: Sequence[EventT]) -> None:
            ahead = queued.pop() if queued and len(subset) == len(events) else None
            await finish(subset, snapshot, ahead, started)

        await guard.run(events, process)

    async def extract(stream: StreamT[UniqueArticle]) -> None:
        """Take batches and queue them for spaCy; finish them in order as spaCy returns
        them."""
        # One batch being finished, one per spaCy process waiting here, one more handed
        # to spaCy while ``put`` waits: every spaCy process always has its next batch
        # queued, little is held unacked.
        pending: asyncio.Queue[tuple[Sequence[EventT], Snapshot, Found, float] | None] = (
            asyncio.Queue(maxsize=services.spacy.processes))

        async def submit() -> None:
            async for events in stream.noack_take(settings.batch_size,
                                                  within=settings.batch_within):
                started = time.perf_counter()
                try:
                    snapshot = await guard.retrying("watchlist", services.snapshot)
                except Exception:  # keep the watchlist the batches before had
                    log.exception("extract: cannot read the runtime watchlist")
                    snapshot = services.spacy.snapshot
                found = services.spacy.annotate([e.value.text for e in events],
                                                settings.batch_size)
                await pending.put((events, snapshot, found, started))
            await pending.put(None)

        async def drain() -> None:
            while (batch := await pending.get()) is not None:
                await guarded(*batch)
                for event in batch[0]:
                    await stream.ack(event)

        async with asyncio.TaskGroup() as group:
            group.create_task(submit())
            group.create_task(drain())

    return extract
