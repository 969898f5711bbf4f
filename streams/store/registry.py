"""Entity registry and runtime watchlist: Redis, and an in-memory twin.

The registry remembers every watched entity and, bounded, the people, organisations,
places and groups seen in recent articles (labels in ``REGISTERED_LABELS``; unwatched
records expire after the retention period), so that an entity added to the watchlist
later can be looked back on, and so that one person spelled differently in two
articles from two streams gets one id (:meth:`canonicalize`).

Keys (``{ns}`` is the namespace): ``{ns}:reg:e:{id}`` hash of name/label/kind/watched/
first_seen/last_seen; ``{ns}:reg:a:{id}`` hash alias -> count; ``{ns}:reg:n:{id}``
HyperLogLog of article ids (article count that a replayed article does not inflate,
a few dozen bytes per entity); ``{ns}:reg:b:{key}`` set of ids whose name has this
blocking key (metaphone of the canonical surname). Each kind has its own prefix, so no
entity id or blocking key can reach another kind's key, nor the watchlist's keys below.

A batch of articles costs two round trips whatever its size, each a Lua script with
the batch as one JSON argument: ``registry_candidates.lua`` returns the registered
entities under the batch's blocking keys (canonicalize), ``registry_record.lua`` writes
the sightings. An article mentions dozens of entities and each sighting is about ten
Redis commands; issued from Python they cost more CPU than spaCy's own work on the
article, inside Redis they cost a few microseconds each.

Runtime watchlist: the hash ``{ns}:watch`` (id -> entity JSON) is the truth, the
counter ``{ns}:watch:version`` is incremented in the same transaction as every change,
and the new version is published on the channel ``{ns}:watch:changed``. Workers
compare the version (one GET per batch) and reload when it moved; the channel only
lets a worker that subscribes react at once. Pub/sub alone would not do: a message
sent while a worker reconnects is lost, whereas the version survives any outage.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson
import redis.asyncio as redis
from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from streams.exceptions import WatchlistError
from streams.names import Relation, blocking_key, compare
from streams.names import names_match as score
from streams.nlp import kind_label
from streams.resolve import ResolvedEntity
from streams.watchlist import WatchedEntity, Watchlist, same_name

_HERE = Path(__file__).parent
RECORD_SCRIPT = (_HERE / "registry_record.lua").read_text(encoding="utf-8")
CANDIDATES_SCRIPT = (_HERE / "registry_candidates.lua").read_text(encoding="utf-8")
REGISTERED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SAME_SCORE = 0.9  # names_match at or above which two full names are one entity
DOUBT_SCORE = 0.6  # at or above: recorded as a candidate, not merged


@dataclass
class RegistryEntry:
    """What the registry knows of one entity."""

    id: str
    name: str
    label: str
    kind: str | None = None
    watched: bool = False
    aliases: dict[str, int] = field(default_factory=dict)
    first_seen: float = 0.0
    last_seen: float = 0.0
    articles: int = 0


def choose(entity: ResolvedEntity, found: list[RegistryEntry]) -> ResolvedEntity:
    """Map an unwatched entity onto the one registered entity that holds the same full
    name (taking its id, name and, if watched, its kind); otherwise keep it and record
    the registered ids it resembled as candidates."""
    best: list[RegistryEntry] = []
    doubts: list[str] = []
    for other in found:
        if other.id == entity.id:
            continue
        names = [other.name, *other.aliases]
        top = max(score(entity.name, n) for n in names)
        same = any(compare(entity.name, n).relation is Relation.SAME for n in names)
        if same and top >= SAME_SCORE:
            best.append(other)
        elif top >= DOUBT_SCORE:
            doubts.append(other.id)
    if len(best) == 1 and not doubts:
        (other,) = best
        if other.watched:
            return replace(entity, id=other.id, name=other.name, watched=True,
                           kind=other.kind, label=other.label)
        return replace(entity, id=other.id, name=other.name)
    extra = tuple(x for x in [*(b.id for b in best), *doubts] if x not in entity.candidates)
    return replace(entity, candidates=entity.candidates + extra) if extra else entity


def _resembling(name: str, entries: list[RegistryEntry]) -> list[RegistryEntry]:
    scored = [(max(score(name, n) for n in [e.name, *e.aliases]), e) for e in entries]
    return [e for s, e in sorted(scored, key=lambda x: (-x[0], x[1].id)) if s >= DOUBT_SCORE]


def _refuse_another(watched: WatchedEntity | None, e: WatchedEntity) -> None:
    """Adding a watched name again updates it; a different name whose id is already
    watched ("Павел Волков" when "Pavel Volkov" is) would silently take that entity over,
    so it is refused."""
    if watched is not None and not same_name(watched.name, e.name):
        raise WatchlistError(
            f"{e.name!r} would share the id {e.id!r} with the watched {watched.name!r}: "
            f"make it an alias of {watched.name!r}, or remove that entity first")


def _registered(e: ResolvedEntity) -> bool:
    """Whether the registry keeps this entity: watched ones, and people, organisations,
    places and groups."""
    return e.watched or e.label in REGISTERED_LABELS


class _PerArticle(ABC):
    """The one-article forms of ``record_many`` and ``canonicalize_many``, for both
    registries."""

    @abstractmethod
    async def record_many(self, sightings: Sequence[tuple[str, list[ResolvedEntity]]],
                          seen_at: float | None = None) -> None: ...

    @abstractmethod
    async def canonicalize_many(
        self, batch: Sequence[list[ResolvedEntity]]
    ) -> list[list[ResolvedEntity]]: ...

    async def record(self, article_id: str, entities: list[ResolvedEntity],
                     seen_at: float | None = None) -> None:
        """Note that this article mentions these entities."""
        await self.record_many([(article_id, entities)], seen_at)

    async def canonicalize(self, entities: list[ResolvedEntity]) -> list[ResolvedEntity]:
        """Map unwatched entities onto registered ids of the same full name."""
        [mapped] = await self.canonicalize_many([entities])
        return mapped


def _plan(entities: list[ResolvedEntity]) -> list[tuple[int, str]]:
    """(index, blocking key) of the entities that canonicalize may remap."""
    out = []
    for i, e in enumerate(entities):
        key = blocking_key(e.name) if _registered(e) and not e.watched else None
        if key:
            out.append((i, key))
    return out


def _dedupe(entities: list[ResolvedEntity], mapped: list[ResolvedEntity]) -> list[ResolvedEntity]:
    """Two entities of one article never map onto one id: keep such pairs apart."""
    ids = [e.id for e in mapped]
    return [
        m if m.id == e.id or ids.count(m.id) == 1 and m.id not in {x.id for x in entities}
        else replace(e, candidates=tuple(dict.fromkeys((*e.candidates, m.id))))
        for e, m in zip(entities, mapped, strict=True)
    ]


class RedisRegistry(_PerArticle):
    """The registry in Redis (see the module docstring for keys)."""

    def __init__(self, client: redis.Redis, namespace: str, ttl_seconds: int) -> None:
        self.r, self.ns, self.ttl = client, namespace, ttl_seconds
        self.channel = f"{namespace}:watch:changed"
        self._record = client.register_script(RECORD_SCRIPT)
        self._candidates = client.register_script(CANDIDATES_SCRIPT)

    def _k(self, kind: str, key: str) -> str:
        return f"{self.ns}:reg:{kind}:{key}"

    async def record_many(self, sightings: Sequence[tuple[str, list[ResolvedEntity]]],
                          seen_at: float | None = None) -> None:
        """Note which entities each article mentions (one script call)."""
        now = time.time() if seen_at is None else seen_at
        payload = [
            [article_id, [[e.id, e.name, e.label, e.kind or "", int(e.watched),
                           blocking_key(e.name) or "", list(e.surface_forms)]
                          for e in entities if _registered(e)]]
            for article_id, entities in sightings
        ]
        await self._record(args=[self.ns, now, self.ttl, orjson.dumps(payload)])

    async def get(self, entity_id: str) -> RegistryEntry | None:
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._k("e", entity_id))
            pipe.hgetall(self._k("a", entity_id))
            pipe.pfcount(self._k("n", entity_id))
            raw, aliases, count = await pipe.execute()
        if b"name" not in raw:
            return None
        d = {k.decode(): v.decode() for k, v in raw.items()}
        return RegistryEntry(
            id=entity_id, name=d["name"], label=d["label"], kind=d.get("kind") or None,
            watched=d.get("watched") == "1",
            aliases={k.decode(): int(v) for k, v in aliases.items()},
            first_seen=float(d["first_seen"]), last_seen=float(d["last_seen"]), articles=count,
        )

    async def lookup(self, name: str) -> list[RegistryEntry]:
        """Registered entities whose name resembles ``name``, best first: what the
        registry saw of an entity before it was watched."""
        key = blocking_key(name)
        if not key:
            return []
        ids = sorted(m.decode() for m in await self.r.smembers(self._k("b", key)))
        entries = [e for e in [await self.get(i) for i in ids] if e is not None]
        return _resembling(name, entries)

    async def canonicalize_many(
        self, batch: Sequence[list[ResolvedEntity]]
    ) -> list[list[ResolvedEntity]]:
        """``canonicalize`` for each article of a batch, in one script call."""
        plans = [_plan(entities) for entities in batch]
        keys = sorted({key for plan in plans for _, key in plan})
        if not keys:
            return [list(entities) for entities in batch]
        found = orjson.loads(await self._candidates(args=[self.ns, *keys]))
        members = dict(zip(keys, found["members"], strict=True))
        known = {}
        for other, entry in (found["entries"] or {}).items():
            if entry:  # false: the entity's hash expired, its blocking key not yet
                name, label, kind, watched, aliases = entry
                known[other] = RegistryEntry(
                    id=other, name=name, label=label, kind=kind or None, watched=watched,
                    aliases=dict.fromkeys(aliases or (), 0))
        out = []
        for entities, plan in zip(batch, plans, strict=True):
            mapped = list(entities)
            for i, key in plan:
                mapped[i] = choose(entities[i], [known[o] for o in sorted(members[key] or ())
                                                 if o in known])
            out.append(_dedupe(entities, mapped))
        return out

    async def add_watch(self, e: WatchedEntity) -> int:
        """Watch an entity (registered at once, never expiring); returns the new
        watchlist version. WatchlistError when another name is watched under its id."""
        def op(pipe) -> None:
            pipe.hset(f"{self.ns}:watch", e.id, _dump(e))
            ek, now = self._k("e", e.id), time.time()
            pipe.hset(ek, mapping={"name": e.name, "kind": e.kind or "", "watched": 1})
            pipe.hsetnx(ek, "label", kind_label(e.kind))
            pipe.hsetnx(ek, "first_seen", now)
            pipe.hsetnx(ek, "last_seen", now)
            for kind in ("e", "a", "n"):
                pipe.persist(self._k(kind, e.id))
            key = blocking_key(e.name)
            if key:
                pipe.sadd(self._k("b", key), e.id)

        return await self._change(op, adding=e)

    async def remove_watch(self, entity_id: str) -> int:
        """Stop watching; the registry entry then expires like any other."""
        def op(pipe) -> None:
            pipe.hdel(f"{self.ns}:watch", entity_id)
            pipe.hset(self._k("e", entity_id), "watched", 0)
            for kind in ("e", "a", "n"):
                pipe.expire(self._k(kind, entity_id), self.ttl)

        return await self._change(op)

    async def _change(self, op: Callable[[Pipeline], None],
                      adding: WatchedEntity | None = None) -> int:
        """Apply a watchlist change and bump the version in one transaction, then
        announce the version. When ``adding``, the watchlist is WATCHed while the entry
        under its id is checked, so two commands cannot both take one id."""
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    if adding is not None:
                        await pipe.watch(f"{self.ns}:watch")
                        raw = await pipe.hget(f"{self.ns}:watch", adding.id)
                        _refuse_another(_load(raw) if raw else None, adding)
                        pipe.multi()
                    op(pipe)
                    pipe.incr(f"{self.ns}:watch:version")
                    version = int((await pipe.execute())[-1])
                    break
                except WatchError:
                    continue  # another change landed between the check and the write
        await self.r.publish(self.channel, version)
        return version

    async def watchlist(self) -> Watchlist:
        raw = await self.r.hgetall(f"{self.ns}:watch")
        return Watchlist.of(_load(v) for _, v in sorted(raw.items()))

    async def watch_version(self) -> int:
        return int(await self.r.get(f"{self.ns}:watch:version") or 0)


class MemoryRegistry(_PerArticle):
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
        for e in filter(_registered, entities):
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
        return _resembling(name, [self.entries[i] for i in ids if i in self.entries])

    async def canonicalize_many(
        self, batch: Sequence[list[ResolvedEntity]]
    ) -> list[list[ResolvedEntity]]:
        return [self._canonicalize(entities) for entities in batch]

    def _canonicalize(self, entities: list[ResolvedEntity]) -> list[ResolvedEntity]:
        mapped = list(entities)
        for i, key in _plan(entities):
            found = [self.entries[o] for o in sorted(self.blocks.get(key, ()))
                     if o in self.entries]
            mapped[i] = choose(entities[i], found)
        return _dedupe(entities, mapped)

    async def add_watch(self, e: WatchedEntity) -> int:
        _refuse_another(self.watched.get(e.id), e)
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


def _dump(e: WatchedEntity) -> bytes:
    return orjson.dumps({"name": e.name, "aliases": list(e.aliases), "kind": e.kind, "id": e.id})


def _load(raw: bytes) -> WatchedEntity:
    d = orjson.loads(raw)
    return WatchedEntity(name=d["name"], aliases=tuple(d["aliases"]), kind=d["kind"], id=d["id"])
