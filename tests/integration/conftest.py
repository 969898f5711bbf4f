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

from agents.stack import start_tansu
from streams.errors import StackError
from streams.settings import TOPICS
from tests.conftest import unavailable


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


@pytest.fixture
def ww_env(broker_url: str, redis_db_url: str) -> dict[str, str]:
    """Env for a wirewatch process of this test: own group, namespace and topics."""
    return isolated_env(broker_url, redis_db_url)


def isolated_env(broker_url: str, redis_db_url: str) -> dict[str, str]:
    """Env for a wirewatch process with its own group, namespace and topics."""
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({
        "WIREWATCH_BROKER": broker_url,
        "WIREWATCH_REDIS_URL": redis_db_url,
        "WIREWATCH_APP_ID": f"wirewatch-test-{run}",
        "WIREWATCH_NAMESPACE": f"wwtest:{run}",
        "WIREWATCH_PARTITIONS": "2",
    })
    for topic in TOPICS:
        env[f"WIREWATCH_TOPIC_{topic.upper()}"] = f"t{run}.{topic}"
    return env


def wirewatch(args: list[str], env: dict[str, str], timeout: float = 240,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed CLI the way a user would."""
    return subprocess.run([sys.executable, "-m", "agents.cli", *args], env=env, cwd=cwd,
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

    from agents.kafka import read_topic

    async def collect() -> list[bytes]:
        return [v async for v in read_topic(settings_of(env), topic, follow=False)]

    return asyncio.run(collect())


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``wirewatch worker`` in the background, its output in ``log_path``."""
    log = open(log_path, "ab")  # noqa: SIM115 - the worker writes to it until it exits
    return subprocess.Popen([sys.executable, "-m", "agents.cli", "worker", "--loglevel",
                             "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)
