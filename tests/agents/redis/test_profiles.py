"""RedisProfileStore against a real Redis, and MemoryProfileStore with the same cases."""

from __future__ import annotations

import asyncio

import pytest

from agents.redis.profiles import RedisProfileStore
from schemas import ClaimRecord, EntityClaims
from streams.conflicts import apply_claims
from streams.store.profiles import Decided, MemoryProfileStore

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
def stores(request, redis_factory):
    """``make(lease_seconds)``: a store of each kind (Redis: on a connection of its own)."""
    if request.param == "memory":
        return lambda lease_seconds=10.0: MemoryProfileStore(lease_seconds)
    connect, namespace = redis_factory
    return lambda lease_seconds=10.0: RedisProfileStore(connect(), namespace,
                                                        lease_seconds=lease_seconds)


@pytest.fixture
def store(stores):
    return stores()


async def update(store, article: str, claims: list[tuple[str, str]], owner: str = "w1"):
    return await store.update("daniel-orlov", step(event(article, claims)), owner=owner,
                              article_id=article)


async def test_update_get_find(store) -> None:
    alerts = (await update(store, "a1", [("role", "civilian")])).new
    assert [a.type for a in alerts] == ["new_entity"]
    profile = await store.get("daniel-orlov")
    assert profile is not None and profile.values("role") == ["civilian"]
    for name in ("daniel-orlov", "Daniel Orlov", "daniel orlov"):
        found = await store.find(name)
        assert found is not None and found.entity_id == "daniel-orlov"
    assert await store.find("Maya Cohen") is None


async def test_unsent_alerts_are_pending_on_redelivery(store) -> None:
    await store.mark_sent([a.alert_id for a in (await update(store, "a1", [])).new])
    first = (await update(store, "b1", [("status", "held")])).new
    assert [a.type for a in first] == ["status_change"]  # a first status: from none
    # the worker dies before sending; the message is redelivered
    again = await update(store, "b1", [("status", "held")], owner="w2")
    assert again.new == [] and [a.alert_id for a in again.pending] == [
        a.alert_id for a in first]
    # another article does not carry b1's unsent alert
    assert await update(store, "c1", []) == Decided()
    await store.mark_sent([a.alert_id for a in first])
    assert await update(store, "b1", [("status", "held")]) == Decided()


async def test_the_sender_takes_its_own_alerts_over_at_once(store) -> None:
    """A retry of the message in the worker that decided the alerts (the send failed)."""
    first = (await update(store, "a1", [])).new
    again = await update(store, "a1", [], owner="w1")
    taken = await asyncio.wait_for(store.take_over(again.pending, "w1"), timeout=5)
    assert [a.alert_id for a in taken] == [a.alert_id for a in first]


async def test_take_over_waits_for_the_holder_and_leaves_what_it_sent(stores) -> None:
    """A second worker got the message while the first still sends: it waits for the
    lease and, once the first marked the alert sent, has nothing left to send."""
    store = stores(lease_seconds=60)
    first = (await update(store, "a1", [])).new
    again = await update(store, "a1", [], owner="w2")
    waiting = asyncio.create_task(store.take_over(again.pending, "w2"))
    await asyncio.sleep(0.3)  # let w2 find the lease held, so that it has to wait
    assert not waiting.done()
    await store.mark_sent([a.alert_id for a in first])
    assert await asyncio.wait_for(waiting, timeout=5) == []


async def test_an_expired_lease_is_taken_over(stores) -> None:
    """The sender died: once its lease expires the alert is the next worker's to send."""
    store = stores(lease_seconds=0.2)
    first = (await update(store, "a1", [])).new
    again = await update(store, "a1", [], owner="w2")
    taken = await asyncio.wait_for(store.take_over(again.pending, "w2"), timeout=5)
    assert [a.alert_id for a in taken] == [a.alert_id for a in first]
    # now w2 holds it: the dead worker's successor waits for w2, who sends it
    third = await update(store, "a1", [], owner="w3")
    waiting = asyncio.create_task(store.take_over(third.pending, "w3"))
    await store.mark_sent([a.alert_id for a in taken])
    assert await asyncio.wait_for(waiting, timeout=5) == []


async def test_concurrent_workers_agree_a_value_is_new_once(redis_factory) -> None:
    connect, namespace = redis_factory
    first = RedisProfileStore(connect(), namespace)
    await update(first, "seed", [])
    stores = [RedisProfileStore(connect(), namespace) for _ in range(12)]
    results = await asyncio.gather(*(
        update(s, f"w{i}", [("held_by", "NLF")], owner=f"worker-{i}")
        for i, s in enumerate(stores)))
    alerts = [a for decided in results for a in decided.new]
    assert [(a.type, a.value) for a in alerts] == [("new_detail", "Northern Liberation Front")]
    profile = await first.get("daniel-orlov")
    assert profile is not None
    record = profile.attributes["held_by"][0]
    assert record.independent_sources == 12 and len(profile.article_ids) == 13


async def test_memory_store_concurrency() -> None:
    store = MemoryProfileStore()
    await update(store, "seed", [])
    results = await asyncio.gather(*(
        update(store, f"w{i}", [("held_by", "NLF")], owner=f"worker-{i}") for i in range(12)))
    assert sum(len(r.new) for r in results) == 1


def named(entity_id: str, name: str, article: str) -> EntityClaims:
    return EntityClaims(entity_id=entity_id, entity_name=name, article_id=article,
                        first_sentence=f"{name} was seen.", source="Northwire",
                        published_at="2026-03-01T00:00:00Z", claims=[])


@pytest.mark.parametrize("internal", ["names", "index", "index:names", "e"])
async def test_an_entity_id_never_reaches_an_internal_key(store, internal) -> None:
    """An entity named "Names" gets the id ``names``: its profile must not be the name index
    (it was: every later update failed with WRONGTYPE)."""
    ev = named(internal, internal.title(), "a1")
    decided = await store.update(internal, step(ev), owner="w1", article_id="a1")
    assert [a.type for a in decided.new] == ["new_entity"]
    later = (await update(store, "a2", [])).new
    assert [a.type for a in later] == ["new_entity"]
    assert (await store.find(internal.title())).entity_id == internal
    assert (await store.find("Daniel Orlov")).entity_id == "daniel-orlov"


async def test_a_sent_alert_expires_and_an_unsent_one_does_not(redis_factory) -> None:
    connect, namespace = redis_factory
    client = connect()
    store = RedisProfileStore(client, namespace, sent_ttl_seconds=600)
    [sent] = (await update(store, "a1", [])).new
    [unsent] = (await update(store, "b1", [("status", "held")])).new
    assert await client.exists(f"{namespace}:alerts:lease:{sent.alert_id}")
    await store.mark_sent([sent.alert_id])
    assert 0 < await client.ttl(f"{namespace}:alerts:{sent.alert_id}") <= 600
    assert not await client.exists(f"{namespace}:alerts:lease:{sent.alert_id}")
    assert await client.ttl(f"{namespace}:alerts:{unsent.alert_id}") == -1
    assert [a.alert_id for a in (await update(store, "b1", [("status", "held")])).pending] == [
        unsent.alert_id]
