"""ingest: articles -> validate -> normalise -> dedup in Redis -> unique | duplicates | dead letter.

Duplicates leave here, before any NLP.
"""

from __future__ import annotations

import time

from faust import StreamT

from agents.context import services, topics
from agents.deadletter import dead_letter
from agents.observe import Outcome, emit
from agents.retry import retrying
from schemas import DuplicateNotice, UniqueArticle
from streams.app import app, settings
from streams.exceptions import InvalidArticle
from streams.normalize import normalize
from streams.validate import decode_article


@app.agent(topics.articles, name="ingest")
async def ingest(stream: StreamT) -> None:
    """One message at a time: each dedup check must see the registrations before it."""
    async for event in stream.events():
        started = time.perf_counter()
        message = event.message
        try:
            article = decode_article(message.value, max_bytes=settings.max_body_bytes)
            text = normalize(article.body)
            if not text:
                raise InvalidArticle("empty_body", "nothing left after normalisation")
        except InvalidArticle as exc:
            await dead_letter(event, exc.reason, exc.detail)
            continue
        fingerprint = services.fingerprinter.fingerprint(text)
        delivery = f"{message.topic}:{message.partition}:{message.offset}"
        decision = await retrying("dedup", lambda a=article, f=fingerprint, d=delivery:
                                  services.dedup.check_and_register(a.id, a.source, f, d))
        if decision.is_duplicate:
            await topics.duplicates.send(key=article.id, value=DuplicateNotice(
                article_id=article.id, duplicate_of=decision.duplicate_of,
                similarity=round(decision.similarity, 4), kind=decision.kind,
                source=article.source,
            ))
            emit(Outcome("ingest", "duplicate", article.id, seconds=time.perf_counter() - started,
                         detail={"duplicate_of": decision.duplicate_of, "kind": decision.kind,
                                 "similarity": round(decision.similarity, 4)}))
            continue
        await topics.unique.send(key=article.id, value=UniqueArticle(
            id=article.id, text=text, title=article.title, source=article.source,
            url=article.url, published_at=article.published_at,
        ))
        emit(Outcome("ingest", "unique", article.id, seconds=time.perf_counter() - started))
