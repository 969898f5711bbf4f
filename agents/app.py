"""The Faust app, built from a settings value (never at import).

Offsets start at ``earliest`` for a new consumer group so that articles published
before the first worker joined are still processed. State lives in Redis, not in Faust
tables, so the table store is in memory and nothing is recovered from changelogs at
start-up.

Faust fixes its worker consumer's fetch wait at 1.5 s. Kafka answers a fetch as soon as
there is data, but Tansu (the embedded and test broker) holds every fetch for the whole
wait, so each hop of the pipeline (articles -> unique -> entity-claims -> alerts) added
up to 1.5 s of latency. The app sets the wait from ``fetch_max_wait`` instead.
"""

from __future__ import annotations

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

from agents.security import faust_credentials
from streams.settings import Settings

DEFAULT_BROKER = "kafka://127.0.0.1:9092"


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: faust_aiokafka.Transport):
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms  # read when it starts
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class WirewatchApp(faust.App):
    """A Faust app whose worker consumer waits ``fetch_max_wait_ms`` per fetch at most."""

    fetch_max_wait_ms: int = 1500

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
