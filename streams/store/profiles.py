"""Fact profiles per entity, updated atomically, with an outbox of the alerts each
update produced.

``update`` runs a pure ``fn(profile) -> (profile, alerts)`` under optimistic
concurrency (Redis WATCH/MULTI/EXEC, retried on conflict): two workers can never both
decide that a value is new. The same transaction stores the alerts under
``{ns}:alerts:{alert_id}`` and lists them as unsent for the entity, so a worker killed
between ``update`` and sending finds them again when the message is redelivered:
``update`` returns the new alerts plus the unsent ones of the same article, and
``mark_sent`` clears them once they are on the alerts topic, and the sent alert's key
then expires after ``sent_ttl_seconds``.

Keys: ``{ns}:profile:e:{entity_id}`` (profile JSON), ``{ns}:profile:index:names`` (hash:
folded name -> entity id), ``{ns}:alerts:{alert_id}`` (alert JSON),
``{ns}:alerts:unsent:{entity_id}`` (set of alert ids). Entity ids get a key space of
their own (``e:``) so that no id — an entity named "Index" or "Names" — can reach an
internal key; alert ids are 32 hex digits, never ``unsent``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

import orjson
import redis.asyncio as redis
from redis.exceptions import WatchError

from schemas import Alert
from streams.alerts import alert_from_dict, alert_to_dict
from streams.claim_values import fold
from streams.conflicts import Profile
from streams.watchlist import entity_id as name_to_id

UpdateFn = Callable[[Profile | None], tuple[Profile, list[Alert]]]


class ProfileStore(Protocol):
    """Where fact profiles live."""

    async def update(self, entity_id: str, fn: UpdateFn, *,
                     article_id: str | None = None) -> list[Alert]:
        """Apply ``fn`` atomically; new alerts + unsent ones of ``article_id`` (all the
        entity's unsent alerts when ``article_id`` is None)."""
        ...

    async def mark_sent(self, alert_ids: list[str]) -> None:
        """Forget alerts that reached the alerts topic."""
        ...

    async def get(self, entity_id: str) -> Profile | None:
        """The profile of an entity id."""
        ...

    async def find(self, name: str) -> Profile | None:
        """The profile by entity id or by (case/accent-insensitive) name."""
        ...


def _merge(new: list[Alert], pending: list[Alert], article_id: str | None) -> list[Alert]:
    ids = {a.alert_id for a in new}
    return new + [a for a in pending if a.alert_id not in ids
                  and (article_id is None or a.article_id == article_id)]


class RedisProfileStore:
    """ProfileStore on Redis; safe with many workers on many connections."""

    def __init__(self, client: redis.Redis, namespace: str, max_retries: int = 50,
                 sent_ttl_seconds: int = 7 * 86400) -> None:
        self._r = client
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

    async def update(self, entity_id: str, fn: UpdateFn, *,
                     article_id: str | None = None) -> list[Alert]:
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
                        pipe.set(self._alert_key(a.alert_id), orjson.dumps(alert_to_dict(a)))
                        pipe.sadd(unsent, a.alert_id)
                    await pipe.execute()
                    return _merge(alerts, pending, article_id)
                except WatchError:
                    await asyncio.sleep(0)
        raise RuntimeError(f"profile {entity_id}: gave up after {self._max_retries} conflicts")

    async def _pending(self, conn: redis.Redis, ids: set[bytes]) -> list[Alert]:
        if not ids:
            return []
        raws = await conn.mget([self._alert_key(i.decode()) for i in sorted(ids)])
        return [alert_from_dict(orjson.loads(r)) for r in raws if r]

    async def mark_sent(self, alert_ids: list[str]) -> None:
        if not alert_ids:
            return
        raws = await self._r.mget([self._alert_key(i) for i in alert_ids])
        async with self._r.pipeline(transaction=True) as pipe:
            for alert_id, raw in zip(alert_ids, raws, strict=True):
                if raw:
                    pipe.srem(self._unsent_key(orjson.loads(raw)["entity"]["id"]), alert_id)
                    pipe.expire(self._alert_key(alert_id), self._sent_ttl)
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


class MemoryProfileStore:
    """In-process ProfileStore with the same semantics (tests, single-worker runs)."""

    def __init__(self) -> None:
        self._profiles: dict[str, dict] = {}
        self._alerts: dict[str, Alert] = {}
        self._unsent: dict[str, set[str]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def update(self, entity_id: str, fn: UpdateFn, *,
                     article_id: str | None = None) -> list[Alert]:
        async with self._locks.setdefault(entity_id, asyncio.Lock()):
            current = await self.get(entity_id)
            new_profile, alerts = fn(current)
            unsent = self._unsent.setdefault(entity_id, set())
            pending = [self._alerts[i] for i in sorted(unsent)]
            self._profiles[entity_id] = orjson.loads(orjson.dumps(new_profile.to_dict()))
            for a in alerts:
                self._alerts[a.alert_id] = a
                unsent.add(a.alert_id)
            return _merge(alerts, pending, article_id)

    async def mark_sent(self, alert_ids: list[str]) -> None:
        for alert_id in alert_ids:
            alert = self._alerts.get(alert_id)
            if alert is not None:
                self._unsent.get(alert.entity.id, set()).discard(alert_id)

    async def get(self, entity_id: str) -> Profile | None:
        data = self._profiles.get(entity_id)
        return Profile.from_dict(data) if data is not None else None

    async def find(self, name: str) -> Profile | None:
        for candidate in (name, name_to_id(name)):
            if (profile := await self.get(candidate)) is not None:
                return profile
        key = fold(name)
        return next((Profile.from_dict(d) for d in self._profiles.values()
                     if fold(d["name"]) == key), None)
