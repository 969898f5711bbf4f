"""Real services for integration tests: one Tansu broker per session, one empty Redis
database per session (flushed afterwards), and per-test names so tests never share a
topic, a consumer group or a Redis key."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from agents.stack import start_tansu
from streams.errors import StackError
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


TOPICS = ("articles", "alerts", "dead_letter", "unique", "enriched", "entity_claims",
          "duplicates")


class Tail:
    """One consumer of a test, tailing all its topics from the beginning in a thread of
    its own (with its own event loop), and a condition signalled on every new record:
    ``wait_for`` wakes when something arrived (or a watched worker exited), never on a
    timer, and nothing is read twice.

    Without a consumer group, aiokafka assigns every partition of the subscribed topics
    and picks up topics created later at its next metadata refresh."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.names = {name: env[f"WIREWATCH_TOPIC_{name.upper()}"] for name in TOPICS}
        self._records: dict[str, list[bytes]] = {name: [] for name in TOPICS}
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._stopping: asyncio.Event | None = None
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tail", daemon=True)
        self._ready = threading.Event()
        self._watched: set[int] = set()
        self._thread.start()
        self._ready.wait(30)

    def _run(self) -> None:
        self._loop.run_until_complete(self._consume())

    async def _consume(self) -> None:
        from aiokafka import AIOKafkaConsumer

        from agents.kafka import client_options

        topic_names = {value: name for name, value in self.names.items()}
        self._stopping = asyncio.Event()
        consumer = AIOKafkaConsumer(*topic_names, **client_options(settings_of(self.env)),
                                    group_id=None, auto_offset_reset="earliest",
                                    enable_auto_commit=False, metadata_max_age_ms=500,
                                    fetch_max_wait_ms=100, max_partition_fetch_bytes=64 << 20,
                                    fetch_max_bytes=64 << 20)
        try:
            await consumer.start()
        except BaseException as exc:
            self._failed = exc
            self._ready.set()
            return
        self._ready.set()
        stopping = asyncio.create_task(self._stopping.wait())
        try:
            while not self._stopping.is_set():
                fetch = asyncio.create_task(consumer.getmany(timeout_ms=1000))
                await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():
                    fetch.cancel()
                    break
                batch = fetch.result()
                if batch:
                    with self._changed:
                        for tp, records in batch.items():
                            self._records[topic_names[tp.topic]].extend(
                                r.value for r in records)
                        self._changed.notify_all()
        except BaseException as exc:  # kept for wait_for to report
            self._failed = exc
            with self._changed:
                self._changed.notify_all()
        finally:
            await consumer.stop()

    def values(self, topic: str) -> list[bytes]:
        """The values read so far from this test's ``topic`` (``alerts``, ``unique``...)."""
        with self._changed:
            return list(self._records[topic])

    def json(self, topic: str) -> list[dict]:
        return [orjson.loads(v) for v in self.values(topic)]

    def ids(self, topic: str, field: str) -> list[str]:
        return [record[field] for record in self.json(topic)]

    def watch(self, proc: subprocess.Popen) -> subprocess.Popen:
        """Wake ``wait_for`` when ``proc`` exits."""
        def exited() -> None:
            proc.wait()
            with self._changed:
                self._changed.notify_all()

        threading.Thread(target=exited, daemon=True).start()
        return proc

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = 120,
                 worker: subprocess.Popen | None = None, log: Path | None = None) -> None:
        """Return once ``predicate()`` holds; fail with ``what`` (and the worker's log) on
        timeout or when ``worker`` exits first. Checked on each arrival only."""
        deadline = time.monotonic() + timeout
        if worker is not None and worker.pid not in self._watched:
            self._watched.add(worker.pid)
            self.watch(worker)
        with self._changed:
            while not predicate():
                problem = None
                if self._failed is not None:
                    problem = f"the test's consumer failed: {self._failed!r}"
                elif worker is not None and worker.poll() is not None:
                    problem = f"worker exited ({worker.returncode})"
                elif time.monotonic() >= deadline:
                    problem = f"timed out after {timeout}s"
                if problem:
                    tail = log.read_text(errors="replace")[-3000:] if log else ""
                    pytest.fail(f"{problem} waiting for {what}:\n{tail}")
                self._changed.wait(deadline - time.monotonic())

    def close(self) -> None:
        if self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(30)
        self._loop.close()


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
