"""Fact profiles per entity, updated atomically, with an outbox of the alerts each
update produced: the protocol and the in-memory twin (Redis: ``agents.redis.profiles``).

``update`` runs a pure ``fn(profile) -> (profile, alerts)`` so that no two updates of
one entity interleave, and keeps the alerts it decided as unsent for the entity: a
worker killed between ``update`` and sending finds them again when the message is
redelivered. ``mark_sent`` clears them once they are on the alerts topic.

Sending once, not twice. An unsent alert may be unsent for two reasons: its sender is
still at work (a rebalance handed the message to a second worker meanwhile), or its
sender died — before the broker had the alert, or after, before ``mark_sent``. So each
alert is *leased* to the worker that decided it (in the update's own transaction), and a
redelivery takes over an earlier attempt's alerts only once that lease is released or
expired (:meth:`ProfileStore.take_over`); what it took over it first looks up on the
alerts topic (:class:`AlertLog`), and sends only what is not there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import orjson

from schemas import Alert
from streams.conflicts import Profile
from streams.text import entity_id as name_to_id
from streams.text import fold

UpdateFn = Callable[[Profile | None], tuple[Profile, list[Alert]]]


@dataclass(frozen=True)
class Decided:
    """What one update hands back: the alerts it decided (leased to its owner) and the
    unsent alerts an earlier attempt at the same article decided (leased to nobody yet,
    see :meth:`ProfileStore.take_over`)."""

    new: list[Alert] = field(default_factory=list)
    pending: list[Alert] = field(default_factory=list)


class ProfileStore(Protocol):
    """Where fact profiles live."""

    async def update(self, entity_id: str, fn: UpdateFn, *, owner: str,
                     article_id: str | None = None) -> Decided:
        """Apply ``fn`` atomically; its alerts leased to ``owner``, with the unsent ones of
        ``article_id`` (all the entity's unsent alerts when ``article_id`` is None)."""
        ...

    async def take_over(self, alerts: list[Alert], owner: str) -> list[Alert]:
        """Lease ``alerts`` to ``owner`` once nobody else holds them (waiting at most one
        lease period); the ones still unsent, now ``owner``'s to send."""
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


class AlertLog(Protocol):
    """The alerts topic as a record of what was published."""

    async def published(self, alert_ids: set[str], since: datetime) -> set[str]:
        """Which of ``alert_ids`` are on the topic, among the alerts sent from ``since`` on
        (an alert is sent after it is decided: ``since`` is its ``detected_at``)."""
        ...


def pending_of(new: list[Alert], unsent: Iterable[Alert], article_id: str | None) -> list[Alert]:
    """The unsent alerts of the article an update handed back beside its new ones."""
    ids = {a.alert_id for a in new}
    return [a for a in unsent if a.alert_id not in ids
            and (article_id is None or a.article_id == article_id)]


def lease_wait(remaining_seconds: float) -> float:
    """How long to wait before looking at a lease again: until it expires, but at most a
    quarter second (its holder may finish sooner and release it)."""
    return min(max(remaining_seconds, 0.01), 0.25)


class MemoryProfileStore:
    """In-process ProfileStore with the same semantics (tests, single-worker runs)."""

    def __init__(self, lease_seconds: float = 10.0) -> None:
        self._profiles: dict[str, dict] = {}
        self._alerts: dict[str, Alert] = {}
        self._unsent: dict[str, set[str]] = {}
        self._leases: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._lease_seconds = lease_seconds

    async def update(self, entity_id: str, fn: UpdateFn, *, owner: str,
                     article_id: str | None = None) -> Decided:
        async with self._locks.setdefault(entity_id, asyncio.Lock()):
            current = await self.get(entity_id)
            new_profile, alerts = fn(current)
            unsent = self._unsent.setdefault(entity_id, set())
            earlier = [self._alerts[i] for i in sorted(unsent)]
            self._profiles[entity_id] = orjson.loads(orjson.dumps(new_profile.to_dict()))
            for a in alerts:
                self._alerts[a.alert_id] = a
                unsent.add(a.alert_id)
                self._leases[a.alert_id] = (owner, time.monotonic() + self._lease_seconds)
            return Decided(alerts, pending_of(alerts, earlier, article_id))

    async def take_over(self, alerts: list[Alert], owner: str) -> list[Alert]:
        while True:
            now, waits = time.monotonic(), []
            for a in alerts:
                holder, until = self._leases.get(a.alert_id, (owner, now))
                if holder != owner and until > now:
                    waits.append(until - now)
            if not waits:
                break
            await asyncio.sleep(lease_wait(min(waits)))
        taken = [a for a in alerts if a.alert_id in self._unsent.get(a.entity.id, ())]
        until = time.monotonic() + self._lease_seconds
        self._leases.update((a.alert_id, (owner, until)) for a in taken)
        return taken

    async def mark_sent(self, alert_ids: list[str]) -> None:
        for alert_id in alert_ids:
            alert = self._alerts.get(alert_id)
            self._leases.pop(alert_id, None)
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


class MemoryAlertLog:
    """AlertLog of the ids given to :meth:`record` (tests; in-process runs)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def record(self, alert_id: str) -> None:
        self.ids.add(alert_id)

    async def published(self, alert_ids: set[str], since: datetime) -> set[str]:
        return alert_ids & self.ids
