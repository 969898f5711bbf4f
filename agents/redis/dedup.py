"""Dedup in Redis: one atomic Lua script (``dedup.lua``) per batch.

Layout: one hash per day, so that expiry costs nothing per article (Redis 7.0 has no
per-field TTL; a day expires whole, ``retention`` after it ends)::

    {ns}:dedup:{day}   HASH  x<exact hash>          -> original id
                             e<original id>         -> shingle count + MinHash signature
                             b<band index><digest>  -> original id
                             d<delivery>            -> decision (redeliveries)
    {ns}:dedup:cluster:{original}  HASH copies, src:<source> -> count

The whole decision for a batch — redelivery, exact match, band candidates, overlap
check, registration, article after article — runs as one script: Redis executes it
atomically, so two workers receiving near-identical copies at the same moment cannot
both register an original, and a batch costs one round trip. (An optimistic WATCH/MULTI
version would need two round trips and retries under contention; datasketch's Redis
storage issues a command per band.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import redis.asyncio as redis

from streams.dedup import BAND_BYTES, DedupDecision, Fingerprint, pack_entry
from streams.store.dedup import Cluster, DedupRequest, decode_decision

SCRIPT = (Path(__file__).parent / "dedup.lua").read_text(encoding="utf-8")


class RedisDedupStore:
    """Dedup in Redis through one Lua script per batch.

    ``clock`` gives the time that picks the day bucket (workers' clocks only need to
    agree to the day: every live day is searched).
    """

    def __init__(self, client: redis.Redis, namespace: str, threshold: float,
                 ttl_seconds: int, clock: Callable[[], float] = time.time) -> None:
        self.client, self.namespace = client, namespace
        self.threshold, self.ttl_seconds, self.clock = threshold, ttl_seconds, clock
        self._script = client.register_script(SCRIPT)

    async def check_many(self, requests: list[DedupRequest]) -> list[DedupDecision]:
        """Decide a batch in one atomic script call: articles are decided in order, so a
        copy later in the batch sees the original registered earlier in it — the same
        decisions as one call at a time."""
        if not requests:
            return []
        # One Fingerprinter makes every signature in a worker: they share one length.
        signature_bytes = max(len(r.fp.signature) for r in requests)
        args: list[str | bytes | float | int] = [
            self.namespace, self.clock(), self.threshold, self.ttl_seconds, signature_bytes,
            BAND_BYTES]
        for r in requests:
            args += [r.article_id, r.source or "", r.fp.exact, pack_entry(r.article_id, r.fp),
                     r.delivery, b"".join(r.fp.bands)]
        raws = await self._script(args=args)
        return [decode_decision(r.article_id, raw.decode() if isinstance(raw, bytes) else raw)
                for r, raw in zip(requests, raws, strict=True)]

    async def check_and_register(
        self, article_id: str, source: str | None, fp: Fingerprint, delivery: str
    ) -> DedupDecision:
        [decision] = await self.check_many([DedupRequest(article_id, source, fp, delivery)])
        return decision

    async def cluster(self, article_id: str) -> Cluster:
        data = await self.client.hgetall(f"{self.namespace}:dedup:cluster:{article_id}")
        fields = {k.decode(): int(v) for k, v in data.items()}
        return Cluster(article_id, fields.pop("copies", 0),
                       {k.removeprefix("src:"): v for k, v in fields.items()})
