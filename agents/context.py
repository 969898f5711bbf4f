"""What the agents share in one worker process: settings, topics, Redis, stores, NLP.

Created lazily so that importing the agents (for ``test_context()`` or the CLI's
``--help``) neither connects to Redis nor loads a spaCy model.
"""

from __future__ import annotations

from functools import cached_property

import redis.asyncio as redis

from streams.app import app, settings
from streams.dedup import Fingerprinter
from streams.resolve import Resolver
from streams.store.dedup import RedisDedupStore
from streams.store.profiles import RedisProfileStore
from streams.topics import declare_topics
from streams.watchlist import load_watchlist

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"

topics = declare_topics(app, settings)


class Services:
    """Lazily built shared state of one worker."""

    @cached_property
    def redis(self) -> redis.Redis:
        # Timeouts turn a hung Redis into an error that ``agents.retry`` waits out.
        return redis.Redis.from_url(settings.redis_dsn() or DEFAULT_REDIS, socket_timeout=5,
                                    socket_connect_timeout=2, health_check_interval=15)

    @cached_property
    def watchlist(self):
        return load_watchlist(settings.watchlist)

    @cached_property
    def fingerprinter(self) -> Fingerprinter:
        return Fingerprinter(settings.dedup_num_perm, settings.dedup_bands, settings.dedup_shingle)

    @cached_property
    def dedup(self) -> RedisDedupStore:
        return RedisDedupStore(self.redis, settings.namespace, settings.dedup_threshold,
                               int(settings.retention_days * 86400))

    @cached_property
    def nlp(self):
        from streams.nlp import build_pipeline

        return build_pipeline(settings.model, self.watchlist)

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.watchlist)

    @cached_property
    def profiles(self) -> RedisProfileStore:
        return RedisProfileStore(self.redis, settings.namespace)


services = Services()
