"""Real services for integration tests: one Tansu broker per session, one empty Redis
database per session (flushed afterwards), and per-test names so tests never share a
topic, a consumer group or a Redis key."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from streams.embedded import start_tansu
from streams.exceptions import StackError
from tests.conftest import unavailable

REDIS_URL = os.environ.get("WIREWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def broker_url() -> Iterator[str]:
    """A Tansu broker (Kafka protocol, memory storage) on a free loopback port."""
    try:
        proc, url = start_tansu()
    except (StackError, OSError, ImportError) as exc:
        unavailable(f"Tansu broker could not start: {exc}")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_db_url() -> Iterator[str]:
    """An empty database of the real redis-server, used by this session alone."""
    try:
        probe = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        probe.ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis at {REDIS_URL}: {exc}")
    for db in range(15, 0, -1):
        client = redis.Redis.from_url(REDIS_URL, db=db)
        if client.dbsize() == 0 and client.set("wirewatch:test:lock", "1", nx=True):
            break
    else:
        pytest.fail("no empty Redis database among 1..15 for this test session")
    yield f"{REDIS_URL.rstrip('/')}/{db}"
    client.flushdb()


@pytest.fixture
def ww_env(broker_url: str, redis_db_url: str) -> dict[str, str]:
    """Env for a wirewatch process of this test: own group, namespace and topics."""
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({
        "WIREWATCH_BROKER": broker_url,
        "WIREWATCH_REDIS_URL": redis_db_url,
        "WIREWATCH_APP_ID": f"wirewatch-test-{run}",
        "WIREWATCH_NAMESPACE": f"wwtest:{run}",
        "WIREWATCH_PARTITIONS": "2",
    })
    for topic in ("articles", "alerts", "dead_letter", "unique", "enriched", "entity_claims",
                  "duplicates"):
        env[f"WIREWATCH_TOPIC_{topic.upper()}"] = f"t{run}.{topic}"
    return env


def wirewatch(args: list[str], env: dict[str, str], timeout: float = 240,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed CLI the way a user would."""
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], env=env, cwd=cwd,
                          capture_output=True, timeout=timeout)


def settings_of(env: dict[str, str]):
    """The Settings a wirewatch process started with ``env`` would read."""
    from streams.settings import Settings

    return Settings.model_validate(
        {k.removeprefix("WIREWATCH_").lower(): v for k, v in env.items()
         if k.startswith("WIREWATCH_")}
    )


def topic_values(env: dict[str, str], topic: str) -> list[bytes]:
    """Every value on ``topic`` right now (read from the beginning, no group)."""
    import asyncio

    from streams.kafka_io import read_topic

    async def collect() -> list[bytes]:
        return [v async for v in read_topic(settings_of(env), topic, follow=False)]

    return asyncio.run(collect())


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``wirewatch worker`` in the background, its output in ``log_path``."""
    log = open(log_path, "ab")  # noqa: SIM115 - the worker writes to it until it exits
    return subprocess.Popen([sys.executable, "-m", "streams.cli", "worker", "--loglevel",
                             "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)
