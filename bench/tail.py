"""One consumer that tails a set of topics from the beginning, in a thread of its own
(with its own event loop), and a condition signalled on every new record: ``wait``
wakes when something arrived (or a watched process exited), never on a timer, and
nothing is read twice. Used by the integration tests and ``bench.chaos``.

Without a consumer group, aiokafka assigns every partition of the subscribed topics and
picks up topics created later at its next metadata refresh. A broker that comes back
empty leaves this consumer's positions past the new logs' ends: tail it with a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import threading
import time
from collections.abc import Callable

import orjson

from streams.settings import Settings


class TopicTail:
    """Every value of the ``topics`` (short name -> topic) read so far."""

    def __init__(self, settings: Settings, topics: dict[str, str]) -> None:
        self.settings, self.names = settings, topics
        self._records: dict[str, list[bytes]] = {name: [] for name in topics}
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._stopping: asyncio.Event | None = None
        self.failed: BaseException | None = None
        self._watched: set[int] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tail", daemon=True)
        self._thread.start()
        self._ready.wait(30)

    def _run(self) -> None:
        self._loop.run_until_complete(self._consume())

    async def _consume(self) -> None:
        from aiokafka import AIOKafkaConsumer

        from agents.kafka import client_options

        short = {topic: name for name, topic in self.names.items()}
        self._stopping = asyncio.Event()
        consumer = AIOKafkaConsumer(*short, **client_options(self.settings), group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False,
                                    metadata_max_age_ms=500, fetch_max_wait_ms=100)
        try:
            await consumer.start()
        except BaseException as exc:
            self.failed = exc
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
                            self._records[short[tp.topic]].extend(r.value for r in records)
                        self._changed.notify_all()
        except BaseException as exc:  # kept for wait to report
            self.failed = exc
            with self._changed:
                self._changed.notify_all()
        finally:
            stopping.cancel()
            # after its broker went away, stopping may raise what its fetcher was doing
            with contextlib.suppress(BaseException):
                await consumer.stop()

    def values(self, topic: str) -> list[bytes]:
        """The values read so far from ``topic`` (a short name: ``alerts``, ``unique``)."""
        with self._changed:
            return list(self._records[topic])

    def json(self, topic: str) -> list[dict]:
        return [orjson.loads(v) for v in self.values(topic)]

    def ids(self, topic: str, field: str) -> list[str]:
        return [record[field] for record in self.json(topic)]

    def watch(self, proc: subprocess.Popen) -> None:
        """Wake ``wait`` when ``proc`` exits."""
        if proc.pid in self._watched:
            return
        self._watched.add(proc.pid)

        def exited() -> None:
            proc.wait()
            with self._changed:
                self._changed.notify_all()

        threading.Thread(target=exited, daemon=True).start()

    def wait(self, predicate: Callable[[], bool], timeout: float,
             proc: subprocess.Popen | None = None) -> str | None:
        """Wait until ``predicate()`` holds, checked on each arrival; ``None`` then, or
        what went wrong: a timeout, ``proc`` exiting first, this consumer failing."""
        deadline = time.monotonic() + timeout
        if proc is not None:
            self.watch(proc)
        with self._changed:
            while not predicate():
                if self.failed is not None:
                    return f"the tailing consumer failed: {self.failed!r}"
                if proc is not None and proc.poll() is not None:
                    return f"process exited ({proc.returncode})"
                if time.monotonic() >= deadline:
                    return f"timed out after {timeout:.0f}s"
                self._changed.wait(deadline - time.monotonic())
        return None

    def close(self) -> None:
        """Stop consuming; what was read stays readable. Closing twice is harmless."""
        if self._loop.is_closed():
            return
        if self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(30)
        self._loop.close()
