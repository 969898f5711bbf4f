"""extract: unique articles -> spaCy (batched, off the event loop) -> entity resolution
against the registry -> claims about watched entities -> enriched + entity-claims (one
per watched entity)."""

from __future__ import annotations

import asyncio
import time

from faust import StreamT

from agents.context import services, topics
from agents.observe import Outcome, emit
from agents.retry import retrying
from streams.analyse import Analysis, analyse_batch, enriched_record, watched_events
from streams.app import app, settings


async def _registered(analysis: Analysis) -> Analysis:
    """The analysis with its entities mapped onto registry ids, and the sighting recorded.
    The batch's articles go to Redis concurrently, not one round trip after another."""
    entities = await retrying("registry", lambda: services.registry.canonicalize(
        analysis.entities))
    await retrying("registry", lambda: services.registry.record(analysis.article.id, entities))
    return analysis.with_entities(entities)


@app.agent(topics.unique, name="extract")
async def extract(stream: StreamT) -> None:
    """Take batches so spaCy runs ``nlp.pipe`` over many articles at once."""
    async for batch in stream.take(settings.batch_size, within=settings.batch_within):
        started = time.perf_counter()
        await retrying("watchlist", services.refresh_watchlist)
        analyses = await asyncio.to_thread(
            analyse_batch, services.nlp, services.resolver, batch, settings.batch_size
        )
        analyses = list(await asyncio.gather(*map(_registered, analyses)))
        events = await asyncio.to_thread(
            lambda done=analyses: [watched_events(a, services.claims) for a in done])
        per_article = (time.perf_counter() - started) / len(batch)
        for analysis, article_events in zip(analyses, events, strict=True):
            await topics.enriched.send(key=analysis.article.id, value=enriched_record(analysis))
            for event in article_events:
                await topics.entity_claims.send(key=event.entity_id, value=event)
            emit(Outcome("extract", "enriched", analysis.article.id, count=len(article_events),
                         seconds=per_article))
