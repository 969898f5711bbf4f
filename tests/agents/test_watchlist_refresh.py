"""A watch added at runtime reaches a running worker's ruler and resolver."""

import pytest

from agents.context import Services
from streams.store.registry import MemoryRegistry
from streams.watchlist import WatchedEntity


@pytest.mark.model
async def test_runtime_watch_is_picked_up_between_batches():
    services = Services()
    registry = MemoryRegistry()
    services.__dict__.update(registry=registry, file_watchlist=services.file_watchlist)
    await services.refresh_watchlist()
    text = "Lena Markova was seen in Karsk on Monday, officials said."
    watched = [e for e in services.resolver.resolve(_mentions(services, text)) if e.watched]
    assert watched == []

    await registry.add_watch(WatchedEntity(name="Lena Markova", kind="hostage"))
    await services.refresh_watchlist()
    [entity] = [e for e in services.resolver.resolve(_mentions(services, text)) if e.watched]
    assert (entity.id, entity.kind) == ("lena-markova", "hostage")

    version = services.watch_version
    await services.refresh_watchlist()  # nothing moved: nothing reloaded
    assert services.watch_version == version


def _mentions(services, text):
    from streams.nlp import extract_mentions

    return extract_mentions(services.nlp(text))
