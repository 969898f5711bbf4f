"""profile: entity-claims (keyed by entity) -> fact profile in Redis -> alerts.

The profile update and the alerts it decides are one Redis transaction; an alert is
marked sent only once the broker has it, so a crash in between re-sends it (same
``alert_id``) instead of losing it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from faust import StreamT

from agents.context import services, topics
from agents.observe import Outcome, emit
from agents.retry import retrying
from schemas import EntityClaims
from streams.app import app
from streams.conflicts import apply_claims


@app.agent(topics.entity_claims, name="profile")
async def profile(stream: StreamT[EntityClaims]) -> None:
    """Per entity, in order: the topic is keyed by entity id."""
    async for event in stream:
        started = time.perf_counter()
        detected_at = datetime.now(UTC).isoformat()
        alerts = await retrying("profile", lambda e=event, at=detected_at: services.profiles.update(
            e.entity_id, lambda p: apply_claims(p, e, at), article_id=e.article_id))
        for alert in alerts:
            delivered = await topics.alerts.send(key=alert.entity.id, value=alert)
            await delivered
        ids = [a.alert_id for a in alerts]
        if ids:
            await retrying("alerts", lambda ids=ids: services.profiles.mark_sent(ids))
        emit(Outcome("profile", "updated", event.article_id, alert_ids=tuple(ids),
                     seconds=time.perf_counter() - started,
                     detail={"alert_types": [a.type for a in alerts]}))
