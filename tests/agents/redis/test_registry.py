"""Entity registry and runtime watchlist, in Redis and in memory (same tests)."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis

from agents.redis.registry import RedisRegistry
from streams.errors import WatchlistError
from streams.resolve import ResolvedEntity
from streams.store.registry import MemoryRegistry
from streams.text import entity_id
from streams.watchlist import WatchedEntity

TTL = 3600


@pytest.fixture(params=["redis", "memory"])
def registry(request: pytest.FixtureRequest):
    if request.param == "memory":
        return MemoryRegistry()
    client = request.getfixturevalue("redis_client")
    return RedisRegistry(client, request.getfixturevalue("namespace"), TTL)


def entity(name: str, label: str = "PERSON", watched: bool = False,
           forms: tuple[str, ...] = ()) -> ResolvedEntity:
    return ResolvedEntity(
        id=entity_id(name), name=name, label=label, watched=watched, kind=None,
        surface_forms=forms or (name,), mentions=len(forms or (name,)),
        sentences=((0, 10),), spans=((0, len(name)),),
    )


async def test_record_counts_articles_once_and_aliases(registry) -> None:
    e = entity("Mousa Abu Qassem", forms=("Mousa Abu Qassem", "Abu Qassem"))
    await registry.record("a1", [e, entity("Tuesday", "DATE")], seen_at=100.0)
    await registry.record("a1", [e], seen_at=150.0)  # replayed article
    await registry.record("a2", [e], seen_at=200.0)
    got = await registry.get(e.id)
    assert (got.name, got.label, got.articles) == ("Mousa Abu Qassem", "PERSON", 2)
    assert (got.first_seen, got.last_seen) == (100.0, 200.0)
    assert got.aliases == {"Mousa Abu Qassem": 3, "Abu Qassem": 3}
    assert await registry.get("tuesday") is None  # dates are not registered


async def test_a_batch_is_canonicalized_article_by_article(registry) -> None:
    await registry.record_many([("a1", [entity("Moussa Abu Kassem")]),
                                ("a2", [entity("Danil Orlov")])])
    out = await registry.canonicalize_many([
        [entity("Mousa Abu Qassem"), entity("Moscow", "GPE")],
        [],
        [entity("Danil Orlov"), entity("Moussa Abu Kassem")],
    ])
    assert [[e.id for e in article] for article in out] == [
        ["moussa-abu-kassem", "moscow"], [], ["danil-orlov", "moussa-abu-kassem"]]


async def test_canonicalize_maps_a_variant_onto_the_registered_id(registry) -> None:
    await registry.record("a1", [entity("Moussa Abu Kassem")])
    out = await registry.canonicalize([
        entity("Mousa Abu Qassem"), entity("Qassem"), entity("Moscow", "GPE"),
        entity("Tuesday", "DATE"),
    ])
    assert [e.id for e in out] == ["moussa-abu-kassem", "qassem", "moscow", "tuesday"]
    assert out[0].name == "Moussa Abu Kassem" and not out[0].watched
    assert out[1].candidates == ("moussa-abu-kassem",)  # partial: recorded, not merged


async def test_canonicalize_keeps_ambiguous_and_different_names_apart(registry) -> None:
    await registry.record("a1", [entity("Danil Orlov"), entity("Daniil Orlov"),
                                 entity("Pavel Orlov"), entity("Irina Orlova")])
    out = await registry.canonicalize([entity("Daniel Orlov"), entity("Petr Orlov")])
    assert out[0].id == "daniel-orlov"
    assert set(out[0].candidates) == {"danil-orlov", "daniil-orlov"}
    assert out[1].id == "petr-orlov" and out[1].candidates == ()


async def test_lookup_looks_back_before_a_watchlist_addition(registry) -> None:
    await registry.record("a1", [entity("Danil Orlov", forms=("Danil Orlov", "Orlov"))])
    await registry.record("a2", [entity("Pavel Orlov"), entity("Irina Orlova")])
    found = await registry.lookup("Daniel Orlov")
    assert [e.id for e in found] == ["danil-orlov"]
    assert found[0].aliases == {"Danil Orlov": 1, "Orlov": 1}
    assert await registry.lookup("Nobody Known") == []


async def test_watched_entities_are_not_remapped(registry) -> None:
    await registry.record("a1", [entity("Danil Orlov")])
    watched = entity("Daniel Orlov", watched=True)
    assert await registry.canonicalize([watched]) == [watched]


async def test_runtime_watchlist_versions(registry) -> None:
    assert len(await registry.watchlist()) == 0
    v0 = await registry.watch_version()
    v1 = await registry.add_watch(WatchedEntity("Daniel Orlov", ("Danil Orlov",), "hostage"))
    v2 = await registry.add_watch(WatchedEntity("Northern Crescent Brigade", kind="militia"))
    assert v0 < v1 < v2 == await registry.watch_version()
    wl = await registry.watchlist()
    assert [e.id for e in wl] == ["daniel-orlov", "northern-crescent-brigade"]
    assert wl.get("daniel-orlov").aliases == ("Danil Orlov",)
    assert (await registry.get("northern-crescent-brigade")).label == "ORG"
    # an unwatched spelling seen later maps onto the watched id
    out = await registry.canonicalize([entity("Daniil Orlov")])
    assert (out[0].id, out[0].name, out[0].watched, out[0].kind) == (
        "daniel-orlov", "Daniel Orlov", True, "hostage")
    v3 = await registry.remove_watch("daniel-orlov")
    assert v3 > v2 and [e.id for e in await registry.watchlist()] == [
        "northern-crescent-brigade"]
    assert not (await registry.get("daniel-orlov")).watched


async def test_redis_keeps_the_version_and_expires_unwatched(
    redis_client: redis.Redis, namespace: str
) -> None:
    reg = RedisRegistry(redis_client, namespace, TTL)
    version = await reg.add_watch(WatchedEntity("Daniel Orlov"))
    assert int(await redis_client.get(f"{namespace}:watch:version")) == version
    await reg.record("a1", [entity("Pavel Orlov"), entity("Daniel Orlov", watched=True)])
    assert 0 < await redis_client.ttl(f"{namespace}:reg:e:pavel-orlov") <= TTL
    assert await redis_client.ttl(f"{namespace}:reg:e:daniel-orlov") == -1


async def test_redis_batch_costs_one_round_trip_per_step(
    redis_client: redis.Redis, namespace: str
) -> None:
    """Canonicalising a batch, and recording it, are one script call each."""
    reg = RedisRegistry(redis_client, namespace, TTL)
    batch = [[entity(f"Person{i} Surname{a}{i}") for i in range(10)] for a in range(5)]
    # Once outside the count: a Redis that has not seen a script yet costs a SCRIPT LOAD.
    await reg.record_many([("a0", batch[0])])
    await reg.canonicalize_many(batch[:1])
    calls = []
    original = redis_client.execute_command

    async def counting(*args, **kwargs):
        calls.append(args[0])
        return await original(*args, **kwargs)

    redis_client.execute_command = counting
    try:
        await reg.record_many([(f"a{a}", entities) for a, entities in enumerate(batch)])
        recorded = len(calls)
        out = await reg.canonicalize_many(batch)
    finally:
        redis_client.execute_command = original
    assert recorded == 1 and len(calls) == 2 and set(calls) == {"EVALSHA"}
    assert [[e.id for e in a] for a in out] == [[e.id for e in a] for a in batch]


async def test_another_name_never_takes_a_watched_id(registry) -> None:
    await registry.add_watch(WatchedEntity("Pavel Volkov", kind="hostage"))
    for other in ("Павел Волков", "PAVEL-VOLKOV"):
        with pytest.raises(WatchlistError, match="would share the id 'pavel-volkov'"):
            await registry.add_watch(WatchedEntity(other))
    version = await registry.add_watch(WatchedEntity("Pavel  VOLKOV", ("Павел Волков",)))
    assert version == 2 == await registry.watch_version()
    [watched] = list(await registry.watchlist())
    assert (watched.name, watched.aliases) == ("Pavel  VOLKOV", ("Павел Волков",))


async def test_concurrent_adds_of_two_names_with_one_id_keep_one(redis_factory) -> None:
    connect, namespace = redis_factory
    registries = [RedisRegistry(connect(), namespace, TTL) for _ in range(2)]
    results = await asyncio.gather(
        registries[0].add_watch(WatchedEntity("Pavel Volkov")),
        registries[1].add_watch(WatchedEntity("Павел Волков")), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["WatchlistError", "int"]
    assert len(list(await registries[0].watchlist())) == 1
