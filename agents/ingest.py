"""ingest: articles -> validate -> normalise -> dedup in Redis -> unique | duplicates | dead letter.

Duplicates leave here, before any NLP. Messages are taken in batches and their dedup
checks sent to Redis as one pipeline: one round trip for the batch, with the same
decisions as one check at a time (see ``RedisDedupStore.check_many``).
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
from streams.store.dedup import DedupRequest
from streams.validate import decode_article


@app.agent(topics.articles, name="ingest")
async def ingest(stream: StreamT) -> None:
    async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
        started = time.perf_counter()
        requests, texts = [], []
        for event in events:
            message = event.message
            try:
                article = decode_article(message.value, max_bytes=settings.max_body_bytes)
                text = normalize(article.body)
                if not text:
                    raise InvalidArticle("empty_body", "nothing left after normalisation")
            except InvalidArticle as exc:
                await dead_letter(event, exc.reason, exc.detail)
                continue
            requests.append((article, DedupRequest(
                article.id, article.source, services.fingerprinter.fingerprint(text),
                f"{message.topic}:{message.partition}:{message.offset}")))
            texts.append(text)
        if not requests:
            continue
        decisions = await retrying("dedup", lambda r=[req for _, req in requests]:
                                   services.dedup.check_many(r))
        seconds = (time.perf_counter() - started) / len(events)
        for (article, _), text, decision in zip(requests, texts, decisions, strict=True):
            if decision.is_duplicate:
                await topics.duplicates.send(key=article.id, value=DuplicateNotice(
                    article_id=article.id, duplicate_of=decision.duplicate_of,
                    similarity=round(decision.similarity, 4), kind=decision.kind,
                    source=article.source,
                ))
                emit(Outcome("ingest", "duplicate", article.id, seconds=seconds,
                             detail={"duplicate_of": decision.duplicate_of,
                                     "kind": decision.kind,
                                     "similarity": round(decision.similarity, 4)}))
            else:
                await topics.unique.send(key=article.id, value=UniqueArticle(
                    id=article.id, text=text, title=article.title, source=article.source,
                    url=article.url, published_at=article.published_at,
                ))
                emit(Outcome("ingest", "unique", article.id, seconds=seconds))
