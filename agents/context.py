"""What the agents share in one worker process: settings, topics, Redis, stores, NLP.

Created lazily so that importing the agents (for ``test_context()`` or the CLI's
``--help``) neither connects to Redis nor loads a spaCy model.

The watchlist is the file's (``WIREWATCH_WATCHLIST``) plus the runtime entries kept in
Redis by ``wirewatch watch``. The extract agent calls ``refresh_watchlist`` before each
batch: one GET of the version counter, and a reload of the ruler patterns (in the spaCy
process, ahead of the batches queued after it) and of the resolver only when it moved.
"""

from __future__ import annotations

from functools import cached_property

import redis.asyncio as redis
from spacy.language import Language

from streams.app import app, settings
from streams.claims import ClaimExtractor
from streams.dedup import Fingerprinter
from streams.resolve import Resolver
from streams.spacy_process import SpacyProcess
from streams.store.dedup import RedisDedupStore
from streams.store.profiles import RedisProfileStore
from streams.store.registry import RedisRegistry
from streams.topics import declare_topics
from streams.watchlist import Watchlist, load_watchlist

topics = declare_topics(app, settings)


class Services:
    """Lazily built shared state of one worker."""

    watch_version: int | None = None

    @cached_property
    def redis(self) -> redis.Redis:
        # Timeouts turn a hung Redis into an error that ``agents.retry`` waits out.
        return redis.Redis.from_url(settings.redis_client_url(), socket_timeout=5,
                                    socket_connect_timeout=2, health_check_interval=15)

    @cached_property
    def file_watchlist(self) -> Watchlist:
        return load_watchlist(settings.watchlist)

    @cached_property
    def watchlist(self) -> Watchlist:
        return self.file_watchlist

    @cached_property
    def fingerprinter(self) -> Fingerprinter:
        return Fingerprinter(settings.dedup_num_perm, settings.dedup_bands, settings.dedup_shingle,
                             settings.dedup_single_bands)

    @cached_property
    def dedup(self) -> RedisDedupStore:
        return RedisDedupStore(self.redis, settings.namespace, settings.dedup_threshold,
                               self.retention_seconds)

    @cached_property
    def registry(self) -> RedisRegistry:
        return RedisRegistry(self.redis, settings.namespace, self.retention_seconds)

    @cached_property
    def spacy(self) -> SpacyProcess:
        """The entity pipeline, in a child process of this worker."""
        return SpacyProcess(settings.model, self.watchlist)

    @cached_property
    def sentencer(self) -> Language:
        from streams.nlp import build_sentencer

        return build_sentencer(settings.model)

    @cached_property
    def claims(self) -> ClaimExtractor:
        """Claim rules with a full pipeline of their own: the rules need the dependency
        parse and lemmas the extraction pipeline skips; it only ever sees the sentences
        about watched entities."""
        from streams.nlp import load_model

        return ClaimExtractor(nlp=load_model(settings.model))

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.watchlist)

    @cached_property
    def profiles(self) -> RedisProfileStore:
        return RedisProfileStore(self.redis, settings.namespace)

    @property
    def retention_seconds(self) -> int:
        return int(settings.retention_days * 86400)

    async def refresh_watchlist(self) -> None:
        """Pick up ``wirewatch watch`` changes: reload only when the version moved."""
        version = await self.registry.watch_version()
        if version == self.watch_version:
            return
        runtime = await self.registry.watchlist() if version else Watchlist()
        watchlist = Watchlist.of([*self.file_watchlist, *runtime])
        if self.watch_version is not None or len(runtime):
            self.__dict__["watchlist"] = watchlist
            if "spacy" in self.__dict__:  # else it starts with this watchlist
                await self.spacy.set_watchlist(watchlist)
            self.__dict__["resolver"] = Resolver(watchlist)
        self.watch_version = version


services = Services()
