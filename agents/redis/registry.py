"""The entity registry and runtime watchlist in Redis.

Keys (``{ns}`` is the namespace): ``{ns}:reg:e:{id}`` hash of name/label/kind/watched/
first_seen/last_seen; ``{ns}:reg:a:{id}`` hash alias -> count; ``{ns}:reg:n:{id}``
HyperLogLog of article ids (article count that a replayed article does not inflate,
a few dozen bytes per entity); ``{ns}:reg:b:{key}`` set of ids whose name has this
blocking key (metaphone of the canonical surname). Each kind has its own prefix, so no
entity id or blocking key can reach another kind's key, nor the watchlist's keys below.
Unwatched entries expire after the retention period.

A batch of articles costs two round trips whatever its size, each a Lua script with
the batch as one JSON argument: ``registry_candidates.lua`` returns the registered
entities under the batch's blocking keys (canonicalize), ``registry_record.lua`` writes
the sightings. An article mentions dozens of entities and each sighting is about ten
Redis commands; issued from Python they cost more CPU than spaCy's own work on the
article, inside Redis they cost a few microseconds each.

Runtime watchlist: the hash ``{ns}:watch`` (id -> entity JSON) is the truth, and the
counter ``{ns}:watch:version`` is incremented in the same transaction as every change.
Workers compare the version (one GET per batch) and reload when it moved: a counter
survives any outage, where a message published while a worker reconnects is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson
import redis.asyncio as redis
from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from streams.names import blocking_key
from streams.nlp import kind_label
from streams.registry import RegistryEntry, choose, keep_apart, plan, registered, resembling
from streams.resolve import ResolvedEntity
from streams.store.registry import Registry, refuse_another
from streams.watchlist import WatchedEntity, Watchlist

_HERE = Path(__file__).parent
RECORD_SCRIPT = (_HERE / "registry_record.lua").read_text(encoding="utf-8")
CANDIDATES_SCRIPT = (_HERE / "registry_candidates.lua").read_text(encoding="utf-8")


class RedisRegistry(Registry):
    """The registry in Redis (see the module docstring for keys)."""

    def __init__(self, client: redis.Redis, namespace: str, ttl_seconds: int) -> None:
        self.r, self.ns, self.ttl = client, namespace, ttl_seconds
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
                          for e in entities if registered(e)]]
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
        return resembling(name, entries)

    async def canonicalize_many(
        self, batch: Sequence[list[ResolvedEntity]]
    ) -> list[list[ResolvedEntity]]:
        """``canonicalize`` for each article of a batch, in one script call."""
        plans = [plan(entities) for entities in batch]
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
        for entities, steps in zip(batch, plans, strict=True):
            mapped = list(entities)
            for i, key in steps:
                mapped[i] = choose(entities[i], [known[o] for o in sorted(members[key] or ())
                                                 if o in known])
            out.append(keep_apart(entities, mapped))
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
        """Apply a watchlist change and bump the version in one transaction. When
        ``adding``, the watchlist is WATCHed while the entry under its id is checked, so
        two commands cannot both take one id."""
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    if adding is not None:
                        await pipe.watch(f"{self.ns}:watch")
                        raw = await pipe.hget(f"{self.ns}:watch", adding.id)
                        refuse_another(_load(raw) if raw else None, adding)
                        pipe.multi()
                    op(pipe)
                    pipe.incr(f"{self.ns}:watch:version")
                    return int((await pipe.execute())[-1])
                except WatchError:
                    continue  # another change landed between the check and the write

    async def watchlist(self) -> Watchlist:
        raw = await self.r.hgetall(f"{self.ns}:watch")
        return Watchlist.of(_load(v) for _, v in sorted(raw.items()))

    async def watch_version(self) -> int:
        return int(await self.r.get(f"{self.ns}:watch:version") or 0)


def _dump(e: WatchedEntity) -> bytes:
    return orjson.dumps({"name": e.name, "aliases": list(e.aliases), "kind": e.kind, "id": e.id})


def _load(raw: bytes) -> WatchedEntity:
    d = orjson.loads(raw)
    return WatchedEntity(name=d["name"], aliases=tuple(d["aliases"]), kind=d["kind"], id=d["id"])
