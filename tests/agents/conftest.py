"""Agents under Faust's ``test_context()``: no broker; the stores are in-memory twins and
sends to other topics are captured."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from unittest.mock import AsyncMock, patch

import pytest

import agents
from agents.context import services, topics

OUTGOING = ("unique", "duplicates", "enriched", "entity_claims", "alerts", "dead_letter")


@pytest.fixture(scope="session", autouse=True)
def finalized_app() -> None:
    agents.app.finalize()
    agents.app.conf.store = "memory://"
    agents.app.flow_control.resume()


async def _delivered(*args: object, **kwargs: object) -> asyncio.Future:
    """What ``topic.send`` returns: a future of the broker's acknowledgement, here done."""
    future = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


@pytest.fixture
def sent() -> Iterator[dict[str, AsyncMock]]:
    """Every outgoing topic's ``send``, mocked, by topic field name."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(patch.object(getattr(topics, name), "send",
                                                      AsyncMock(side_effect=_delivered)))
               for name in OUTGOING}


@pytest.fixture
def use(monkeypatch: pytest.MonkeyPatch):
    """Replace one of the lazily built services for this test."""

    def put(name: str, value: object) -> object:
        monkeypatch.setitem(services.__dict__, name, value)
        return value

    return put
