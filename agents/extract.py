"""extract: unique articles -> spaCy (batched, off the event loop) -> enriched + entity-claims."""

from __future__ import annotations

import asyncio
import time

from faust import StreamT

from agents.context import services, topics
from agents.observe import Outcome, emit
from streams.analyse import analyse_batch, enriched_record
from streams.app import app, settings


@app.agent(topics.unique, name="extract")
async def extract(stream: StreamT) -> None:
    """Take batches so spaCy runs ``nlp.pipe`` over many articles at once."""
    async for batch in stream.take(settings.batch_size, within=settings.batch_within):
        started = time.perf_counter()
        analyses = await asyncio.to_thread(
            analyse_batch, services.nlp, services.resolver, batch, settings.batch_size
        )
        per_article = (time.perf_counter() - started) / len(batch)
        for analysis in analyses:
            await topics.enriched.send(key=analysis.article.id, value=enriched_record(analysis))
            for claims in analysis.watched:
                await topics.entity_claims.send(key=claims.entity_id, value=claims)
            emit(Outcome("extract", "enriched", analysis.article.id, count=len(analysis.watched),
                         seconds=per_article))
