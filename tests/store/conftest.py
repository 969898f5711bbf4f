"""A real Redis for store tests: one namespace per test, its keys deleted afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis

from tests.conftest import unavailable

REDIS_URL = os.environ.get("WIREWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis_client() -> AsyncIterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (redis.ConnectionError, OSError) as exc:
        await client.aclose()
        unavailable(f"no Redis at {REDIS_URL}: {exc}")
    yield client
    await client.aclose()


@pytest.fixture
async def namespace(redis_client: redis.Redis) -> AsyncIterator[str]:
    """A key prefix of this test alone; everything under it is deleted afterwards."""
    ns = f"wwtest:{uuid.uuid4().hex}"
    yield ns
    keys = [k async for k in redis_client.scan_iter(match=f"{ns}:*", count=1000)]
    if keys:
        await redis_client.delete(*keys)


@pytest.fixture
async def redis_factory(redis_client: redis.Redis, namespace: str):
    """``(connect, namespace)``: ``connect()`` opens one more connection (a worker of its
    own, for concurrency tests); all are closed afterwards."""
    clients: list[redis.Redis] = []

    def connect() -> redis.Redis:
        clients.append(redis.Redis.from_url(REDIS_URL))
        return clients[-1]

    yield connect, namespace
    for client in clients:
        await client.aclose()
