"""The only place outside Faust that talks to Kafka: topic creation, publishing
articles, reading the alerts topic (all of it, or what was sent since a time).

Tansu (and Kafka with auto-create on) would create a missing topic on first metadata
request with the broker's default partition count; wirewatch creates its topics up front
with the configured count instead, so partitioning is a decision and not an accident.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaTimeoutError, TopicAlreadyExistsError

from agents.security import aiokafka_options
from streams.settings import Settings


def bootstrap_servers(broker_url: str) -> str:
    """``kafka://h1:9092;h2:9092`` or ``kafka://h:9092`` -> ``h1:9092,h2:9092``."""
    hosts = []
    for part in broker_url.replace(";", ",").split(","):
        part = part.strip()
        if "://" in part:
            part = part.split("://", 1)[1]
        if part:
            hosts.append(part.rstrip("/"))
    return ",".join(hosts)


def client_options(settings: Settings) -> dict[str, Any]:
    """Connection options shared by every aiokafka client wirewatch creates."""
    return {
        "bootstrap_servers": bootstrap_servers(settings.broker or "kafka://127.0.0.1:9092"),
        **aiokafka_options(settings),
    }


async def ensure_topics(settings: Settings, names: Iterable[str]) -> None:
    """Create the topics that do not exist yet, with the configured partitions."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in dict.fromkeys(names) if n not in existing]
        if missing:
            # Another worker may create one between our list and create: that is fine.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([
                    NewTopic(n, num_partitions=settings.partitions,
                             replication_factor=settings.replication_factor)
                    for n in missing
                ])
    finally:
        await admin.close()


async def publish(settings: Settings, topic: str, messages: Iterable[tuple[bytes, bytes]]) -> int:
    """Publish ``(key, value)`` pairs in order and wait until the broker has them all."""
    producer = AIOKafkaProducer(**client_options(settings), linger_ms=5, acks="all")
    await producer.start()
    count = 0
    try:
        futures = []
        for key, value in messages:
            futures.append(await producer.send(topic, value=value, key=key))
            count += 1
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return count


async def read_topic(
    settings: Settings, topic: str, *, follow: bool, idle_timeout: float = 1.0,
    caught_up: Callable[[], None] | None = None,
) -> AsyncIterator[bytes]:
    """Yield every value of ``topic`` from the beginning, without joining a group.

    Without ``follow`` it stops once it has read what was on the topic at start (see
    :func:`_read_up`); with ``follow`` it goes on until cancelled. ``caught_up`` is called
    once, at that same point (a reader that serves what it read waits for it).
    """
    consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        tps = await _partitions(consumer, topic)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        started_ms, end = _now_ms(), await consumer.end_offsets(tps)
        while follow or end:
            batch = await consumer.getmany(timeout_ms=int(idle_timeout * 1000))
            for records in batch.values():
                for record in records:
                    yield record.value
            if end:
                for tp in await _read_up(consumer, batch, end, started_ms):
                    del end[tp]
                if not end and caught_up:
                    caught_up()
    finally:
        await consumer.stop()


async def _read_up(consumer: AIOKafkaConsumer, batch: dict, end: dict[TopicPartition, int],
                   started_ms: int) -> set[TopicPartition]:
    """The partitions of ``end`` read up to where their log stood at ``started_ms``: the
    position at or past the end offset read then, and either nothing more came in the
    last fetch or what came was written after ``started_ms``. Reaching the end offset
    alone proves nothing: Tansu's can fall short of its log (at the time of writing, the
    base offset of its last record batch, plus one)."""
    done = set()
    for tp, offset in end.items():
        records = batch.get(tp)
        if await consumer.position(tp) >= offset and (
                not records or records[-1].timestamp >= started_ms):
            done.add(tp)
    return done


def _now_ms() -> int:
    return int(time.time() * 1000)


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    partitions = consumer.partitions_for_topic(topic)
    if partitions is None:
        await consumer._client.force_metadata_update()
        partitions = consumer.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in sorted(partitions)]


class KafkaAlertLog:
    """The alerts topic as a record of what was published (``streams.store.profiles``).

    Asked only when a worker takes over the unsent alerts of an earlier attempt, which
    may have reached the broker just before that attempt died: it reads, without a group,
    every partition from the first message sent at ``since`` (less ``clock_skew``, for
    workers on other hosts) to the end it finds at the start.
    """

    def __init__(self, settings: Settings, topic: str, *, clock_skew: float = 60.0,
                 timeout: float = 30.0) -> None:
        self.settings, self.topic = settings, topic
        self.clock_skew, self.timeout = clock_skew, timeout

    async def published(self, alert_ids: set[str], since: datetime) -> set[str]:
        if not alert_ids:
            return set()
        consumer = AIOKafkaConsumer(**client_options(self.settings), enable_auto_commit=False)
        await consumer.start()
        try:
            return await self._scan(consumer, alert_ids,
                                    int((since.timestamp() - self.clock_skew) * 1000))
        finally:
            await consumer.stop()

    async def _scan(self, consumer: AIOKafkaConsumer, alert_ids: set[str],
                    since_ms: int) -> set[str]:
        tps = await _partitions(consumer, self.topic)
        consumer.assign(tps)
        started_ms, ends = _now_ms(), await consumer.end_offsets(tps)
        starts = await consumer.offsets_for_times(dict.fromkeys(tps, max(since_ms, 0)))
        todo = {}
        for tp in tps:
            start = starts.get(tp)
            consumer.seek(tp, ends[tp] if start is None else min(start.offset, ends[tp]))
            todo[tp] = ends[tp]
        found: set[str] = set()
        deadline = time.monotonic() + self.timeout
        while todo:
            if time.monotonic() > deadline:
                raise KafkaTimeoutError(f"reading {self.topic} took over {self.timeout} s")
            batch = await consumer.getmany(*todo, timeout_ms=200)
            for records in batch.values():
                for record in records:
                    with contextlib.suppress(orjson.JSONDecodeError, AttributeError):
                        alert_id = orjson.loads(record.value).get("alert_id")
                        if alert_id in alert_ids:
                            found.add(alert_id)
            if found == alert_ids:
                break
            for tp in await _read_up(consumer, batch, todo, started_ms):
                del todo[tp]
        return found


class GroupProbe:
    """Reads a consumer group's committed offsets against the end of its input topics.

    Kept open between samples so a periodic health check costs two requests, not two
    new connections.
    """

    def __init__(self, settings: Settings, group: str, topics: list[str]) -> None:
        self.settings, self.group, self.topics = settings, group, topics
        self._admin = AIOKafkaAdminClient(**client_options(settings))
        self._consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False)

    async def start(self) -> None:
        await self._admin.start()
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()
        await self._admin.close()

    async def sample(self) -> tuple[int, int]:
        """``(committed offsets summed, messages not yet committed)`` over the topics."""
        tps = [tp for topic in self.topics for tp in await _partitions(self._consumer, topic)]
        if not tps:
            return 0, 0
        committed = await self._admin.list_consumer_group_offsets(self.group, partitions=tps)
        ends = await self._consumer.end_offsets(tps)
        done = {tp: max(meta.offset, 0) for tp, meta in committed.items()}
        lag = sum(max(ends[tp] - done.get(tp, 0), 0) for tp in tps)
        return sum(done.values()), lag
