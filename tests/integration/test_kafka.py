"""``agents.kafka`` on a real Tansu broker: reading a topic, and the alerts topic as a
record of what was published."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import orjson

from agents.kafka import KafkaAlertLog, ensure_topics, publish, read_topic
from streams.settings import Settings


def test_published_finds_the_alerts_on_the_topic_and_nothing_else(broker_url):
    settings = Settings(broker=broker_url, partitions=3)
    topic = f"t{uuid.uuid4().hex[:8]}.alerts"

    async def scenario() -> tuple[set[str], set[str]]:
        await ensure_topics(settings, [topic])
        early = datetime.now(UTC) - timedelta(seconds=1)
        await publish(settings, topic, [(f"e{i}".encode(), orjson.dumps({"alert_id": f"a{i}"}))
                                        for i in range(20)])
        await publish(settings, topic, [(b"e0", b"not json"), (b"e1", b"[1, 2]")])
        log = KafkaAlertLog(settings, topic, clock_skew=0)
        wanted = {"a3", "a17", "never-sent"}
        return await log.published(wanted, early), await log.published(set(), early)

    found, nothing = asyncio.run(scenario())
    assert found == {"a3", "a17"}
    assert nothing == set()


def test_a_follower_is_told_once_it_has_read_what_the_topic_held(broker_url):
    settings = Settings(broker=broker_url, partitions=3)
    topic = f"t{uuid.uuid4().hex[:8]}.unique"
    empty = f"t{uuid.uuid4().hex[:8]}.empty"

    async def follow(name: str) -> tuple[int, list[bytes]]:
        """How many values had come when ``caught_up`` was called, and all values read."""
        read: list[bytes] = []
        when: list[int] = []

        async def reader() -> None:
            async for raw in read_topic(settings, name, follow=True, idle_timeout=0.1,
                                        caught_up=lambda: when.append(len(read))):
                read.append(raw)

        task = asyncio.create_task(reader())
        while not when:
            await asyncio.sleep(0.05)
        await publish(settings, name, [(b"k", b"late")])
        while b"late" not in read:
            await asyncio.sleep(0.05)
        task.cancel()
        return when[0], read

    async def scenario():
        await ensure_topics(settings, [topic, empty])
        await publish(settings, topic, [(f"k{i}".encode(), f"v{i}".encode()) for i in range(9)])
        return await follow(topic), await follow(empty)

    (at, read), (at_empty, read_empty) = asyncio.run(scenario())
    assert at == 9 and len(read) == 10  # told once the 9 values of the start were handled
    assert at_empty == 0 and read_empty == [b"late"]  # nothing to read: told at once
