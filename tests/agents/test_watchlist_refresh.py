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
    try:
        watched = [e for e in services.resolver.resolve(await _mentions(services, text))
                   if e.watched]
        assert watched == []

        await registry.add_watch(WatchedEntity(name="Lena Markova", kind="hostage"))
        await services.refresh_watchlist()
        mentions = await _mentions(services, text)
        assert [m.entity_id for m in mentions if m.entity_id] == ["lena-markova"]  # the ruler
        [entity] = [e for e in services.resolver.resolve(mentions) if e.watched]
        assert (entity.id, entity.kind) == ("lena-markova", "hostage")

        version = services.watch_version
        await services.refresh_watchlist()  # nothing moved: nothing reloaded
        assert services.watch_version == version
    finally:
        services.spacy.close()


async def _mentions(services, text):
    from streams.nlp import add_sentences, extract_mentions

    found = await services.spacy.find_entities([text], batch_size=1)
    [doc] = add_sentences(services.sentencer, [text], found, batch_size=1)
    return extract_mentions(doc)
