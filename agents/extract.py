"""extract: unique articles -> spaCy (batched, off the event loop) -> entity resolution
against the registry -> claims about watched entities -> enriched + entity-claims (one
per watched entity).

spaCy is the cost of the pipeline, so it should never wait. Each batch goes through
two steps: ``nlp.pipe`` in a worker thread, then the rest (registry, claims, sends).
The rest of batch N runs while spaCy works on batch N+1. Faust's ``take`` acks a batch
when the next one is requested, which would ack batch N before its messages are out;
``noack_take`` leaves the acks to us, and batch N's events are acked only when all its
messages have been sent — a crash before that redelivers them (at least once; every
step downstream is idempotent by article id). Batches finish in order, so the
messages for one entity keep their order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from faust import StreamT
from faust.types import EventT

from agents.context import services, topics
from agents.observe import Outcome, emit
from agents.retry import retrying
from schemas import UniqueArticle
from streams.analyse import Analysis, analyse_batch, enriched_record, watched_events
from streams.app import app, settings


async def _finish(stream: StreamT, events: Sequence[EventT], analyses: list[Analysis],
                  started: float) -> None:
    """Registry, claims and sends for one analysed batch; then ack its events."""
    mapped = await retrying("registry", lambda: services.registry.canonicalize_many(
        [a.entities for a in analyses]))
    analyses = [a.with_entities(e) for a, e in zip(analyses, mapped, strict=True)]
    await retrying("registry", lambda: services.registry.record_many(
        [(a.article.id, a.entities) for a in analyses]))
    claims = await asyncio.to_thread(
        lambda: [watched_events(a, services.claims) for a in analyses])
    per_article = (time.perf_counter() - started) / len(analyses)
    for analysis, article_events in zip(analyses, claims, strict=True):
        await topics.enriched.send(key=analysis.article.id, value=enriched_record(analysis))
        for event in article_events:
            await topics.entity_claims.send(key=event.entity_id, value=event)
        emit(Outcome("extract", "enriched", analysis.article.id, count=len(article_events),
                     seconds=per_article))
    for event in events:
        await stream.ack(event)


@app.agent(topics.unique, name="extract")
async def extract(stream: StreamT[UniqueArticle]) -> None:
    """Take batches so spaCy runs ``nlp.pipe`` over many articles at once; finish each
    batch while the next one is in spaCy. A failure in either step fails the agent."""
    analysed: asyncio.Queue[tuple[list[EventT], list[Analysis], float] | None] = (
        asyncio.Queue(maxsize=1))

    async def analyse() -> None:
        async for events in stream.noack_take(settings.batch_size,
                                              within=settings.batch_within):
            started = time.perf_counter()
            await retrying("watchlist", services.refresh_watchlist)
            analyses = await asyncio.to_thread(
                analyse_batch, services.nlp, services.resolver, [e.value for e in events],
                settings.batch_size)
            await analysed.put((events, analyses, started))
        await analysed.put(None)

    async def finish() -> None:
        while (batch := await analysed.get()) is not None:
            await _finish(stream, *batch)

    async with asyncio.TaskGroup() as group:
        group.create_task(analyse())
        group.create_task(finish())
