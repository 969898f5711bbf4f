"""Fact profiles in Redis, safe with many workers on many connections.

``update`` runs the pure update under optimistic concurrency (WATCH/MULTI/EXEC, retried
on conflict): two workers can never both decide that a value is new. The same
transaction stores the alerts it decided and lists them as unsent for the entity (the
outbox, see ``streams.store.profiles``).

Keys: ``{ns}:profile:e:{entity_id}`` (profile JSON), ``{ns}:profile:index:names`` (hash:
folded name -> entity id), ``{ns}:alerts:{alert_id}`` (alert JSON, expiring
``sent_ttl_seconds`` after it was sent), ``{ns}:alerts:unsent:{entity_id}`` (set of
alert ids), ``{ns}:alerts:lease:{alert_id}`` (the owner sending it, expiring after
``lease_seconds``; ``outbox_take.lua`` takes an earlier attempt's alerts over). Entity
ids get a key space of their own (``e:``) so that no id — an entity named "Index" or
"Names" — can reach an internal key; alert ids are 32 hex digits, never ``unsent`` or
``lease``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import redis.asyncio as redis
from redis.exceptions import WatchError

from schemas import Alert, as_document
from streams.conflicts import Profile
from streams.store.profiles import Decided, UpdateFn, lease_wait, pending_of
from streams.text import entity_id as name_to_id
from streams.text import fold

TAKE_SCRIPT = (Path(__file__).parent / "outbox_take.lua").read_text(encoding="utf-8")


class RedisProfileStore:
    """ProfileStore on Redis; safe with many workers on many connections."""

    def __init__(self, client: redis.Redis, namespace: str, max_retries: int = 50,
                 sent_ttl_seconds: int = 7 * 86400, lease_seconds: float = 10.0) -> None:
        self._r = client
        self._take = client.register_script(TAKE_SCRIPT)
        self._lease_ms = max(int(lease_seconds * 1000), 1)
        self._ns = namespace
        self._max_retries = max_retries
        self._sent_ttl = sent_ttl_seconds
        self._names_key = f"{namespace}:profile:index:names"

    def _profile_key(self, entity_id: str) -> str:
        return f"{self._ns}:profile:e:{entity_id}"

    def _unsent_key(self, entity_id: str) -> str:
        return f"{self._ns}:alerts:unsent:{entity_id}"

    def _alert_key(self, alert_id: str) -> str:
        return f"{self._ns}:alerts:{alert_id}"

    def _lease_key(self, alert_id: str) -> str:
        return f"{self._ns}:alerts:lease:{alert_id}"

    async def update(self, entity_id: str, fn: UpdateFn, *, owner: str,
                     article_id: str | None = None) -> Decided:
        key, unsent = self._profile_key(entity_id), self._unsent_key(entity_id)
        for _ in range(self._max_retries):
            async with self._r.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key, unsent)
                    raw = await pipe.get(key)
                    profile = Profile.from_dict(orjson.loads(raw)) if raw else None
                    new_profile, alerts = fn(profile)
                    pending = await self._pending(pipe, await pipe.smembers(unsent))
                    pipe.multi()
                    pipe.set(key, orjson.dumps(new_profile.to_dict()))
                    pipe.hset(self._names_key, fold(new_profile.name), entity_id)
                    for a in alerts:
                        pipe.set(self._alert_key(a.alert_id), orjson.dumps(as_document(a)))
                        pipe.sadd(unsent, a.alert_id)
                        pipe.set(self._lease_key(a.alert_id), owner, px=self._lease_ms)
                    await pipe.execute()
                    return Decided(alerts, pending_of(alerts, pending, article_id))
                except WatchError:
                    await asyncio.sleep(0)
        raise RuntimeError(f"profile {entity_id}: gave up after {self._max_retries} conflicts")

    async def _pending(self, conn: redis.Redis, ids: set[bytes]) -> list[Alert]:
        if not ids:
            return []
        raws = await conn.mget([self._alert_key(i.decode()) for i in sorted(ids)])
        return [Alert.from_data(orjson.loads(r)) for r in raws if r]

    async def take_over(self, alerts: list[Alert], owner: str) -> list[Alert]:
        if not alerts:
            return []
        keys = [k for a in alerts for k in (self._unsent_key(a.entity.id),
                                            self._lease_key(a.alert_id))]
        args = [owner, self._lease_ms, *(a.alert_id for a in alerts)]
        while True:
            states = await self._take(keys=keys, args=args)
            busy = [s for s in states if s > 0]
            if not busy:
                return [a for a, s in zip(alerts, states, strict=True) if s == 0]
            await asyncio.sleep(lease_wait(min(busy) / 1000))

    async def mark_sent(self, alert_ids: list[str]) -> None:
        if not alert_ids:
            return
        raws = await self._r.mget([self._alert_key(i) for i in alert_ids])
        async with self._r.pipeline(transaction=True) as pipe:
            for alert_id, raw in zip(alert_ids, raws, strict=True):
                if raw:
                    pipe.srem(self._unsent_key(orjson.loads(raw)["entity"]["id"]), alert_id)
                    pipe.expire(self._alert_key(alert_id), self._sent_ttl)
                pipe.delete(self._lease_key(alert_id))
            await pipe.execute()

    async def get(self, entity_id: str) -> Profile | None:
        raw = await self._r.get(self._profile_key(entity_id))
        return Profile.from_dict(orjson.loads(raw)) if raw else None

    async def find(self, name: str) -> Profile | None:
        for candidate in (name, name_to_id(name)):
            if candidate and (profile := await self.get(candidate)) is not None:
                return profile
        found = await self._r.hget(self._names_key, fold(name))
        return await self.get(found.decode()) if found else None
