"""The same dedup cases against the Redis store and its in-memory twin."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as redis

from agents.redis.dedup import RedisDedupStore
from streams.dedup import Fingerprinter
from streams.normalize import normalize
from streams.settings import Settings
from streams.store.dedup import MemoryDedupStore
from tests.conftest import FIXTURES

ORIGINAL = (FIXTURES / "dedup" / "original.txt").read_text()
REWRITE = (FIXTURES / "dedup" / "rewrite.txt").read_text()
TTL = 7 * 86400
FP = Fingerprinter(num_perm=64, bands=16, shingle=5)


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


VARIANTS = {
    "headline changed": ORIGINAL.replace(
        "Floodwaters cut off villages along the Selva river",
        "Eleven villages cut off as Selva river floods"),
    "boilerplate added": ORIGINAL + "\n\nShare this article\nRelated: Storm season begins\n\n"
                         "(c) Metro Daily 2026. All rights reserved.",
    "boilerplate removed": ORIGINAL.replace("LANMOOR, June 9 (Northwire) - ", ""),
    "dateline changed": ORIGINAL.replace("LANMOOR, June 9 (Northwire) -", "VESK (Eastpost) —"),
    "one word edited": ORIGINAL.replace("several thousand residents", "several thousand people"),
    "last paragraph cut": "\n\n".join(_paragraphs(ORIGINAL)[:-1]),
    "last two paragraphs cut": "\n\n".join(_paragraphs(ORIGINAL)[:-2]),
}


@pytest.fixture(params=["memory", "redis"])
def store(request, namespace_factory):
    if request.param == "memory":
        return MemoryDedupStore(threshold=0.8)
    return namespace_factory()


@pytest.fixture
def namespace_factory(request):
    """Builds a RedisDedupStore on the real Redis only when a test asks for it."""

    def build() -> RedisDedupStore:
        client = request.getfixturevalue("redis_client")
        ns = request.getfixturevalue("namespace")
        return RedisDedupStore(client, ns, threshold=0.8, ttl_seconds=TTL)

    return build


async def check(store, article_id: str, text: str, delivery: str | None = None,
                source: str = "Northwire"):
    return await store.check_and_register(article_id, source, FP.fingerprint(normalize(text)),
                                          delivery or f"articles:0:{article_id}")


async def test_original_is_registered(store):
    decision = await check(store, "orig", ORIGINAL)
    assert not decision.is_duplicate


@pytest.mark.parametrize("variant", sorted(VARIANTS))
async def test_copies_point_at_the_original(store, variant):
    await check(store, "orig", ORIGINAL)
    await check(store, "other", REWRITE)
    decision = await check(store, "copy", VARIANTS[variant], source="Metro Daily")
    assert decision.duplicate_of == "orig", variant
    assert decision.similarity >= 0.8
    assert decision.kind in ("exact", "near")


async def test_rewrite_by_another_outlet_is_not_a_duplicate(store):
    await check(store, "orig", ORIGINAL)
    decision = await check(store, "rewrite", REWRITE)
    assert not decision.is_duplicate


async def test_same_article_published_again_is_an_exact_duplicate(store):
    await check(store, "orig", ORIGINAL, delivery="articles:0:1")
    decision = await check(store, "orig", ORIGINAL, delivery="articles:0:9")
    assert (decision.duplicate_of, decision.kind, decision.similarity) == ("orig", "exact", 1.0)


async def test_redelivery_gets_the_first_decision_and_changes_nothing(store):
    first = await check(store, "orig", ORIGINAL, delivery="articles:0:1")
    again = await check(store, "orig", ORIGINAL, delivery="articles:0:1")
    assert first == again and not again.is_duplicate
    copy = await check(store, "copy", VARIANTS["one word edited"], delivery="articles:1:4")
    assert await check(store, "copy", VARIANTS["one word edited"], delivery="articles:1:4") == copy
    cluster = await store.cluster("orig")
    assert cluster.copies == 1


async def test_copy_of_a_copy_points_at_the_original_and_clusters_count_sources(store):
    await check(store, "orig", ORIGINAL)
    await check(store, "copy-1", VARIANTS["last paragraph cut"], source="Metro Daily")
    decision = await check(store, "copy-2", VARIANTS["last two paragraphs cut"], source="Eastpost")
    assert decision.duplicate_of == "orig"
    cluster = await store.cluster("orig")
    assert cluster.copies == 2
    assert cluster.sources == {"Metro Daily": 1, "Eastpost": 1}


@pytest.mark.parametrize("original_id", ["wire\x1f7", "a\x1fb\x1fc", "\x1f", "emb\x00ed",
                                         "d:ž:1:2", "Отчёт-12"])
async def test_any_original_id_survives_the_decision_record(store, original_id):
    """The decision record joins fields with \\x1f: an id holding it (or any other byte)
    must come back whole, for exact and near copies, redeliveries and the cluster."""
    await check(store, original_id, ORIGINAL, delivery="articles:0:1")
    exact = await check(store, "again", ORIGINAL, delivery="articles:0:2")
    near = await check(store, "copy", VARIANTS["one word edited"], delivery="articles:0:3")
    redelivered = await check(store, "copy", VARIANTS["one word edited"],
                              delivery="articles:0:3")
    assert (exact.duplicate_of, exact.kind) == (original_id, "exact")
    assert (near.duplicate_of, near.kind) == (original_id, "near")
    assert redelivered == near
    assert (await store.cluster(original_id)).copies == 2


async def test_concurrent_copies_register_exactly_one_original(redis_db_url, namespace):
    """Many workers, each with its own connection, see near-identical copies at once."""
    clients = [redis.Redis.from_url(redis_db_url) for _ in range(8)]
    stores = [RedisDedupStore(c, namespace, threshold=0.8, ttl_seconds=TTL) for c in clients]
    texts = [ORIGINAL.replace("eleven villages", f"{n} villages") for n in range(11, 27)]
    try:
        decisions = await asyncio.gather(*(
            check(stores[i % len(stores)], f"copy-{i}", text) for i, text in enumerate(texts)))
    finally:
        for client in clients:
            await client.aclose()
    originals = [d for d in decisions if not d.is_duplicate]
    assert len(originals) == 1
    assert {d.duplicate_of for d in decisions if d.is_duplicate} == {originals[0].article_id}


async def test_every_key_expires_within_the_retention(redis_client, namespace):
    store = RedisDedupStore(redis_client, namespace, threshold=0.8, ttl_seconds=TTL)
    await check(store, "orig", ORIGINAL)
    await check(store, "copy", VARIANTS["one word edited"])
    keys = [k async for k in redis_client.scan_iter(match=f"{namespace}:*")]
    assert len(keys) == 2  # the day bucket and the cluster
    for key in keys:
        ttl = await redis_client.ttl(key)
        assert 0 < ttl <= TTL + 86400, key


async def test_older_days_are_searched_until_the_retention_ends(redis_client, namespace):
    """Originals registered days ago are still found; past the retention they are not."""
    day = 86400
    start = (int(time.time()) // day + 30) * day  # a future day, so nothing expires early
    now = [start]
    store = RedisDedupStore(redis_client, namespace, threshold=0.8, ttl_seconds=TTL,
                            clock=lambda: now[0])
    first = await check(store, "orig", ORIGINAL, delivery="articles:0:1")
    now[0] = start + 3 * day
    assert await check(store, "orig", ORIGINAL, delivery="articles:0:1") == first
    copy = await check(store, "copy", VARIANTS["one word edited"])
    assert copy.duplicate_of == "orig"
    now[0] = start + 9 * day
    late = await check(store, "late", VARIANTS["last paragraph cut"])
    assert not late.is_duplicate


SYNDICATED = (FIXTURES / "dedup" / "syndicated.txt").read_text()
REWRITE_QUOTING = (FIXTURES / "dedup" / "rewrite_quoting.txt").read_text()


@pytest.fixture(params=["memory", "redis"])
def default_store(request):
    """A store at the deployed defaults (threshold and LSH shape from Settings)."""
    settings = Settings()
    fingerprinter = Fingerprinter(settings.dedup_num_perm, settings.dedup_bands,
                                  settings.dedup_shingle, settings.dedup_single_bands)
    if request.param == "memory":
        return MemoryDedupStore(settings.dedup_threshold), fingerprinter
    client = request.getfixturevalue("redis_client")
    ns = request.getfixturevalue("namespace")
    return RedisDedupStore(client, ns, settings.dedup_threshold, TTL), fingerprinter


async def _check_with(default_store, article_id: str, text: str):
    store, fingerprinter = default_store
    return await store.check_and_register(article_id, "Northwire",
                                          fingerprinter.fingerprint(normalize(text)),
                                          f"articles:0:{article_id}")


async def test_syndicated_copy_with_furniture_and_another_cut_is_dropped(default_store):
    # Edited sentences, a menu line, a byline, an aggregator disclaimer, the first
    # paragraphs dropped and the end cut mid-word: about 60% of its 5-shingles are the
    # original's; no band of 4 rows or more meets, single-row bands do.
    await _check_with(default_store, "orig", ORIGINAL)
    decision = await _check_with(default_store, "copy", SYNDICATED)
    assert decision.duplicate_of == "orig"


async def test_same_event_rewrite_sharing_a_quote_is_kept(default_store):
    await _check_with(default_store, "orig", ORIGINAL)
    assert not (await _check_with(default_store, "rewrite", REWRITE_QUOTING)).is_duplicate
    assert not (await _check_with(default_store, "rewrite2", REWRITE)).is_duplicate
