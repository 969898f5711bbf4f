"""RedisProfileStore against a real Redis, and MemoryProfileStore with the same cases."""

from __future__ import annotations

import asyncio

import pytest

from agents.redis.profiles import RedisProfileStore
from schemas import ClaimRecord, EntityClaims
from streams.conflicts import apply_claims
from streams.store.profiles import MemoryProfileStore

NOW = "2026-03-11T09:00:00Z"


def event(article: str, claims: list[tuple[str, str]], source: str | None = None) -> EntityClaims:
    return EntityClaims(
        entity_id="daniel-orlov", entity_name="Daniel Orlov", article_id=article,
        first_sentence="Daniel Orlov was seen.", source=source or f"wire-{article}",
        published_at="2026-03-01T00:00:00Z",
        claims=[ClaimRecord(attribute=a, value=v, sentence=f"{a} {v}") for a, v in claims])


def step(ev: EntityClaims):
    return lambda profile: apply_claims(profile, ev, NOW)


@pytest.fixture(params=["redis", "memory"])
async def store(request, redis_factory):
    if request.param == "memory":
        return MemoryProfileStore()
    connect, namespace = redis_factory
    return RedisProfileStore(connect(), namespace)


async def test_update_get_find(store) -> None:
    alerts = await store.update("daniel-orlov", step(event("a1", [("role", "civilian")])),
                                article_id="a1")
    assert [a.type for a in alerts] == ["new_entity"]
    profile = await store.get("daniel-orlov")
    assert profile is not None and profile.values("role") == ["civilian"]
    for name in ("daniel-orlov", "Daniel Orlov", "daniel orlov"):
        found = await store.find(name)
        assert found is not None and found.entity_id == "daniel-orlov"
    assert await store.find("Maya Cohen") is None


async def test_unsent_alerts_are_resent_on_redelivery(store) -> None:
    await store.update("daniel-orlov", step(event("a1", [])), article_id="a1")
    await store.mark_sent([a.alert_id for a in await store.update(
        "daniel-orlov", step(event("a1", [])), article_id="a1")])
    first = await store.update("daniel-orlov", step(event("b1", [("status", "held")])),
                               article_id="b1")
    assert [a.type for a in first] == ["status_change"]  # a first status: from none
    # the worker dies before sending; the message is redelivered
    again = await store.update("daniel-orlov", step(event("b1", [("status", "held")])),
                               article_id="b1")
    assert [a.alert_id for a in again] == [a.alert_id for a in first]
    # another article does not carry b1's unsent alert
    other = await store.update("daniel-orlov", step(event("c1", [])), article_id="c1")
    assert other == []
    await store.mark_sent([a.alert_id for a in again])
    assert await store.update("daniel-orlov", step(event("b1", [("status", "held")])),
                              article_id="b1") == []


async def test_concurrent_workers_agree_a_value_is_new_once(redis_factory) -> None:
    connect, namespace = redis_factory
    first = RedisProfileStore(connect(), namespace)
    await first.update("daniel-orlov", step(event("seed", [])), article_id="seed")
    stores = [RedisProfileStore(connect(), namespace) for _ in range(12)]
    results = await asyncio.gather(*(
        s.update("daniel-orlov", step(event(f"w{i}", [("held_by", "NLF")])),
                 article_id=f"w{i}")
        for i, s in enumerate(stores)))
    alerts = [a for batch in results for a in batch]
    assert [(a.type, a.value) for a in alerts] == [("new_detail", "Northern Liberation Front")]
    profile = await first.get("daniel-orlov")
    assert profile is not None
    record = profile.attributes["held_by"][0]
    assert record.independent_sources == 12 and len(profile.article_ids) == 13


async def test_memory_store_concurrency() -> None:
    store = MemoryProfileStore()
    await store.update("daniel-orlov", step(event("seed", [])), article_id="seed")
    results = await asyncio.gather(*(
        store.update("daniel-orlov", step(event(f"w{i}", [("held_by", "NLF")])),
                     article_id=f"w{i}") for i in range(12)))
    assert sum(len(r) for r in results) == 1


def named(entity_id: str, name: str, article: str) -> EntityClaims:
    return EntityClaims(entity_id=entity_id, entity_name=name, article_id=article,
                        first_sentence=f"{name} was seen.", source="Northwire",
                        published_at="2026-03-01T00:00:00Z", claims=[])


@pytest.mark.parametrize("internal", ["names", "index", "index:names", "e"])
async def test_an_entity_id_never_reaches_an_internal_key(store, internal) -> None:
    """An entity named "Names" gets the id ``names``: its profile must not be the name index
    (it was: every later update failed with WRONGTYPE)."""
    ev = named(internal, internal.title(), "a1")
    assert [a.type for a in await store.update(internal, step(ev), article_id="a1")] == [
        "new_entity"]
    later = await store.update("daniel-orlov", step(event("a2", [])), article_id="a2")
    assert [a.type for a in later] == ["new_entity"]
    assert (await store.find(internal.title())).entity_id == internal
    assert (await store.find("Daniel Orlov")).entity_id == "daniel-orlov"


async def test_a_sent_alert_expires_and_an_unsent_one_does_not(redis_factory) -> None:
    connect, namespace = redis_factory
    client = connect()
    store = RedisProfileStore(client, namespace, sent_ttl_seconds=600)
    [sent] = await store.update("daniel-orlov", step(event("a1", [])), article_id="a1")
    [unsent] = await store.update("daniel-orlov", step(event("b1", [("status", "held")])),
                                  article_id="b1")
    await store.mark_sent([sent.alert_id])
    assert 0 < await client.ttl(f"{namespace}:alerts:{sent.alert_id}") <= 600
    assert await client.ttl(f"{namespace}:alerts:{unsent.alert_id}") == -1
    assert [a.alert_id for a in await store.update(
        "daniel-orlov", step(event("b1", [("status", "held")])), article_id="b1")] == [
        unsent.alert_id]
