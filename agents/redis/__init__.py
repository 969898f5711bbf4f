"""The Redis implementations of the stores in ``streams.store``, and the client they share.

Each store makes the same decisions as its in-memory twin in ``streams.store``; the
tests in ``tests/agents/redis`` run both against the same cases.
"""

from __future__ import annotations

import redis.asyncio as redis

from streams.settings import Settings


def connect(settings: Settings) -> redis.Redis:
    """A client for the configured Redis. Timeouts turn a hung Redis into an error that
    the error policy (``agents.errors``) waits out as an outage."""
    return redis.Redis.from_url(settings.redis_client_url(), socket_timeout=5,
                                socket_connect_timeout=2, health_check_interval=15)
