"""Fact profiles per entity, updated atomically, with an outbox of the alerts each
update produced: the protocol and the in-memory twin (Redis: ``agents.redis.profiles``).

``update`` runs a pure ``fn(profile) -> (profile, alerts)`` so that no two updates of
one entity interleave, and keeps the alerts it decided as unsent for the entity: a
worker killed between ``update`` and sending finds them again when the message is
redelivered. ``update`` returns the new alerts plus the unsent ones of the same article,
and ``mark_sent`` clears them once they are on the alerts topic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

import orjson

from schemas import Alert
from streams.conflicts import Profile
from streams.text import entity_id as name_to_id
from streams.text import fold

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


def merge_pending(new: list[Alert], pending: list[Alert], article_id: str | None) -> list[Alert]:
    """The alerts an update hands back: the new ones, then the unsent ones of the article."""
    ids = {a.alert_id for a in new}
    return new + [a for a in pending if a.alert_id not in ids
                  and (article_id is None or a.article_id == article_id)]


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
            return merge_pending(alerts, pending, article_id)

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
