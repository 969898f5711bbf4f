"""A watch added at runtime reaches a running worker's ruler and resolver; the worker
process loads the spaCy model once."""

from unittest.mock import patch

import pytest

from agents.services import Services
from agents.spacy_stage import SpacyStage
from streams.settings import Settings
from streams.store.registry import MemoryRegistry
from streams.watchlist import WatchedEntity, Watchlist


@pytest.mark.model
async def test_runtime_watch_is_picked_up_between_batches():
    registry = MemoryRegistry()
    services = Services(Settings(), registry=registry, file_watchlist=Watchlist())
    text = "Lena Markova was seen in Karsk on Monday, officials said."
    try:
        snapshot = await services.snapshot()
        assert [e for e in snapshot.resolver.resolve(await _mentions(services, text))
                if e.watched] == []

        await registry.add_watch(WatchedEntity(name="Lena Markova", kind="hostage"))
        snapshot = await services.snapshot()
        mentions = await _mentions(services, text)
        assert [m.entity_id for m in mentions if m.entity_id] == ["lena-markova"]  # the ruler
        [entity] = [e for e in snapshot.resolver.resolve(mentions) if e.watched]
        assert (entity.id, entity.kind) == ("lena-markova", "hostage")

        assert await services.snapshot() is snapshot  # nothing moved: nothing rebuilt
    finally:
        await services.close()


async def _mentions(services, text):
    [annotation] = await services.spacy.annotate([text], batch_size=1)
    return list(annotation.mentions)


@pytest.mark.model
def test_the_worker_process_loads_the_model_once():
    import spacy

    stage = SpacyStage("auto", Watchlist())
    real, loaded = spacy.load, []

    def counting(*args, **kwargs):
        loaded.append(real(*args, **kwargs))  # "auto" may first try a model not installed
        return loaded[-1]

    with patch("spacy.load", side_effect=counting):
        claims = stage.claims
        claims.nlp("Daniel Orlov is held by the Front.")
    assert len(loaded) == 1
    assert claims.nlp is stage.full
