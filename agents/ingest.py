"""ingest: articles -> validate -> normalise -> dedup in Redis -> unique | duplicates | dead letter.

Duplicates leave here, before any NLP. Messages are taken in batches and their dedup
checks sent to Redis as one script call: one round trip for the batch, with the same
decisions as one check at a time (see ``agents.redis.dedup``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from faust import StreamT
from faust.types import EventT

from agents.observe import Outcome
from schemas import Article, DuplicateNotice, UniqueArticle
from streams.dedup import Fingerprint
from streams.errors import InvalidArticle
from streams.normalize import has_text, normalize
from streams.store.dedup import DedupRequest
from streams.validate import decode_article

if TYPE_CHECKING:
    from agents.worker import AgentFun, Worker


def delivery_key(article: Article, fp: Fingerprint) -> str:
    """What was delivered, as dedup remembers its decision for a redelivery: the article
    id and the hash of its words. Not the topic, partition and offset: those start at 0
    again on a broker that lost its log (memory storage, a recreated topic), and a new
    article at an old position would get the old article's decision."""
    return f"{article.id}:{fp.exact}"


def make_ingest(w: Worker) -> AgentFun:
    """The ingest agent of worker ``w``."""
    settings, services, topics = w.settings, w.services, w.topics
    guard = w.guard("ingest")

    async def accepted(events: Sequence[EventT]) -> list[tuple[Article, str, EventT]]:
        """Valid articles with their normalised text; the rest are dead-lettered."""
        out = []
        for event in events:
            try:
                article = decode_article(event.message.value, max_bytes=settings.max_body_bytes)
                text = normalize(article.body)
                if not has_text(text):
                    raise InvalidArticle("empty_body", "nothing left after normalisation")
            except InvalidArticle as exc:
                await guard.dead_letter(event, exc.reason, exc.detail)
                continue
            out.append((article, text, event))
        return out

    async def process(events: Sequence[EventT]) -> None:
        started = time.perf_counter()
        articles = await accepted(events)
        if not articles:
            return
        prints = [services.fingerprinter.fingerprint(text) for _, text, _ in articles]
        requests = [DedupRequest(a.id, a.source, fp, delivery_key(a, fp))
                    for (a, _, _), fp in zip(articles, prints, strict=True)]
        decisions = await guard.retrying("dedup", lambda: services.dedup.check_many(requests))
        seconds = (time.perf_counter() - started) / len(events)
        for (article, text, _), decision in zip(articles, decisions, strict=True):
            if decision.is_duplicate:
                similarity = round(decision.similarity, 4)
                await topics.duplicates.send(key=article.id, value=DuplicateNotice(
                    article_id=article.id, duplicate_of=decision.duplicate_of,
                    similarity=similarity, kind=decision.kind, source=article.source))
                w.observers.emit(Outcome("ingest", "duplicate", article.id, seconds=seconds,
                                         detail={"duplicate_of": decision.duplicate_of,
                                                 "kind": decision.kind,
                                                 "similarity": similarity}))
            else:
                await topics.unique.send(key=article.id, value=UniqueArticle(
                    id=article.id, text=text, title=article.title, source=article.source,
                    url=article.url, published_at=article.published_at))
                w.observers.emit(Outcome("ingest", "unique", article.id, seconds=seconds))

    async def ingest(stream: StreamT) -> None:
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_within):
            await guard.run(events, process)
            for event in events:
                await stream.ack(event)

    return ingest
