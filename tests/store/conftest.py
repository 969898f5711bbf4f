"""A real Redis at 127.0.0.1:6379, one unique key namespace per test, keys deleted after.

Unreachable Redis: the test is skipped, except under CI=true where it fails.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import pytest
import redis.asyncio as redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis_factory() -> AsyncIterator[tuple[Callable[[], redis.Redis], str]]:
    """(connect, namespace): ``connect()`` opens a new connection; all are closed after."""
    clients: list[redis.Redis] = []

    def connect() -> redis.Redis:
        client = redis.Redis.from_url(REDIS_URL)
        clients.append(client)
        return client

    probe = connect()
    try:
        await probe.ping()
    except (redis.ConnectionError, OSError) as exc:
        await probe.aclose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} unreachable under CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {exc}")
    namespace = f"wwtest:{uuid4().hex}"
    yield connect, namespace
    keys = [k async for k in probe.scan_iter(match=f"{namespace}:*")]
    if keys:
        await probe.delete(*keys)
    for client in clients:
        await client.aclose()
