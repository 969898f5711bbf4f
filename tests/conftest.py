"""Shared test helpers.

Services (Redis, the Tansu broker) are real. Where one is missing, a test skips with
the reason on a developer machine, and fails under ``CI=true``: CI must never go green
by skipping the integration tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
import redis.asyncio as aredis

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("WIREWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def unavailable(reason: str) -> None:
    """Skip (developer machine) or fail (CI) because a real service is missing."""
    if IN_CI:
        pytest.fail(f"required service unavailable in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_db_url() -> Iterator[str]:
    """An empty database of the real redis-server, used by this test run alone and
    flushed afterwards."""
    try:
        probe = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        probe.ping()
    except (redis.RedisError, OSError) as exc:
        unavailable(f"no Redis at {REDIS_URL}: {exc}")
    for db in range(15, 0, -1):
        client = redis.Redis.from_url(REDIS_URL, db=db)
        if client.dbsize() == 0 and client.set("wirewatch:test:lock", "1", nx=True):
            break
    else:
        pytest.fail("no empty Redis database among 1..15 for this test run")
    yield f"{REDIS_URL.rstrip('/')}/{db}"
    client.flushdb()
    client.close()


@pytest.fixture
async def redis_client(redis_db_url: str) -> AsyncIterator[aredis.Redis]:
    client = aredis.Redis.from_url(redis_db_url, socket_connect_timeout=2)
    yield client
    await client.aclose()


@pytest.fixture
async def namespace(redis_client: aredis.Redis) -> AsyncIterator[str]:
    """A key prefix of this test alone; everything under it is deleted afterwards."""
    ns = f"wwtest:{uuid.uuid4().hex}"
    yield ns
    keys = [k async for k in redis_client.scan_iter(match=f"{ns}:*", count=1000)]
    if keys:
        await redis_client.delete(*keys)


@pytest.fixture
async def redis_factory(redis_db_url: str, namespace: str):
    """``(connect, namespace)``: ``connect()`` opens one more connection (a worker of its
    own, for concurrency tests); all are closed afterwards."""
    clients: list[aredis.Redis] = []

    def connect() -> aredis.Redis:
        clients.append(aredis.Redis.from_url(redis_db_url))
        return clients[-1]

    yield connect, namespace
    for client in clients:
        await client.aclose()
