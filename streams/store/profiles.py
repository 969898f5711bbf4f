"""Fact profiles in Redis."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import redis.asyncio as redis
from redis.exceptions import WatchError

from schemas import Alert
from streams.conflicts import Profile


class RedisProfileStore:
    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.r, self.ns = client, namespace

    async def update(
        self, entity_id: str, fn: Callable[[Profile | None], tuple[Profile, list[Alert]]]
    ) -> list[Alert]:
        key = f"{self.ns}:profile:{entity_id}"
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    profile, alerts = fn(Profile.from_dict(orjson.loads(raw)) if raw else None)
                    pipe.multi()
                    pipe.set(key, orjson.dumps(profile.to_dict()))
                    await pipe.execute()
                    return alerts
                except WatchError:
                    continue

    async def mark_sent(self, alert_ids: list[str]) -> None:
        return None


class MemoryProfileStore:
    """In-memory twin."""

    def __init__(self) -> None:
        self.profiles: dict[str, Profile] = {}

    async def update(self, entity_id, fn):
        profile, alerts = fn(self.profiles.get(entity_id))
        self.profiles[entity_id] = profile
        return alerts

    async def mark_sent(self, alert_ids: list[str]) -> None:
        return None
