"""Dedup state behind one interface: the protocol, the decision codec, and the in-memory
twin. The Redis implementation (``agents.redis.dedup``) makes the same decisions in one
atomic Lua script per batch; its key layout is described there.

A day is a number and a cluster lives under ``cluster:``, so no article id reaches a
day's hash; the decision ``original \x1f similarity \x1f kind`` is split from the
right, so an original id may hold any character.

Only originals are registered, so every duplicate points at an original, never at a
copy of a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from streams.dedup import DedupDecision, Fingerprint, overlap, pack_entry, unpack_entry

_SEP = "\x1f"


@dataclass(frozen=True)
class Cluster:
    """An original and the copies seen of it: corroboration."""

    original: str
    copies: int
    sources: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DedupRequest:
    """One article to check: its id, source, fingerprint and the key of what was delivered
    (a redelivery of the same key gets the same decision)."""

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


def band_fields(fp: Fingerprint) -> list[bytes]:
    return [bytes([i]) + digest for i, digest in enumerate(fp.bands)]


def decode_decision(article_id: str, raw: str) -> DedupDecision:
    """A decision as the Lua script returns it: empty, or original, similarity and kind."""
    if not raw:
        return DedupDecision(article_id, None, 0.0, None)
    # Split from the right: the original id comes first and may itself hold _SEP.
    original, similarity, kind = raw.rsplit(_SEP, 2)
    return DedupDecision(article_id, original, float(similarity), kind)  # type: ignore[arg-type]


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
            for band in band_fields(fp):
                self._bands.setdefault(band, article_id)
        self._deliveries[delivery] = decision
        return decision

    def _decide(self, article_id: str, fp: Fingerprint) -> DedupDecision:
        if fp.exact in self._exact:
            return DedupDecision(article_id, self._exact[fp.exact], 1.0, "exact")
        best, best_id = 0.0, None
        for candidate in dict.fromkeys(self._bands[b] for b in band_fields(fp)
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
