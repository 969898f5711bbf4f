"""What the agents of one worker share: settings, Redis and the stores on it, the
fingerprinter and the spaCy stage.

Built by ``agents.worker.build`` from a settings value; a test passes in-memory twins
for the stores (``streams.store``) and no spaCy model is loaded until a batch needs it.

The watchlist is the file's (``WIREWATCH_WATCHLIST``) plus the runtime entries kept in
Redis by ``wirewatch watch``. The extract agent calls :meth:`Services.snapshot` before
each batch: one GET of the version counter, and a new snapshot (ruler patterns in the
spaCy process ahead of the batches queued after it, and a resolver) only when it moved.
"""

from __future__ import annotations

import logging
import uuid
from functools import cached_property

import redis.asyncio as redis

from agents.kafka import KafkaAlertLog
from agents.redis import connect
from agents.redis.dedup import RedisDedupStore
from agents.redis.profiles import RedisProfileStore
from agents.redis.registry import RedisRegistry
from agents.spacy_stage import Snapshot, SpacyStage
from streams.dedup import Fingerprinter
from streams.settings import Settings
from streams.store.dedup import DedupStore
from streams.store.profiles import AlertLog, ProfileStore
from streams.store.registry import Registry
from streams.watchlist import Watchlist, combine, load_watchlist

log = logging.getLogger(__name__)


class Services:
    """The shared state of one worker; each part is built on first use unless given."""

    def __init__(self, settings: Settings, *, redis_client: redis.Redis | None = None,
                 dedup: DedupStore | None = None, registry: Registry | None = None,
                 profiles: ProfileStore | None = None, alert_log: AlertLog | None = None,
                 spacy: SpacyStage | None = None,
                 file_watchlist: Watchlist | None = None) -> None:
        self.settings = settings
        #: Who holds the alerts this worker is sending (``streams.store.profiles``).
        self.owner = uuid.uuid4().hex
        given = {"redis": redis_client, "dedup": dedup, "registry": registry,
                 "profiles": profiles, "alert_log": alert_log, "spacy": spacy,
                 "file_watchlist": file_watchlist}
        self.__dict__.update({k: v for k, v in given.items() if v is not None})

    @cached_property
    def redis(self) -> redis.Redis:
        return connect(self.settings)

    @cached_property
    def file_watchlist(self) -> Watchlist:
        return load_watchlist(self.settings.watchlist)

    @cached_property
    def fingerprinter(self) -> Fingerprinter:
        s = self.settings
        return Fingerprinter(s.dedup_num_perm, s.dedup_bands, s.dedup_shingle,
                             s.dedup_single_bands)

    @cached_property
    def dedup(self) -> DedupStore:
        return RedisDedupStore(self.redis, self.settings.namespace,
                               self.settings.dedup_threshold, self.retention_seconds)

    @cached_property
    def registry(self) -> Registry:
        return RedisRegistry(self.redis, self.settings.namespace, self.retention_seconds)

    @cached_property
    def profiles(self) -> ProfileStore:
        return RedisProfileStore(self.redis, self.settings.namespace,
                                 sent_ttl_seconds=self.retention_seconds,
                                 lease_seconds=self.settings.alert_lease)

    @cached_property
    def alert_log(self) -> AlertLog:
        return KafkaAlertLog(self.settings, self.settings.topic_alerts)

    @cached_property
    def spacy(self) -> SpacyStage:
        return SpacyStage(self.settings.model, self.file_watchlist,
                          self.settings.spacy_processes)

    @property
    def retention_seconds(self) -> int:
        return int(self.settings.retention_days * 86400)

    async def snapshot(self) -> Snapshot:
        """The watchlist for the next batch: the file's and the runtime entries, rebuilt
        only when the version in Redis moved."""
        version = await self.registry.watch_version()
        if version == self.spacy.snapshot.version:
            return self.spacy.snapshot
        runtime = await self.registry.watchlist() if version else Watchlist()
        watchlist, refused = combine(self.file_watchlist, runtime)
        for reason in refused:
            log.warning("%s", reason)
        return await self.spacy.use(version, watchlist)

    async def close(self) -> None:
        """Stop the spaCy child and close the Redis connection, if they were started."""
        if "spacy" in self.__dict__:
            self.spacy.close()
        if "redis" in self.__dict__:
            await self.redis.aclose()
