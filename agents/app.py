"""The Faust app, built from a settings value (never at import).

Offsets start at ``earliest`` for a new consumer group so that articles published
before the first worker joined are still processed. State lives in Redis, not in Faust
tables, so the table store is in memory and nothing is recovered from changelogs at
start-up.

Faust fixes its worker consumer's fetch wait at 1.5 s. Kafka answers a fetch as soon as
there is data, but Tansu (the embedded and test broker) holds every fetch for the whole
wait, so each hop of the pipeline (articles -> unique -> entity-claims -> alerts) added
up to 1.5 s of latency. The app sets the wait from ``fetch_max_wait`` instead.

Faust commits the end of the first run of consecutive acked offsets, and its check that
this run starts where the last commit ended is off by one (and skipped while nothing was
committed, or the last commit was 0): with message 31 still being processed and 32, 33
acked, it commits 34; with 0 unacked and 1, 2 acked on a new group, it commits 3. A
crash then never redelivers the message in between. ``_Consumer`` is the workaround, in
this one place: it keeps every message handed to the streams until it is acked and
never commits past the lowest one still held (``tests/agents/test_app.py`` shows both
Faust's result and ours). The same consumer bounds Faust's wait for unacked messages
(which nothing else could end) and reads a partition again whose log started again
after the broker came back empty (``agents.resume``); its thread commits only as a member
of the group (``commit_only_as_member``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import faust
from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.errors import RebalanceInProgressError
from aiokafka.protocol.commit import OffsetCommitRequest
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message
from faust.types.tuples import ack_lock

from agents.security import faust_credentials
from streams.settings import Settings

DEFAULT_BROKER = "kafka://127.0.0.1:9092"
WAIT_EMPTY_SECONDS = 4.0
log = logging.getLogger(__name__)


def commit_only_as_member(coordinator: GroupCoordinator) -> None:
    """Make ``coordinator`` refuse to commit while it is not a member of its group.

    Once its coordinator did not recognise it ("local member_id was not recognized"),
    aiokafka rejoins with generation -1 and no member id, and a commit meanwhile (Faust
    commits when the rejoin revokes its partitions) goes out with those: a broker takes it
    for the commit of a consumer outside group management and accepts it, whoever owns the
    partitions now. The Java client fails such a commit. After a broker came back empty it
    lost records: the fetcher had gone on from its old positions on the new logs, the
    commit wrote those positions into the new broker's group, and the rejoin started there,
    past every record below. Refused (aiokafka raises ``CommitFailedError``, which Faust
    takes as "rebalanced"), nothing is committed: the rejoin finds no committed offsets and
    reads the new logs from their start (``_Consumer.seek_to_committed``), and what was
    acked is delivered again, which every stage is idempotent to.

    The check is made in the step that builds the request, after every wait of
    ``commit_offsets`` (the coordinator lookup while the broker is away, the commit lock),
    so a reset during those waits cannot slip a commit through."""
    send = coordinator._do_commit_offsets

    async def as_member(assignment: Any, offsets: Any) -> None:
        if coordinator.generation == OffsetCommitRequest.DEFAULT_GENERATION_ID:
            log.warning("not committing while rejoining the group: what is acked will be "
                        "delivered again")
            raise RebalanceInProgressError("not a member of the group: rejoining")
        await send(assignment, offsets)

    coordinator._do_commit_offsets = as_member


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: faust_aiokafka.Transport):
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms  # read when it starts
        return consumer

    async def on_start(self) -> None:
        """Start the consumer; its coordinator (made by ``start``) commits only as a
        member of the group."""
        await super().on_start()
        commit_only_as_member(self._ensure_consumer()._coordinator)


class _Consumer(faust_aiokafka.Consumer):
    """Faust's consumer, committing no offset past a message not yet acked, and reading
    a partition again whose log started again.

    Every message is held from the moment it is handed to the streams (by identity: a
    refetched copy of an offset is another message) until it is acked; a message an
    agent dropped by crashing stays held, so commits stop below it and a restart
    redelivers it. A rebalance forgets the partitions it moves, as Faust does: their
    positions are sought back to the committed offsets."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._in_flight: defaultdict[TP, dict[int, Message]] = defaultdict(dict)
        self.log_restarts: list[tuple[float, TP]] = []
        deliver = self.callback

        async def held(message: Message) -> None:
            self.hold(message)
            await deliver(message)

        self.callback = held

    def hold(self, message: Message) -> None:
        """Keep ``message`` as in flight until it is acked."""
        if self.app.topics.acks_enabled_for(message.topic):
            with ack_lock:
                self._in_flight[message.tp][id(message)] = message

    def lowest_in_flight(self, tp: TP) -> int | None:
        """The lowest offset of ``tp`` handed to the streams and not acked yet."""
        with ack_lock:
            held = self._in_flight.get(tp)
            return min((m.offset for m in held.values()), default=None) if held else None

    def ack(self, message: Message) -> bool:
        try:
            return super().ack(message)
        finally:
            if message.acked:
                with ack_lock:
                    self._in_flight[message.tp].pop(id(message), None)

    def _new_offset(self, tp: TP) -> int | None:
        """Faust's choice among the acked offsets below the lowest one in flight."""
        floor = self.lowest_in_flight(tp)
        acked = self._acked[tp]
        if floor is None:
            return super()._new_offset(tp)
        held_back = [offset for offset in acked if offset >= floor]
        acked[:] = [offset for offset in acked if offset < floor]
        try:
            return super()._new_offset(tp)
        finally:
            acked.extend(held_back)
            acked.sort()

    async def seek_to_committed(self) -> Mapping[TP, int]:
        """Seek to the committed offsets, and a partition with none (or 0) to its
        beginning. aiokafka leaves such a partition where it was, which after a broker
        came back empty is past the end of the new log: every record below would be
        skipped. For a new group this is where it starts anyway (earliest)."""
        offsets = await super().seek_to_committed()
        unread = [tp for tp, offset in offsets.items() if offset is None or offset <= 0]
        if unread:
            await self._thread.seek_to_beginning(*unread)
        return offsets

    def _to_message(self, tp: TP, record: Any) -> Message:
        """A fetched record as Faust's message; a partition whose offsets went back
        without a seek is started again first (see ``agents.resume``)."""
        read = self._read_offset.get(tp)
        if read is not None and record.offset < read:
            self.restarted(tp, record.offset, read)
        return super()._to_message(tp, record)

    def restarted(self, tp: TP, offset: int, read: int) -> None:
        """The log of ``tp`` starts again below what this consumer read (a broker on
        memory storage came back, a topic was recreated): Faust would drop every record
        below ``read`` as seen and ignore acks below its last commit. Forget both, so
        the new log is read, acked and committed from where it begins."""
        log.warning("%s: offsets went back from %s to %s: the broker lost its log; reading "
                    "the partition again from there", tp, read, offset)
        self.forget({tp})
        self.log_restarts.append((time.time(), tp))

    async def wait_empty(self) -> None:
        """Faust's wait, before a rebalance and at shutdown, for every message taken to
        be acked — for ``WAIT_EMPTY_SECONDS`` at most. A message a crashed agent dropped
        is never acked, and Faust would wait for it for ever (no rebalance, no exit on
        SIGTERM); its wait cannot be cancelled either (it swallows the cancellation).
        Giving up loses nothing: what is not acked is not committed."""
        deadline = time.monotonic() + WAIT_EMPTY_SECONDS
        while not self.should_stop and self._unacked_messages:
            await self.commit()
            if not self._unacked_messages or time.monotonic() >= deadline:
                break
            await self._wait_for_ack(timeout=1)
            self._clean_unacked_messages()
        if self._unacked_messages and not self.should_stop:
            log.warning("%d messages still unacked after %.0fs: left uncommitted, they will "
                        "be delivered again", len(self._unacked_messages), WAIT_EMPTY_SECONDS)
        await self.commit_and_end_transactions()

    def forget(self, tps: AbstractSet[TP]) -> None:
        """Drop what this consumer holds for ``tps``: their positions start again."""
        with ack_lock:
            for tp in tps:
                self._in_flight.pop(tp, None)
                for bookkeeping in (self._acked, self._acked_index, self._gap,
                                    self._read_offset, self._committed_offset):
                    bookkeeping.pop(tp, None)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        self.forget(revoked)
        await super().on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self.forget(assigned)
        await super().on_partitions_assigned(assigned, generation_id)

    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class WirewatchApp(faust.App):
    """A Faust app whose worker consumer waits ``fetch_max_wait_ms`` per fetch at most,
    and that remembers which agents crashed."""

    fetch_max_wait_ms: int = 1500

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crashes: dict[str, BaseException] = {}
        self.agent_crashed = asyncio.Event()

    async def _on_agent_error(self, agent: faust.types.AgentT, exc: BaseException) -> None:
        """Every agent's error handler: remember the crash for health and replay.

        Faust marks the crashed *actor*, and its supervisor starts a new one, which has
        lost the batch in hand; the agent itself never carries the crash (its
        ``_crash_reason`` stays None), so this is the one place it is seen. The messages
        the actor held stay unacked (``_Consumer``): a restart redelivers them."""
        log.error("agent %s crashed: %s: %s", agent.name, type(exc).__name__, exc,
                  exc_info=exc)
        self.crashes.setdefault(agent.name, exc)
        self.agent_crashed.set()
        await super()._on_agent_error(agent, exc)

    def _new_transport(self) -> _Transport:
        return _Transport(self.conf.broker_consumer, self)


def create_app(settings: Settings) -> faust.App:
    """A Faust app for these settings, without agents (``agents.worker.build`` adds them).

    Faust's data directory is a setting and never the current directory, which a
    container running as an unprivileged user cannot write."""
    app = WirewatchApp(
        settings.app_id,
        datadir=str(settings.faust_data_dir()),
        broker=settings.broker or DEFAULT_BROKER,
        broker_credentials=faust_credentials(settings),
        store="memory://",
        autodiscover=False,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
        broker_rebalance_timeout=settings.session_timeout,
        web_enabled=settings.web_port is not None,
        web_port=settings.web_port or 6066,
        web_bind=settings.web_bind,
        producer_linger=0.005,
        stream_buffer_maxsize=4 * settings.batch_size,
    )
    app.fetch_max_wait_ms = int(settings.fetch_max_wait * 1000)
    return app
