"""The Faust app, configured from the one settings object.

Offsets start at ``earliest`` for a new consumer group so that articles published
before the first worker joined are still processed. State lives in Redis, not in Faust
tables, so the table store is in memory and nothing is recovered from changelogs at
start-up.
"""

from __future__ import annotations

import faust

from streams.security import faust_credentials
from streams.settings import Settings, get_settings

DEFAULT_BROKER = "kafka://127.0.0.1:9092"


def create_app(settings: Settings) -> faust.App:
    """A Faust app for these settings; agents register on it at import of ``agents``."""
    return faust.App(
        settings.app_id,
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


settings = get_settings()
app = create_app(settings)
