"""The board's data over the running pipeline: the only board module that imports the
runtime (Kafka I/O, the Redis stores), so moving those modules re-points imports here.

* alerts: the alerts topic, read from the beginning and followed (``read_topic``),
  bounded and de-duplicated by ``AlertFeed``;
* articles (title, url, source, publication time): the unique topic, whose messages
  carry them; bounded, the text is not kept;
* profiles: ``RedisProfileStore`` (what ``wirewatch entity`` prints);
* watchlist: ``RedisRegistry`` (what ``wirewatch watch`` edits; workers poll its
  version), plus the watchlist file's entries, which only an edit of the file removes;
* health: committed offsets and lag of the workers' consumer group (``GroupProbe``),
  and counts of the duplicates and dead-letter topics, so the figures cover every
  worker of the group, not one process's metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from agents.board.feed import AlertFeed
from agents.board.model import (
    ArticleMeta,
    Attribute,
    Evidence,
    FeedItem,
    Health,
    Person,
    Value,
    Watch,
)
from agents.kafka import GroupProbe, ensure_topics, read_topic
from agents.redis import connect
from agents.redis.profiles import RedisProfileStore
from agents.redis.registry import RedisRegistry
from streams.conflicts import AttributeRules, Profile
from streams.settings import Settings
from streams.watchlist import WatchedEntity, Watchlist, load_watchlist

log = logging.getLogger(__name__)
STATUS = "status"  # single-valued, but its values are stages: only an alert says conflict
RETRY_AFTER = 2.0
#: How long ``start`` waits for the readers to catch up with what the topics hold.
CATCH_UP_SECONDS = 60.0
HEALTH_TTL = 2.0


def person_of(profile: Profile, rules: AttributeRules, conflict_attributes: set[str],
              articles: dict[str, ArticleMeta]) -> Person:
    """A stored profile in the board's terms. Conflicted: the attributes the pipeline
    alerted a conflict on, and any other single-valued attribute holding two values."""
    attributes = tuple(
        Attribute(name, tuple(
            Value(r.value, tuple(r.sources), r.independent_sources, tuple(r.article_ids),
                  tuple(Evidence(str(e.get("article_id")), str(e.get("sentence") or ""),
                                 e.get("source"), e.get("attribution")) for e in r.evidence),
                  r.first_seen, r.last_seen)
            for r in records), multi=name in rules.multi_valued)
        for name, records in sorted(profile.attributes.items()))
    conflicted = set(conflict_attributes) | {
        a.name for a in attributes if not a.multi and a.name != STATUS and len(a.values) > 1}
    return Person(profile.entity_id, profile.name, profile.kind, attributes,
                  tuple(profile.article_ids), profile.first_seen, frozenset(conflicted),
                  {a: articles[a] for a in profile.article_ids if a in articles})


def _watch(e: WatchedEntity, removable: bool) -> Watch:
    return Watch(e.id, e.name, tuple(e.aliases), e.kind, removable)


class RuntimeBoardData:
    """``BoardData`` over a broker and Redis; ``start`` begins following the topics."""

    def __init__(self, settings: Settings, *, max_alerts: int = 5000,
                 max_articles: int = 20000) -> None:
        self.settings = settings
        self._articles: OrderedDict[str, ArticleMeta] = OrderedDict()
        self._max_articles = max_articles
        self.feed = AlertFeed(max_alerts, self._articles.get)
        self._duplicates = 0
        self._dead_letters: Counter[str] = Counter()
        self._rules = AttributeRules.load()
        self._redis = connect(settings)
        self._profiles = RedisProfileStore(self._redis, settings.namespace)
        self._registry = RedisRegistry(self._redis, settings.namespace,
                                       int(settings.retention_days * 86400))
        self._file_watchlist: Watchlist = load_watchlist(settings.watchlist)
        self._tasks: list[asyncio.Task] = []
        self._probes: tuple[GroupProbe, GroupProbe] | None = None
        self._health: tuple[float, Health] | None = None

    async def start(self) -> None:
        """Make sure the topics exist (a reader assigned to a missing topic would never
        see it appear), then follow them in the background; return once each reader has
        read what its topic held at start, so that the first page served is not empty."""
        s = self.settings
        await ensure_topics(s, s.topic_names())
        readers: list[tuple[str, Callable[[bytes], Any], Callable[[], None] | None]] = [
            (s.topic_unique, self._on_article, None),
            (s.topic_alerts, self._on_alert, None),
            (s.topic_duplicates, self._on_duplicate, self._reset_duplicates),
            (s.topic_dead_letter, self._on_dead_letter, self._dead_letters.clear),
        ]
        read = [asyncio.Event() for _ in readers]
        self._tasks = [asyncio.create_task(self._follow(*r, caught_up=done.set),
                                           name=f"board:{r[0]}")
                       for r, done in zip(readers, read, strict=True)]
        try:
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in read)),
                                   CATCH_UP_SECONDS)
        except TimeoutError:
            log.warning("board: still reading the topics after %.0f s; serving what is read",
                        CATCH_UP_SECONDS)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._drop_probes()
        await self._redis.aclose()

    async def _drop_probes(self) -> None:
        """Close the probes (after an error the next sample opens new ones)."""
        probes, self._probes = self._probes or (), None
        for probe in probes:
            with contextlib.suppress(Exception):
                await probe.stop()

    async def _follow(self, topic: str, handle: Callable[[bytes], Any],
                      reset: Callable[[], None] | None, caught_up: Callable[[], None]) -> None:
        """Read ``topic`` from the beginning for ever; after a broker error, again from
        the beginning (``reset`` first, so counts are not doubled)."""
        while True:
            if reset:
                reset()
            try:
                async for raw in read_topic(self.settings, topic, follow=True,
                                            idle_timeout=0.2, caught_up=caught_up):
                    try:
                        result = handle(raw)
                        if asyncio.iscoroutine(result):
                            await result
                    except (ValueError, KeyError, TypeError):
                        log.warning("board: unreadable message on %s", topic)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("board: reading %s failed (%s); retrying", topic, exc)
            await asyncio.sleep(RETRY_AFTER)

    async def _on_article(self, raw: bytes) -> None:
        """Keep the article's metadata and tell the feed: this topic's reader can lag
        behind the alerts' reader, and the feed holds a fresh alert for its article."""
        doc = orjson.loads(raw)
        meta = ArticleMeta(str(doc["id"]), doc.get("title"), doc.get("url"), doc.get("source"),
                           doc.get("published_at"))
        self._articles[meta.article_id] = meta
        self._articles.move_to_end(meta.article_id)
        while len(self._articles) > self._max_articles:
            self._articles.popitem(last=False)
        await self.feed.article_arrived(meta.article_id)

    async def _on_alert(self, raw: bytes) -> None:
        await self.feed.add(orjson.loads(raw))

    def _on_duplicate(self, raw: bytes) -> None:
        self._duplicates += 1

    def _reset_duplicates(self) -> None:
        self._duplicates = 0

    def _on_dead_letter(self, raw: bytes) -> None:
        self._dead_letters[str(orjson.loads(raw).get("reason") or "unknown")] += 1

    def items(self) -> list[FeedItem]:
        return self.feed.items()

    def alerts(self, after: int) -> AsyncIterator[FeedItem]:
        return self.feed.follow(after)

    async def profile(self, entity_id: str) -> Person | None:
        profile = await self._profiles.find(entity_id)
        if profile is None:
            return None
        conflicts = {i.alert.get("attribute") for i in self.feed.items()
                     if i.alert["type"] == "conflict"
                     and i.alert["entity"]["id"] == profile.entity_id}
        return person_of(profile, self._rules, {a for a in conflicts if a},
                         dict(self._articles))

    async def watchlist(self) -> list[Watch]:
        runtime = await self._registry.watchlist()
        entries = {e.id: _watch(e, False) for e in self._file_watchlist}
        entries.update({e.id: _watch(e, True) for e in runtime})
        return sorted(entries.values(), key=lambda w: w.name.lower())

    async def add_watch(self, name: str, aliases: tuple[str, ...], kind: str | None) -> Watch:
        entity = WatchedEntity(name, aliases, kind)
        await self._registry.add_watch(entity)
        return _watch(entity, True)

    async def remove_watch(self, entity_id: str) -> bool:
        if (await self._registry.watchlist()).get(entity_id) is None:
            return False
        await self._registry.remove_watch(entity_id)
        return True

    async def health(self) -> Health:
        """Sampled at most every ``HEALTH_TTL`` seconds, whoever asks."""
        now = time.monotonic()
        if self._health and now - self._health[0] < HEALTH_TTL:
            return self._health[1]
        counts = {"duplicates": self._duplicates, "dead_letters": dict(self._dead_letters)}
        try:
            if self._probes is None:
                s = self.settings
                self._probes = (GroupProbe(s, s.app_id, [s.topic_articles]),
                                GroupProbe(s, s.app_id, [s.topic_unique, s.topic_entity_claims]))
                for probe in self._probes:
                    await probe.start()
            (articles_in, lag_in), (_, lag_rest) = [await p.sample() for p in self._probes]
            health = Health(articles_in, lag=lag_in + lag_rest, **counts)
        except Exception as exc:  # the strip says so; the pages still render
            await self._drop_probes()
            health = Health(problem=f"cannot read the consumer group: {exc}", **counts)
        self._health = (now, health)
        return health
