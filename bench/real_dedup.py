"""Dedup on real wire copy: exact shingle overlap of each labelled copy, and what the
fingerprinter and the dedup store decide when the corpus arrives in publication order.

The gold's duplicate pairs are measured exactly (word 5-shingles of the normalised
bodies, as the fingerprinter words them): containment of the shorter text in the longer,
and Jaccard. A pair whose containment is at least ``--must`` (0.45) must be dropped; no
article outside the labelled copies may be. Then every article is fingerprinted and
checked by ``MemoryDedupStore`` (the Redis script's in-memory twin) at the settings'
threshold and LSH shape, and the decisions are scored.

    python bench/real_dedup.py [CORPUS_DIR] [--threshold T] [--num-perm N] [--bands B]
        [--single-bands S]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.dedup import Fingerprinter, word_stream  # noqa: E402
from streams.normalize import normalize  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.store.dedup import MemoryDedupStore  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "real-wire"


def shingles(text: str, size: int) -> set[tuple[str, ...]]:
    """The word ``size``-shingles of normalised text, worded as the fingerprinter does."""
    words = word_stream(text).decode().split()
    return {tuple(words[i:i + size]) for i in range(max(1, len(words) - size + 1))}


def exact_overlap(a: set, b: set) -> tuple[float, float]:
    """(containment of the smaller set in the larger, Jaccard)."""
    common = len(a & b)
    return common / max(1, min(len(a), len(b))), common / max(1, len(a | b))


async def replay(articles: list[dict], texts: dict[str, str], fingerprinter: Fingerprinter,
                 threshold: float) -> dict[str, tuple[str, float]]:
    """Copy id -> (original id, estimated overlap), articles checked in publication order."""
    store = MemoryDedupStore(threshold)
    dropped = {}
    for i, article in enumerate(articles):
        fp = fingerprinter.fingerprint(texts[article["id"]])
        decision = await store.check_and_register(article["id"], article.get("source"), fp,
                                                  f"real:0:{i}")
        if decision.is_duplicate:
            dropped[article["id"]] = (decision.duplicate_of, decision.similarity)
    return dropped


def main() -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--threshold", type=float, default=settings.dedup_threshold)
    parser.add_argument("--num-perm", type=int, default=settings.dedup_num_perm)
    parser.add_argument("--bands", type=int, default=settings.dedup_bands)
    parser.add_argument("--single-bands", type=int, default=settings.dedup_single_bands)
    parser.add_argument("--shingle", type=int, default=settings.dedup_shingle)
    parser.add_argument("--must", type=float, default=0.45,
                        help="exact containment from which a labelled copy must be dropped")
    args = parser.parse_args()

    articles = [orjson.loads(line) for line in
                (args.corpus / "articles.jsonl").read_bytes().splitlines() if line.strip()]
    gold = yaml.safe_load((args.corpus / "gold.yaml").read_text(encoding="utf-8"))
    texts = {a["id"]: normalize(a["body"]) for a in articles}
    sets = {k: shingles(v, args.shingle) for k, v in texts.items()}
    fingerprinter = Fingerprinter(args.num_perm, args.bands, args.shingle, args.single_bands)
    dropped = asyncio.run(replay(articles, texts, fingerprinter, args.threshold))

    print(f"threshold {args.threshold}, {args.num_perm} perms, {args.bands} bands and "
          f"{args.single_bands} single-row bands, "
          f"{args.shingle}-shingles, must drop from containment {args.must}")
    print(f"{'copy':32} {'original':32} {'contain':>7} {'jaccard':>7} {'must':>4}  decision")
    labelled, must, caught = set(), 0, 0
    for pair in gold.get("duplicates") or []:
        copy, original = pair["copy"], pair["original"]
        labelled |= {copy, original}
        contain, jac = exact_overlap(sets[copy], sets[original])
        required = contain >= args.must
        hit = dropped.get(copy) or dropped.get(original)
        must += required
        caught += bool(required and hit)
        shown = f"dropped ({hit[1]:.2f})" if hit else "kept"
        print(f"{copy:32} {original:32} {contain:7.3f} {jac:7.3f} {'yes' if required else '':>4}"
              f"  {shown}")
    false = {k: v for k, v in dropped.items() if k not in labelled}
    print(f"\nrequired copies dropped: {caught} of {must}; "
          f"labelled copies dropped: {sum(k in labelled for k in dropped)}; "
          f"other articles dropped: {len(false)}")
    for copy, (original, score) in sorted(false.items()):
        contain, _ = exact_overlap(sets[copy], sets[original])
        print(f"  false drop {copy} as copy of {original}: estimate {score:.2f}, "
              f"exact containment {contain:.3f}")
    rest = sorted(
        (exact_overlap(sets[a["id"]], sets[b["id"]])[0], a["id"], b["id"])
        for i, a in enumerate(articles) for b in articles[:i]
        if not {a["id"], b["id"]} <= labelled)
    print("highest exact containment among unlabelled pairs: "
          + ", ".join(f"{c:.3f}" for c, _, _ in rest[-3:][::-1]))


if __name__ == "__main__":
    main()
