"""Redis calls that wait out an outage instead of failing the stream.

While a call is retried the agent does not move on, so Faust never acks (and never
commits) past the message being processed: when Redis is back, processing resumes
exactly where it stopped, and nothing is lost. Retries log once when an outage starts
and once when it ends, never per attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError

from streams.app import settings
from streams.backoff import backoff
from streams.metrics import RETRIES

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = (ConnectionError, TimeoutError, BusyLoadingError, OSError)


async def retrying(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """Await ``call()`` until it succeeds; back off while Redis is unreachable."""
    delays = backoff(cap=settings.retry_max_delay)
    failures = 0
    while True:
        try:
            result = await call()
        except RETRYABLE as exc:
            failures += 1
            RETRIES.labels(what).inc()
            if failures == 1:
                log.warning("%s: Redis unavailable (%s: %s); retrying with backoff",
                            what, type(exc).__name__, exc)
            await asyncio.sleep(next(delays))
            continue
        if failures:
            log.warning("%s: Redis is back after %d retries", what, failures)
        return result
