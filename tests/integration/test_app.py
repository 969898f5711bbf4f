"""The worker's consumer on a real Tansu broker: it commits only as a member of its group.

A broker that came back empty does not know the group: told "member_id was not
recognized", aiokafka resets its generation and rejoins, and a commit in between goes
out with no generation, which that broker accepts (stock aiokafka sends it). Each case
has a broker of its own, restarted on memory storage."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError

from agents.app import commit_only_as_member
from agents.kafka import client_options, ensure_topics
from agents.stack import free_port, start_tansu
from streams.settings import Settings

TOPIC = "articles"


class _Broker:
    """A Tansu broker of this test on a port of its own, restarted empty on demand."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc, url = start_tansu(self.port)
        self.settings = Settings(broker=url, partitions=1)

    def restart(self) -> None:
        self.stop()
        self.proc, _ = start_tansu(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


async def _committed(broker: _Broker, guarded: bool) -> tuple[int | None, int | None]:
    """What the broker holds after a commit of 3 as a member, and after a commit of 5 once
    it came back empty and the consumer's generation was reset."""
    await ensure_topics(broker.settings, [TOPIC])
    # Tansu holds a JoinGroup for half the session timeout: 3 s, in which no rejoin can
    # give the consumer a generation again before the commit below
    consumer = AIOKafkaConsumer(TOPIC, group_id="wirewatch-test", enable_auto_commit=False,
                                session_timeout_ms=6000, heartbeat_interval_ms=2000,
                                **client_options(broker.settings))
    await consumer.start()  # returns once the partition is assigned
    tp = TopicPartition(TOPIC, 0)
    try:
        if guarded:
            commit_only_as_member(consumer._coordinator)
        await consumer.commit({tp: 3})
        as_member = await consumer.committed(tp)
        await asyncio.to_thread(broker.restart)
        await ensure_topics(broker.settings, [TOPIC])
        consumer._coordinator.reset_generation()  # what "not recognized" does
        with contextlib.suppress(CommitFailedError):
            await consumer.commit({tp: 5})
        return as_member, await consumer.committed(tp)
    finally:
        await consumer.stop()


def _run(guarded: bool) -> tuple[int | None, int | None]:
    broker = _Broker()
    try:
        return asyncio.run(_committed(broker, guarded))
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            broker.stop()


def test_a_consumer_rejoining_a_broker_back_empty_commits_nothing():
    assert _run(guarded=False) == (3, 5)
    assert _run(guarded=True) == (3, None)
