"""The one error policy, as every agent applies it: a message whose processing raises is
retried, then dead-lettered with its stage and exception; its neighbours go on; an
outage is waited out; a dead letter's payload is bounded."""

from __future__ import annotations

import base64
import hashlib

import orjson
from redis.exceptions import ConnectionError as RedisConnectionError

from agents.errors import dead_letter_record, is_outage
from agents.worker import Worker
from schemas import EntityClaims
from streams.store.dedup import MemoryDedupStore


def _value(mock, i=0):
    return mock.call_args_list[i].kwargs["value"]


class _PoisonDedup(MemoryDedupStore):
    """Raises for one article id, every time; counts the calls."""

    def __init__(self, poison: str) -> None:
        super().__init__(threshold=0.8)
        self.poison, self.calls = poison, 0

    async def check_many(self, requests):
        self.calls += 1
        if any(r.article_id == self.poison for r in requests):
            raise ValueError(f"cannot store {self.poison}")
        return await super().check_many(requests)


async def test_a_poison_article_in_ingest_is_dead_lettered_and_its_batch_goes_on(
        worker: Worker, sent, outcomes):
    worker.services.__dict__["dedup"] = _PoisonDedup("bad")
    async with worker.agents["ingest"].test_context() as agent:
        for article_id in ("a", "bad", "c"):
            body = f"Report {article_id}: talks on the Karsk corridor resumed on Monday."
            await agent.put(orjson.dumps({"id": article_id, "body": body}),
                            key=article_id.encode())
        await outcomes.wait_for(3)
    assert sorted(_value(sent["unique"], i).id for i in range(2)) == ["a", "c"]
    letter = _value(sent["dead_letter"])
    assert (letter.reason, letter.stage, letter.error_type) == (
        "processing_error", "ingest", "ValueError")
    assert "cannot store bad" in letter.detail
    assert orjson.loads(base64.b64decode(letter.payload_b64))["id"] == "bad"


class _FlakyProfiles:
    """A profile store that fails the first ``n`` updates with ``exc``."""

    def __init__(self, inner, n: int, exc: Exception) -> None:
        self.inner, self.n, self.exc = inner, n, exc

    async def update(self, *args, **kwargs):
        if self.n > 0:
            self.n -= 1
            raise self.exc
        return await self.inner.update(*args, **kwargs)

    async def mark_sent(self, ids):
        return await self.inner.mark_sent(ids)


def _claims(article_id: str, entity: str = "daniel-orlov") -> EntityClaims:
    return EntityClaims(entity_id=entity, entity_name=entity.replace("-", " ").title(),
                        kind="hostage", article_id=article_id, source="Northwire",
                        first_sentence="Someone is held in Karsk.", claims=[])


async def test_a_raising_profile_update_is_retried_then_dead_lettered(worker: Worker, sent,
                                                                       outcomes):
    profiles = worker.services.profiles
    worker.services.__dict__["profiles"] = _FlakyProfiles(profiles, 2, KeyError("boom"))
    async with worker.agents["profile"].test_context() as agent:
        await agent.put(_claims("w-1"), key="daniel-orlov")  # fails twice: dead letter
        await agent.put(_claims("w-2", "mira-kessling"), key="mira-kessling")
        await outcomes.wait_for(2)
    letter = _value(sent["dead_letter"])
    assert (letter.reason, letter.stage, letter.error_type) == (
        "processing_error", "profile", "KeyError")
    [alert] = [c.kwargs["value"] for c in sent["alerts"].call_args_list]
    assert alert.entity.id == "mira-kessling"


async def test_one_failure_is_retried_and_nothing_is_dead_lettered(worker: Worker, sent,
                                                                    outcomes):
    profiles = worker.services.profiles
    worker.services.__dict__["profiles"] = _FlakyProfiles(profiles, 1, KeyError("once"))
    async with worker.agents["profile"].test_context() as agent:
        await agent.put(_claims("w-1"), key="daniel-orlov")
        await outcomes.wait_for(1)
    assert sent["dead_letter"].call_count == 0
    assert _value(sent["alerts"]).entity.id == "daniel-orlov"


async def test_an_outage_is_waited_out_not_dead_lettered(worker: Worker, sent, outcomes):
    profiles = worker.services.profiles
    outage = RedisConnectionError("Connection refused")
    worker.services.__dict__["profiles"] = _FlakyProfiles(profiles, 5, outage)
    async with worker.agents["profile"].test_context() as agent:
        await agent.put(_claims("w-1"), key="daniel-orlov")
        [outcome] = await outcomes.wait_for(1)
    assert outcome.kind == "updated"
    assert sent["dead_letter"].call_count == 0
    assert _value(sent["alerts"]).entity.id == "daniel-orlov"


def test_a_wrong_password_is_not_an_outage():
    from redis.exceptions import AuthenticationError

    assert is_outage(RedisConnectionError("refused"))
    assert not is_outage(AuthenticationError("WRONGPASS"))
    assert not is_outage(FileNotFoundError("watchlist.yaml"))


class _Message:
    def __init__(self, value: bytes) -> None:
        self.value, self.key = value, b"k"
        self.topic, self.partition, self.offset = "t", 0, 7


def test_a_dead_letter_carries_a_bounded_prefix_with_size_and_digest():
    payload = b"x" * 100_000
    record = dead_letter_record(_Message(payload), "too_large", "big", "ingest", limit=1024)
    assert record.payload_truncated and record.payload_size == 100_000
    assert record.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert len(base64.b64decode(record.payload_b64)) == 1024
