"""Agents under Faust's ``test_context()``: no broker; a worker built from settings with
in-memory twins of the stores, and the sends to other topics captured."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from unittest.mock import AsyncMock, patch

import pytest

from agents.services import Services
from agents.worker import Worker, build
from streams.settings import Settings
from streams.store.dedup import MemoryDedupStore
from streams.store.profiles import MemoryAlertLog, MemoryProfileStore
from streams.store.registry import MemoryRegistry
from streams.watchlist import Watchlist

OUTGOING = ("unique", "duplicates", "enriched", "entity_claims", "alerts", "dead_letter")


async def _delivered(*args: object, **kwargs: object) -> asyncio.Future:
    """What ``topic.send`` returns: a future of the broker's acknowledgement, here done."""
    future = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(broker="kafka://127.0.0.1:1", data_dir=tmp_path, retry_max_delay=0.01,
                    outage_timeout=0.2)


@pytest.fixture
def worker(settings: Settings) -> Worker:
    """A worker on in-memory stores, its app finalized for ``test_context()``."""
    services = Services(settings, dedup=MemoryDedupStore(threshold=0.8),
                        registry=MemoryRegistry(), profiles=MemoryProfileStore(),
                        alert_log=MemoryAlertLog(), file_watchlist=Watchlist())
    built = build(settings, services)
    built.app.finalize()
    built.app.conf.store = "memory://"
    built.app.flow_control.resume()
    return built


@pytest.fixture
def sent(worker: Worker) -> Iterator[dict[str, AsyncMock]]:
    """Every outgoing topic's ``send``, mocked, by topic field name."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(patch.object(getattr(worker.topics, name), "send",
                                                      AsyncMock(side_effect=_delivered)))
               for name in OUTGOING}


class Outcomes:
    """The outcomes a worker's agents emit, and a way to wait for them (no sleeps)."""

    def __init__(self) -> None:
        self.seen: list = []
        self._changed = asyncio.Event()

    def __call__(self, outcome) -> None:
        self.seen.append(outcome)
        self._changed.set()

    async def wait_for(self, n: int, timeout: float = 10.0) -> list:
        async def enough() -> None:
            while len(self.seen) < n:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(enough(), timeout)
        return self.seen


@pytest.fixture
def outcomes(worker: Worker) -> Outcomes:
    listener = Outcomes()
    worker.observers.subscribe(listener)
    return listener
