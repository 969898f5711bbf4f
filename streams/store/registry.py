"""The entity registry and runtime watchlist behind one interface, and its in-memory
twin (Redis: ``agents.redis.registry``).

The registry remembers every watched entity and, bounded, the people, organisations,
places and groups seen in recent articles, so that an entity added to the watchlist
later can be looked back on, and so that one person spelled differently in two
articles from two streams gets one id (``canonicalize``, by ``streams.registry``).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Sequence

from streams.errors import WatchlistError
from streams.names import blocking_key
from streams.nlp import kind_label
from streams.registry import RegistryEntry, choose, keep_apart, plan, registered, resembling
from streams.resolve import ResolvedEntity
from streams.watchlist import WatchedEntity, Watchlist, same_name


def refuse_another(watched: WatchedEntity | None, e: WatchedEntity) -> None:
    """Adding a watched name again updates it; a different name whose id is already
    watched ("Павел Волков" when "Pavel Volkov" is) would silently take that entity over,
    so it is refused."""
    if watched is not None and not same_name(watched.name, e.name):
        raise WatchlistError(
            f"{e.name!r} would share the id {e.id!r} with the watched {watched.name!r}: "
            f"make it an alias of {watched.name!r}, or remove that entity first")


class Registry(ABC):
    """What every registry does; the one-article forms are written once, here."""

    @abstractmethod
    async def record_many(self, sightings: Sequence[tuple[str, list[ResolvedEntity]]],
                          seen_at: float | None = None) -> None:
        """Note which entities each article mentions."""

    @abstractmethod
    async def canonicalize_many(
        self, batch: Sequence[list[ResolvedEntity]]
    ) -> list[list[ResolvedEntity]]:
        """``canonicalize`` for each article of a batch."""

    @abstractmethod
    async def get(self, entity_id: str) -> RegistryEntry | None:
        """What is registered under an id."""

    @abstractmethod
    async def lookup(self, name: str) -> list[RegistryEntry]:
        """Registered entities whose name resembles ``name``, best first."""

    @abstractmethod
    async def add_watch(self, e: WatchedEntity) -> int:
        """Watch an entity; returns the new watchlist version. WatchlistError when
        another name is watched under its id."""

    @abstractmethod
    async def remove_watch(self, entity_id: str) -> int:
        """Stop watching; returns the new watchlist version."""

    @abstractmethod
    async def watchlist(self) -> Watchlist:
        """The runtime watchlist."""

    @abstractmethod
    async def watch_version(self) -> int:
        """The runtime watchlist's version: it moves with every change."""

    async def record(self, article_id: str, entities: list[ResolvedEntity],
                     seen_at: float | None = None) -> None:
        """Note that this article mentions these entities."""
        await self.record_many([(article_id, entities)], seen_at)

    async def canonicalize(self, entities: list[ResolvedEntity]) -> list[ResolvedEntity]:
        """Map unwatched entities onto registered ids of the same full name."""
        [mapped] = await self.canonicalize_many([entities])
        return mapped


class MemoryRegistry(Registry):
    """In-memory twin (no expiry: it lives as long as one process)."""

    def __init__(self) -> None:
        self.entries: dict[str, RegistryEntry] = {}
        self.seen: dict[str, set[str]] = {}
        self.blocks: dict[str, set[str]] = {}
        self.watched: dict[str, WatchedEntity] = {}
        self.version = 0

    async def record_many(self, sightings: Sequence[tuple[str, list[ResolvedEntity]]],
                          seen_at: float | None = None) -> None:
        now = time.time() if seen_at is None else seen_at
        for article_id, entities in sightings:
            self._record(article_id, entities, now)

    def _record(self, article_id: str, entities: list[ResolvedEntity], now: float) -> None:
        for e in filter(registered, entities):
            entry = self.entries.setdefault(e.id, RegistryEntry(e.id, e.name, e.label,
                                                                first_seen=now))
            if e.watched:
                entry.name, entry.kind = e.name, e.kind
            entry.label, entry.watched = e.label, e.watched
            entry.last_seen = now
            for form in e.surface_forms:
                entry.aliases[form] = entry.aliases.get(form, 0) + 1
            self.seen.setdefault(e.id, set()).add(article_id)
            entry.articles = len(self.seen[e.id])
            key = blocking_key(e.name)
            if key:
                self.blocks.setdefault(key, set()).add(e.id)

    async def get(self, entity_id: str) -> RegistryEntry | None:
        return self.entries.get(entity_id)

    async def lookup(self, name: str) -> list[RegistryEntry]:
        key = blocking_key(name)
        ids = sorted(self.blocks.get(key, ())) if key else []
        return resembling(name, [self.entries[i] for i in ids if i in self.entries])

    async def canonicalize_many(
        self, batch: Sequence[list[ResolvedEntity]]
    ) -> list[list[ResolvedEntity]]:
        return [self._canonicalize(entities) for entities in batch]

    def _canonicalize(self, entities: list[ResolvedEntity]) -> list[ResolvedEntity]:
        mapped = list(entities)
        for i, key in plan(entities):
            found = [self.entries[o] for o in sorted(self.blocks.get(key, ()))
                     if o in self.entries]
            mapped[i] = choose(entities[i], found)
        return keep_apart(entities, mapped)

    async def add_watch(self, e: WatchedEntity) -> int:
        refuse_another(self.watched.get(e.id), e)
        self.watched[e.id] = e
        entry = self.entries.setdefault(e.id, RegistryEntry(e.id, e.name, kind_label(e.kind),
                                                            first_seen=time.time()))
        entry.name, entry.kind, entry.watched = e.name, e.kind, True
        key = blocking_key(e.name)
        if key:
            self.blocks.setdefault(key, set()).add(e.id)
        self.version += 1
        return self.version

    async def remove_watch(self, entity_id: str) -> int:
        self.watched.pop(entity_id, None)
        if entity_id in self.entries:
            self.entries[entity_id].watched = False
        self.version += 1
        return self.version

    async def watchlist(self) -> Watchlist:
        return Watchlist.of(self.watched[k] for k in sorted(self.watched))

    async def watch_version(self) -> int:
        return self.version
