"""The one error policy of every agent: what happens when processing a message raises.

- An **outage** (Redis or the broker unreachable, timing out, loading) is waited out
  with capped exponential backoff, logged once when it starts and once when it ends.
  While a call waits, the agent does not move on, so no offset is committed past the
  message being processed. An outage longer than ``outage_timeout`` fails the message.
- Any **other exception** is a fault of the message or of the code. A batch that
  raises is taken apart: each of its messages is tried again on its own, up to
  ``processing_attempts`` tries in all, and the one that still raises goes to the
  dead-letter topic with ``reason: processing_error``, the stage, and the exception's
  type and message. The partition moves on; a poison message never blocks it.
- Input that can never be processed (``InvalidArticle``) goes to the dead-letter topic
  at once, with its own reason.

A dead letter carries at most ``dead_letter_payload_bytes`` of the original value, with
its full size and SHA-256, so that sending it can never fail for its size.

Agents take their messages with ``noack_take`` and ack them only once every message of
the batch has been processed or dead-lettered (``Guard.run``): an exception never
escapes into Faust, which would ack the message it was processing.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import faust
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError
from faust.types import EventT
from redis.exceptions import AuthenticationError, BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from agents.metrics import RETRIES
from agents.observe import Observers, Outcome, Stage
from schemas import DeadLetter
from streams.backoff import backoff
from streams.errors import DeadLetterReason, InvalidArticle
from streams.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
OUTAGES = (RedisConnectionError, RedisTimeoutError, BusyLoadingError, KafkaConnectionError,
           KafkaTimeoutError, NodeNotReadyError, ConnectionError, TimeoutError)


def is_outage(exc: BaseException) -> bool:
    """A service that may come back by itself, as opposed to a fault that repeats. A
    wrong password is a fault: waiting does not mend it."""
    return isinstance(exc, OUTAGES) and not isinstance(exc, AuthenticationError)


def _payload_bytes(message: Any) -> bytes:
    value = message.value
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, faust.Record):
        return value.dumps(serializer="json")
    return repr(value).encode("utf-8", "replace")


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def dead_letter_record(message: Any, reason: DeadLetterReason, detail: str, stage: Stage,
                       limit: int, error_type: str | None = None) -> DeadLetter:
    """The dead letter of one message, its payload cut to ``limit`` bytes."""
    payload = _payload_bytes(message)
    key = message.key if isinstance(message.key, bytes | None) else str(message.key).encode()
    return DeadLetter(
        reason=reason, detail=detail[:1000], stage=stage,
        payload_b64=_b64(payload[:limit]) or "", payload_size=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        payload_truncated=len(payload) > limit,
        topic=message.topic, partition=message.partition, offset=message.offset,
        received_at=datetime.now(UTC).isoformat(), error_type=error_type,
        key_b64=_b64(key),
    )


class Guard:
    """The error policy of one stage of one worker (see the module docstring)."""

    def __init__(self, stage: Stage, settings: Settings, dead_letters: faust.TopicT,
                 observers: Observers) -> None:
        self.stage, self.settings = stage, settings
        self.dead_letters, self.observers = dead_letters, observers

    async def retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Await ``call()``, waiting out an outage for up to ``outage_timeout``."""
        delays = backoff(cap=self.settings.retry_max_delay)
        deadline = time.monotonic() + self.settings.outage_timeout
        failures = 0
        while True:
            try:
                result = await call()
            except Exception as exc:
                if not is_outage(exc) or time.monotonic() >= deadline:
                    raise
                failures += 1
                RETRIES.labels(what).inc()
                if failures == 1:
                    log.warning("%s: %s unavailable (%s: %s); retrying with backoff",
                                what, _service(exc), type(exc).__name__, exc)
                await asyncio.sleep(next(delays))
                continue
            if failures:
                log.warning("%s: back after %d retries", what, failures)
            return result

    async def dead_letter(self, event: EventT, reason: DeadLetterReason, detail: str,
                          error_type: str | None = None) -> None:
        """Send the event to the dead-letter topic with why; the stream goes on."""
        message = event.message
        record = dead_letter_record(message, reason, detail, self.stage,
                                    self.settings.dead_letter_payload_bytes, error_type)
        key = message.key.decode("utf-8", "replace") if isinstance(message.key, bytes) else (
            None if message.key is None else str(message.key))

        async def send() -> None:
            await (await self.dead_letters.send(key=key, value=record))

        await self.retrying("dead-letter", send)
        log.warning("dead letter from %s %s:%s:%s %s: %s", self.stage, message.topic,
                    message.partition, message.offset, reason, detail[:200])
        self.observers.emit(Outcome(self.stage, "dead_letter", detail={
            "reason": reason, "stage": self.stage, "offset": message.offset,
            "error_type": error_type, "detail": detail[:200]}))

    async def run(self, events: Sequence[EventT],
                  process: Callable[[Sequence[EventT]], Awaitable[None]]) -> None:
        """``process`` the batch; on failure, each message on its own, and dead-letter
        what still fails. Returns when every event is processed or dead-lettered."""
        if not events:
            return
        try:
            await process(events)
            return
        except InvalidArticle:
            raise  # the stage decides on invalid input itself, message by message
        except Exception as exc:
            if is_outage(exc):  # waited out for outage_timeout already: no more waiting
                for event in events:
                    await self._failed(event, exc)
                return
            first = exc
        attempts = self.settings.processing_attempts - (1 if len(events) == 1 else 0)
        if len(events) > 1:
            log.warning("%s: a batch of %d raised %s: %s; trying its messages one by one",
                        self.stage, len(events), type(first).__name__, first)
        for event in events:
            await self._one(event, process, attempts, first)

    async def _one(self, event: EventT, process: Callable[[Sequence[EventT]], Awaitable[None]],
                   attempts: int, error: Exception) -> None:
        for _ in range(attempts):
            try:
                await process([event])
                return
            except Exception as exc:
                error = exc
                if is_outage(exc):
                    break
        await self._failed(event, error)

    async def _failed(self, event: EventT, exc: Exception) -> None:
        log.error("%s: giving up on %s:%s:%s after %s: %s", self.stage, event.message.topic,
                  event.message.partition, event.message.offset, type(exc).__name__, exc,
                  exc_info=exc)
        await self.dead_letter(event, "processing_error", f"{type(exc).__name__}: {exc}",
                               error_type=type(exc).__name__)


def _service(exc: BaseException) -> str:
    module = type(exc).__module__
    return "Redis" if module.startswith("redis") else (
        "the broker" if module.startswith(("aiokafka", "kafka")) else "a service")
