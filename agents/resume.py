"""Resume consuming after the broker comes back without its log.

A broker on memory storage (Tansu as the embedded and test broker runs it), or a topic
deleted and created again, starts its offsets at 0 again. Faust does not notice: it
drops every fetched message below the offset it last read (as a redelivery it has
seen), ignores acks below the offset it last committed, and its commits for topics the
broker no longer has fail for ever (``OffsetCommit failed ... UnknownTopicOrPartition``).
The worker would sit there, up, reading nothing.

Two parts mend it. The worker's consumer (``agents.app._Consumer``) sees a partition's
offsets go back without a seek and reads it again from there, forgetting what it had
read, acked and committed; a group rejoin on the new broker finds no committed offsets
and starts at the earliest, as for a new group — provided nothing was committed there
while the worker rejoined (``agents.app.commit_only_as_member``: the fetcher goes on
from its old positions until the rejoin, and a commit of those would skip the new log's
records below them). ``BrokerWatch`` checks every ``CHECK_EVERY`` seconds for topics
the broker lost and creates them again (with the configured partitions), and keeps what
happened for ``/health``. Dedup keys redeliveries by content, not offset
(``agents.ingest.delivery_key``), so a new article at an old offset is not taken for the
old one.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from aiokafka.admin import AIOKafkaAdminClient

from agents.kafka import client_options, ensure_topics
from streams.settings import Settings

if TYPE_CHECKING:
    import faust

log = logging.getLogger(__name__)
CHECK_EVERY = 2.0


class BrokerWatch:
    """Notices a broker that lost its topics and creates them again; ``problem`` (red)
    and ``notice`` (what happened last) are for ``/health``."""

    def __init__(self, settings: Settings, app: faust.App) -> None:
        self.settings, self.app = settings, app
        self.problem: str | None = None
        self.notice: str | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._restarts_seen = 0

    async def check(self) -> None:
        """One look at the broker; never raises (an unreachable broker is a problem)."""
        try:
            await self._open()
            recreated = await self._recreate_topics()
        except Exception as exc:
            self.problem = f"cannot check the broker: {type(exc).__name__}: {exc}"
            await self.stop()
            return
        self.problem = None
        restarts = getattr(self.app.consumer, "log_restarts", [])
        restarted = {tp for _, tp in restarts[self._restarts_seen:]}
        self._restarts_seen = len(restarts)
        if recreated or restarted:
            parts = ([f"recreated topics {', '.join(recreated)}"] if recreated else []) + (
                [f"read {len(restarted)} partitions again from their new start"]
                if restarted else [])
            self.notice = (f"broker came back empty at {time.strftime('%H:%M:%S')}: "
                           + "; ".join(parts))
            log.warning("%s", self.notice)

    async def _open(self) -> None:
        if self._admin is None:
            admin = AIOKafkaAdminClient(**client_options(self.settings))
            await admin.start()
            self._admin = admin

    async def _recreate_topics(self) -> list[str]:
        assert self._admin is not None
        existing = set(await self._admin.list_topics())
        missing = [name for name in self.settings.topic_names() if name not in existing]
        if missing:
            await ensure_topics(self.settings, missing)
        return missing

    async def stop(self) -> None:
        """Close the clients; the next check opens new ones."""
        admin, self._admin = self._admin, None
        if admin is not None:
            await admin.close()

    def install(self) -> None:
        """The timer that checks, on the app."""

        @self.app.timer(interval=CHECK_EVERY, name="wirewatch.broker_watch")
        async def broker_watch() -> None:
            await self.check()
