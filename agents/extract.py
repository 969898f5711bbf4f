"""extract: unique articles -> entities (spaCy NER, batched, in the worker's spaCy
process) -> sentences, resolution against the registry -> claims about watched entities
-> enriched + entity-claims (one per watched entity).

NER is the cost of the pipeline, so it should never wait. Batches go to the worker's
spaCy process (``streams.spacy_process``) as they are taken, up to a few ahead; the
worker process finishes each one — sentences, resolution, registry, claims, sends —
while NER works on the next. Faust's ``take`` acks a batch when the next one is
requested, which would ack batch N before its messages are out; ``noack_take`` leaves
the acks to us, and batch N's events are acked only when all its messages have been
sent — a crash before that redelivers them (at least once; every step downstream is
idempotent by article id). Batches finish in order, so the messages for one entity keep
their order.
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
from streams.analyse import analyse_batch, enriched_record, watched_events
from streams.app import app, settings
from streams.nlp import EntitySpan
from streams.resolve import Resolver

Found = asyncio.Future[list[tuple[EntitySpan, ...]]]


async def _finish(stream: StreamT, events: Sequence[EventT], resolver: Resolver,
                  found: Found, started: float) -> None:
    """Sentences, resolution, registry, claims and sends for one batch; then ack it."""
    articles: list[UniqueArticle] = [e.value for e in events]
    analyses = await asyncio.to_thread(analyse_batch, services.sentencer, resolver, articles,
                                       await found, settings.batch_size)
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
                     claims=tuple(article_events), seconds=per_article))
    for event in events:
        await stream.ack(event)


@app.agent(topics.unique, name="extract")
async def extract(stream: StreamT[UniqueArticle]) -> None:
    """Take batches and queue them for spaCy; finish them in order as spaCy returns them.
    A failure in either step fails the agent."""
    # One batch being finished, one waiting here, one more handed to spaCy while ``put``
    # waits: spaCy always has the next batch queued, and little is held unacked.
    pending: asyncio.Queue[tuple[Sequence[EventT], Resolver, Found, float] | None] = (
        asyncio.Queue(maxsize=1))

    async def submit() -> None:
        async for events in stream.noack_take(settings.batch_size,
                                              within=settings.batch_within):
            started = time.perf_counter()
            await retrying("watchlist", services.refresh_watchlist)
            found = services.spacy.find_entities([e.value.text for e in events],
                                                 settings.batch_size)
            # the resolver goes along: this batch's watchlist, whatever a later refresh brings
            await pending.put((events, services.resolver, found, started))
        await pending.put(None)

    async def finish() -> None:
        while (batch := await pending.get()) is not None:
            await _finish(stream, *batch)

    async with asyncio.TaskGroup() as group:
        group.create_task(submit())
        group.create_task(finish())
