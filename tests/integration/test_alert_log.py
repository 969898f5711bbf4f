"""The alerts topic as a record of what was published (``agents.kafka.KafkaAlertLog``),
on a real Tansu broker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import orjson

from agents.kafka import KafkaAlertLog, ensure_topics, publish
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
