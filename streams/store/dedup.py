"""Dedup state in Redis."""

from __future__ import annotations

from typing import Protocol

import redis.asyncio as redis

from streams.dedup import DedupDecision, Fingerprint


class DedupStore(Protocol):
    async def check_and_register(
        self, article_id: str, source: str | None, fp: Fingerprint, delivery: str
    ) -> DedupDecision: ...


class RedisDedupStore:
    """Exact-hash dedup with SET NX."""

    def __init__(self, client: redis.Redis, namespace: str, threshold: float, ttl_seconds: int):
        self.r, self.ns, self.ttl = client, namespace, ttl_seconds

    async def check_and_register(
        self, article_id: str, source: str | None, fp: Fingerprint, delivery: str
    ) -> DedupDecision:
        key = f"{self.ns}:dedup:exact:{fp.exact}"
        if await self.r.set(key, article_id, nx=True, ex=self.ttl):
            return DedupDecision(article_id, None, 0.0, None)
        original = (await self.r.get(key)).decode()
        return DedupDecision(article_id, original, 1.0, "exact")


class MemoryDedupStore:
    """In-memory twin."""

    def __init__(self, threshold: float = 0.8) -> None:
        self.exact: dict[str, str] = {}

    async def check_and_register(
        self, article_id: str, source: str | None, fp: Fingerprint, delivery: str
    ) -> DedupDecision:
        original = self.exact.setdefault(fp.exact, article_id)
        if original == article_id:
            return DedupDecision(article_id, None, 0.0, None)
        return DedupDecision(article_id, original, 1.0, "exact")
