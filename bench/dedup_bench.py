"""Dedup alone: throughput, the cost of a copy against the cost of a new article, and
Redis bytes per registered article — measured side by side in one run.

A new article pays normalise + fingerprint + its share of a batch's Redis script +
spaCy NER; a copy pays only the first three and leaves. Both are measured as the
ingest agent runs them, ``batch_size`` articles per script call: first the originals
are registered, then the copies are checked against them. The ratio of the two is what
"copies cost almost nothing" means in numbers.

    python bench/dedup_bench.py --n 2000 --markdown BENCHMARKS-dedup.md
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path

import redis.asyncio as redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.redis.dedup import RedisDedupStore  # noqa: E402
from bench.corpus import CorpusSpec, generate  # noqa: E402
from bench.report import machine  # noqa: E402
from bench.run import bare_ner  # noqa: E402
from streams.dedup import Fingerprinter  # noqa: E402
from streams.normalize import normalize  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.store.dedup import DedupRequest  # noqa: E402


def _request(fingerprinter: Fingerprinter, article: dict, delivery: str) -> DedupRequest:
    fp = fingerprinter.fingerprint(normalize(article["body"]))
    return DedupRequest(article["id"], article.get("source"), fp, delivery)


async def one_by_one(store: RedisDedupStore, fingerprinter: Fingerprinter,
                     articles: list[dict]) -> float:
    """One Redis round trip per article. Wall time."""
    started = time.perf_counter()
    for i, article in enumerate(articles):
        await store.check_many([_request(fingerprinter, article, f"bench:0:{i}")])
    return time.perf_counter() - started


async def batched(store: RedisDedupStore, fingerprinter: Fingerprinter,
                  articles: list[dict], batch: int, tag: str) -> tuple[float, int]:
    """As the ingest agent does it: normalise, fingerprint and decide ``batch`` articles
    per Redis round trip. Wall time and the number of duplicates found."""
    started, duplicates = time.perf_counter(), 0
    for start in range(0, len(articles), batch):
        decisions = await store.check_many([
            _request(fingerprinter, a, f"bench:{tag}:{start + i}")
            for i, a in enumerate(articles[start:start + batch])])
        duplicates += sum(d.is_duplicate for d in decisions)
    return time.perf_counter() - started, duplicates


async def redis_bytes(client: redis.Redis, namespace: str) -> int:
    total = 0
    async for key in client.scan_iter(match=f"{namespace}:*", count=1000):
        total += await client.memory_usage(key, samples=0) or 0
    return total


async def measure(args: argparse.Namespace) -> dict[str, float]:
    settings = Settings()
    corpus = generate(CorpusSpec(n=args.n, copies=args.copies, seed=args.seed))
    originals = [a for a in corpus.articles if a["id"] not in corpus.copy_of]
    copies = [a for a in corpus.articles if a["id"] in corpus.copy_of]
    client = redis.Redis.from_url(args.redis)
    root = f"wwbench:{uuid.uuid4().hex[:8]}"
    fingerprinter = Fingerprinter(settings.dedup_num_perm, settings.dedup_bands,
                                  settings.dedup_shingle, settings.dedup_single_bands)

    def store(name: str) -> RedisDedupStore:
        return RedisDedupStore(client, f"{root}:{name}", settings.dedup_threshold,
                               int(settings.retention_days * 86400))

    try:
        # The corpus as it arrives (copies among originals), in the agent's batches.
        mixed_wall, _ = await batched(store("mixed"), fingerprinter, corpus.articles,
                                      settings.batch_size, "mixed")
        single_wall = await one_by_one(store("single"), fingerprinter, corpus.articles)
        # Cost split: register the originals, then check the copies against them.
        split = store("split")
        originals_wall, _ = await batched(split, fingerprinter, originals,
                                          settings.batch_size, "orig")
        copies_wall, found = await batched(split, fingerprinter, copies,
                                           settings.batch_size, "copy")
        used = await redis_bytes(client, f"{root}:split")
    finally:
        keys = [k async for k in client.scan_iter(match=f"{root}:*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()

    nlp = bare_ner(settings.model)  # the reference of bench/run.py
    texts = [normalize(a["body"]) for a in originals]
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size):
        pass
    ner = (time.perf_counter() - t0) / len(texts)

    copy_cost = copies_wall / max(len(copies), 1)
    original_cost = originals_wall / len(originals)
    return {
        "articles": len(corpus.articles), "copies": len(copies), "copies_found": found,
        "throughput": len(corpus.articles) / single_wall,
        "batched_throughput": len(corpus.articles) / mixed_wall,
        "batch": settings.batch_size,
        "copy_ms": copy_cost * 1000, "original_dedup_ms": original_cost * 1000,
        "ner_ms": ner * 1000, "new_ms": (original_cost + ner) * 1000,
        "ratio": (original_cost + ner) / copy_cost,
        "bytes_per_article": used / len(originals),
    }


def markdown(figures: dict[str, float], command: str) -> str:
    m = machine()
    return "\n".join([
        "## Deduplication", "",
        f"Command: `{command}`  ",
        f"Machine: {m['cpu']}, {m['cores']} cores; Redis on loopback; one process, one core.",
        f"Corpus: {figures['articles']:.0f} generated wire articles (400-800 words), "
        f"{figures['copies']:.0f} of them syndicated copies.", "",
        "| measure | value | goal |", "|---|---|---|",
        f"| dedup throughput, {figures['batch']:.0f} checks per round trip (as `ingest` runs) | "
        f"{figures['batched_throughput']:,.0f} articles/s | >= 2,000 |",
        f"| dedup throughput, one Redis round trip per article | "
        f"{figures['throughput']:,.0f} articles/s | |",
        f"| cost of a copy, batched ({figures['copies_found']:.0f} of "
        f"{figures['copies']:.0f} copies found) | {figures['copy_ms']:.2f} ms | |",
        f"| cost of a new article (dedup {figures['original_dedup_ms']:.2f} ms + spaCy NER "
        f"{figures['ner_ms']:.1f} ms) | {figures['new_ms']:.1f} ms | |",
        f"| new article / copy | {figures['ratio']:.0f}x | >= 100x |",
        f"| Redis per registered article | {figures['bytes_per_article']:,.0f} bytes | < 2 KB |",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--copies", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    figures = asyncio.run(measure(args))
    for name, value in figures.items():
        print(f"{name:>20}: {value:,.3f}")
    if args.markdown:
        command = "python bench/dedup_bench.py " + " ".join(sys.argv[1:])
        args.markdown.write_text(markdown(figures, command), encoding="utf-8")


if __name__ == "__main__":
    main()
