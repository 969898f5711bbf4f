"""The one way a message reaches the dead-letter topic."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime

from faust.types import EventT

from agents.context import topics
from agents.observe import Outcome, emit
from schemas import DeadLetter

log = logging.getLogger(__name__)


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


async def dead_letter(event: EventT, reason: str, detail: str) -> None:
    """Send the event's original bytes with the reason; the stream goes on."""
    message = event.message
    await topics.dead_letter.send(
        key=message.key.decode("utf-8", "replace") if message.key else None,
        value=DeadLetter(
            reason=reason,
            detail=detail[:1000],
            payload_b64=_b64(message.value) or "",
            key_b64=_b64(message.key),
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            received_at=datetime.now(UTC).isoformat(),
        ),
    )
    log.warning("dead letter %s:%s:%s %s", message.topic, message.partition, message.offset, reason)
    emit(Outcome("ingest", "dead_letter", detail={"reason": reason, "offset": message.offset}))
