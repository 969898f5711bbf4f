"""Dedup state: one atomic check-and-register per article, in Redis or in memory.

Redis layout: one hash per day, so that expiry costs nothing per article (Redis 7.0 has
no per-field TTL; a day expires whole, ``retention`` after it ends)::

    {ns}:dedup:{day}   HASH  x<exact hash>          -> original id
                             e<original id>         -> shingle count + MinHash signature
                             b<band index><digest>  -> original id
                             d<topic:partition:offset> -> decision (redeliveries)
    {ns}:dedup:cluster:{original}  HASH copies, src:<source> -> count

A day is a number and a cluster lives under ``cluster:``, so no article id reaches a
day's hash; the decision ``original \x1f similarity \x1f kind`` is split from the
right, so an original id may hold any character.

Only originals are registered, so every duplicate points at an original, never at a
copy of a copy. The whole decision for a batch — redelivery, exact match, band
candidates, overlap check, registration, article after article — runs as one Lua
script: Redis executes it atomically, so two workers receiving near-identical copies at
the same moment cannot both register an original, and a batch costs one round trip and
one HMGET per live day per article. (An optimistic WATCH/MULTI version would need two
round trips and retries under contention; datasketch's Redis storage issues a command
per band.)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import redis.asyncio as redis

from streams.dedup import BAND_BYTES, DedupDecision, Fingerprint, overlap, pack_entry, unpack_entry

_SEP = "\x1f"
SCRIPT = (Path(__file__).with_suffix(".lua")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Cluster:
    """An original and the copies seen of it: corroboration."""

    original: str
    copies: int
    sources: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DedupRequest:
    """One article to check: its id, source, fingerprint and Kafka delivery coordinate."""

    article_id: str
    source: str | None
    fp: Fingerprint
    delivery: str


class DedupStore(Protocol):
    """Check articles against what was seen, and register the originals."""

    async def check_many(self, requests: list[DedupRequest]) -> list[DedupDecision]: ...

    async def check_and_register(
        self, article_id: str, source: str | None, fp: Fingerprint, delivery: str
    ) -> DedupDecision: ...

    async def cluster(self, article_id: str) -> Cluster: ...


def _band_fields(fp: Fingerprint) -> list[bytes]:
    return [bytes([i]) + digest for i, digest in enumerate(fp.bands)]


def _decision(article_id: str, raw: str) -> DedupDecision:
    if not raw:
        return DedupDecision(article_id, None, 0.0, None)
    # Split from the right: the original id comes first and may itself hold _SEP.
    original, similarity, kind = raw.rsplit(_SEP, 2)
    return DedupDecision(article_id, original, float(similarity), kind)  # type: ignore[arg-type]


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
        return [_decision(r.article_id, raw.decode() if isinstance(raw, bytes) else raw)
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


class MemoryDedupStore:
    """The in-memory twin: the same decisions, for unit tests (no expiry)."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._exact: dict[str, str] = {}
        self._entries: dict[str, bytes] = {}
        self._bands: dict[bytes, str] = {}
        self._deliveries: dict[str, DedupDecision] = {}
        self._clusters: dict[str, Cluster] = {}

    async def check_many(self, requests: list[DedupRequest]) -> list[DedupDecision]:
        return [await self.check_and_register(r.article_id, r.source, r.fp, r.delivery)
                for r in requests]

    async def check_and_register(
        self, article_id: str, source: str | None, fp: Fingerprint, delivery: str
    ) -> DedupDecision:
        if delivery in self._deliveries:
            return self._deliveries[delivery]
        decision = self._decide(article_id, fp)
        if decision.is_duplicate:
            old = self._clusters.get(decision.duplicate_of) or Cluster(decision.duplicate_of, 0)
            sources = dict(old.sources)
            if source:
                sources[source] = sources.get(source, 0) + 1
            self._clusters[old.original] = Cluster(old.original, old.copies + 1, sources)
        else:
            self._exact[fp.exact] = article_id
            self._entries[article_id] = pack_entry(article_id, fp)
            for band in _band_fields(fp):
                self._bands.setdefault(band, article_id)
        self._deliveries[delivery] = decision
        return decision

    def _decide(self, article_id: str, fp: Fingerprint) -> DedupDecision:
        if fp.exact in self._exact:
            return DedupDecision(article_id, self._exact[fp.exact], 1.0, "exact")
        best, best_id = 0.0, None
        for candidate in dict.fromkeys(self._bands[b] for b in _band_fields(fp)
                                       if b in self._bands):
            size, signature, _ = unpack_entry(self._entries[candidate], len(fp.signature))
            score = overlap(fp.signature, fp.shingles, signature, size)
            if score > best:
                best, best_id = score, candidate
        if best_id is not None and best >= self.threshold:
            return DedupDecision(article_id, best_id, round(best, 4), "near")
        return DedupDecision(article_id, None, 0.0, None)

    async def cluster(self, article_id: str) -> Cluster:
        return self._clusters.get(article_id) or Cluster(article_id, 0)
