"""Store fixtures: a real Redis at 127.0.0.1:6379 under a unique key namespace.

Where Redis is unreachable the tests skip with the reason on a developer machine and
fail under ``CI=true``: CI must never go green by skipping them. Keys are deleted
afterwards by namespace (never FLUSHDB).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import redis.asyncio as redis

REDIS_URL = os.environ.get("WIREWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
async def redis_client() -> AsyncIterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except (redis.ConnectionError, OSError) as exc:
        await client.aclose()
        reason = f"Redis unreachable at {REDIS_URL}: {exc}"
        if IN_CI:
            pytest.fail(f"required service unavailable in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    yield client
    await client.aclose()


@pytest.fixture
async def namespace(redis_client: redis.Redis) -> AsyncIterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    ns = f"wwtest:{uuid4().hex}"
    yield ns
    keys = [k async for k in redis_client.scan_iter(match=f"{ns}:*", count=500)]
    if keys:
        await redis_client.delete(*keys)
