"""profile: entity-claims (keyed by entity) -> fact profile in Redis -> alerts.

The profile update and the alerts it decides are one Redis transaction; an alert is
marked sent only once the broker has it, so a crash in between re-sends it (same
``alert_id``) instead of losing it. A redelivered message takes over the unsent alerts
of the earlier attempt only once that attempt's lease on them is gone, and sends only
those the alerts topic does not hold yet: killed after the broker's ack and before
``mark_sent``, a worker's alert is still published once (``streams.store.profiles``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from faust import StreamT
from faust.types import EventT

from agents.observe import Outcome
from schemas import Alert, EntityClaims
from streams.conflicts import apply_claims

if TYPE_CHECKING:
    from agents.worker import AgentFun, Worker

log = logging.getLogger(__name__)


def make_profile(w: Worker) -> AgentFun:
    """The profile agent of worker ``w``."""
    services, topics = w.services, w.topics
    guard = w.guard("profile")

    async def unpublished(pending: list[Alert]) -> list[Alert]:
        """The earlier attempt's alerts this worker now holds and must still send."""
        taken = await guard.retrying("alerts", lambda: services.profiles.take_over(
            pending, services.owner))
        if not taken:
            return []
        since = min(datetime.fromisoformat(a.detected_at) for a in taken)
        there = await guard.retrying("alerts", lambda: services.alert_log.published(
            {a.alert_id for a in taken}, since))
        if there:
            await guard.retrying("alerts", lambda: services.profiles.mark_sent(sorted(there)))
        log.info("profile: took over %d unsent alert(s) of article %s, %d already on the "
                 "alerts topic", len(taken), taken[0].article_id, len(there))
        return [a for a in taken if a.alert_id not in there]

    async def update(event: EntityClaims) -> None:
        started = time.perf_counter()
        detected_at = datetime.now(UTC).isoformat()
        decided = await guard.retrying("profile", lambda: services.profiles.update(
            event.entity_id, lambda p: apply_claims(p, event, detected_at),
            owner=services.owner, article_id=event.article_id))
        alerts = decided.new + (await unpublished(decided.pending) if decided.pending else [])
        for alert in alerts:
            await (await topics.alerts.send(key=alert.entity.id, value=alert))
        ids = [a.alert_id for a in alerts]
        if ids:
            await guard.retrying("alerts", lambda: services.profiles.mark_sent(ids))
        w.observers.emit(Outcome("profile", "updated", event.article_id, alert_ids=tuple(ids),
                                 seconds=time.perf_counter() - started,
                                 detail={"alert_types": [a.type for a in alerts]}))

    async def process(events: Sequence[EventT]) -> None:
        for event in events:
            await update(event.value)

    async def profile(stream: StreamT[EntityClaims]) -> None:
        """One message at a time, in order: the topic is keyed by entity id, so one
        entity's updates never interleave; each is acked once done or dead-lettered."""
        async for event in stream.noack().events():
            await guard.run([event], process)
            await stream.ack(event)

    return profile
