"""The app's consumer: its fetch wait comes from the settings, not Faust's 1.5 s, and
it never commits an offset past a message that is not acked (Faust does)."""

from __future__ import annotations

from types import SimpleNamespace

import faust
import pytest
from faust.types import TP

from agents.app import create_app
from streams.settings import Settings


async def test_worker_consumer_fetch_wait_comes_from_settings():
    app = create_app(Settings(app_id="wirewatch-test-fetch", fetch_max_wait=0.2))
    thread = app.consumer._thread
    consumer = thread._create_worker_consumer(app.transport)
    try:
        assert consumer._fetch_max_wait_ms == 200
    finally:
        await consumer.stop()



class _Message:
    """What the consumer's ack bookkeeping reads of a message."""

    def __init__(self, tp: TP, offset: int) -> None:
        self.tp, self.topic, self.offset, self.acked = tp, tp.topic, offset, False


def _consumer(app: faust.App):
    app.topics._acking_topics.add("articles")
    return app.consumer


@pytest.mark.parametrize("committed", [31, None])
async def test_no_offset_is_committed_past_a_message_not_acked(committed):
    """Three messages from the committed offset on; all but the first are acked. Faust's
    own consumer commits past the first (its head-gap check is off by one, and skipped
    while nothing is committed); wirewatch's commits nothing until the first is acked."""
    tp = TP("articles", 0)
    start = committed or 0
    stock = _consumer(faust.App("wirewatch-test-stock", broker="kafka://127.0.0.1:1",
                                store="memory://"))
    ours = _consumer(create_app(Settings(app_id="wirewatch-test-ours",
                                         broker="kafka://127.0.0.1:1")))
    new_offsets = {}
    for name, consumer in (("stock", stock), ("ours", ours)):
        consumer._committed_offset[tp] = committed
        messages = [_Message(tp, offset) for offset in range(start, start + 3)]
        for message in messages:
            if consumer is ours:
                ours.hold(message)  # what its fetch callback does for each message
        for message in messages[1:]:
            consumer.ack(message)
        new_offsets[name] = consumer._new_offset(tp)
    assert new_offsets == {"stock": start + 3, "ours": None}
    ours.ack(messages[0])
    assert ours._new_offset(tp) == start + 3


async def test_a_redelivered_copy_stays_held_when_the_first_copy_is_acked():
    ours = _consumer(create_app(Settings(app_id="wirewatch-test-copy",
                                         broker="kafka://127.0.0.1:1")))
    tp = TP("articles", 0)
    first, copy, later = _Message(tp, 0), _Message(tp, 0), _Message(tp, 1)
    for message in (first, copy, later):
        ours.hold(message)
    ours.ack(first)
    ours.ack(later)
    assert ours.lowest_in_flight(tp) == 0
    assert ours._new_offset(tp) is None


def _record(tp: TP, offset: int) -> SimpleNamespace:
    """What aiokafka fetches, as far as Faust's message reads it."""
    return SimpleNamespace(topic=tp.topic, partition=tp.partition, offset=offset,
                           timestamp=None, timestamp_type=0, headers=[], key=b"k",
                           value=b"v", checksum=None, serialized_key_size=1,
                           serialized_value_size=1)


async def test_offsets_going_back_without_a_seek_start_the_partition_again():
    """A broker that came back empty: Faust would drop every record below the offset it
    last read, and ignore acks below its last commit."""
    ours = _consumer(create_app(Settings(app_id="wirewatch-test-back",
                                         broker="kafka://127.0.0.1:1")))
    tp = TP("articles", 0)
    ours._read_offset[tp], ours._committed_offset[tp] = 40, 38
    ours._to_message(tp, _record(tp, 41))
    assert ours.log_restarts == []
    ours._to_message(tp, _record(tp, 0))
    assert [restarted for _, restarted in ours.log_restarts] == [tp]
    assert (ours._read_offset.get(tp), ours._committed_offset.get(tp)) == (None, None)
    new = _Message(tp, 0)
    ours.hold(new)
    ours.ack(new)
    assert ours._new_offset(tp) == 1
