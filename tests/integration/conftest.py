"""Real services for integration tests: one Tansu broker per session, one empty Redis
database per session (flushed afterwards), and per-test names so tests never share a
topic, a consumer group or a Redis key."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agents.stack import start_tansu
from bench.tail import TopicTail
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




class Tail(TopicTail):
    """The one consumer of a test on ``env``'s topics (``bench.tail.TopicTail``), failing
    the test with the worker's log when what it waits for does not come."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(settings_of(env),
                         {name: env[f"WIREWATCH_TOPIC_{name.upper()}"] for name in TOPICS})

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = 120,
                 worker: subprocess.Popen | None = None, log: Path | None = None) -> None:
        """Return once ``predicate()`` holds; fail with ``what`` (and the worker's log) on
        timeout or when ``worker`` exits first."""
        problem = self.wait(predicate, timeout, worker)
        if problem:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            pytest.fail(f"{problem} waiting for {what}:\n{tail}")


@pytest.fixture
def tail_of() -> Iterator[Callable[[dict[str, str]], Tail]]:
    """``tail_of(env)``: the one consumer of this test on ``env``'s topics, closed after."""
    tails: list[Tail] = []

    def start(env: dict[str, str]) -> Tail:
        tails.append(Tail(env))
        return tails[-1]

    yield start
    for tail in tails:
        tail.close()


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``wirewatch worker`` in the background, its output in ``log_path``."""
    log = open(log_path, "ab")  # noqa: SIM115 - the worker writes to it until it exits
    return subprocess.Popen([sys.executable, "-m", "agents.cli", "worker", "--loglevel",
                             "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)
