"""Claim extraction: precision/recall on the labelled set and cost per sentence parsed.

    python bench/claims_bench.py [--rounds 3]

The articles arrive NER-only (as the extract agent runs ``nlp.pipe`` without the
parser); the extractor parses only the sentences that mention the target or refer back
to it. Cost = extractor wall time (parse + match + normalise) / sentences parsed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.claims_set import LABELLED, spans  # noqa: E402
from streams.claims import ClaimExtractor  # noqa: E402


@click.command()
@click.option("--rounds", default=3, show_default=True, help="timed passes over the set")
def main(rounds: int) -> None:
    rows = [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines() if line]
    ex = ClaimExtractor()
    with ex.nlp.select_pipes(disable=["parser"]):
        docs = list(ex.nlp.pipe(r["text"] for r in rows))
    args = [(spans(r["text"], [r["target"], *r["aliases"]]), spans(r["text"], r["others"]),
             r["published_at"], r["target"]) for r in rows]
    by_split: dict[str, list[int]] = {}
    for row, doc, (t, o, p, name) in zip(rows, docs, args, strict=True):
        got = {(c.attribute, c.value) for c in ex.extract(doc, t, o, p, name)}
        want = {(c["attribute"], c["value"]) for c in row["claims"]}
        for split in (row.get("split", "all"), "all"):
            counts = by_split.setdefault(split, [0, 0, 0, 0])
            counts[0] += 1
            counts[1] += len(got & want)
            counts[2] += len(got - want)
            counts[3] += len(want - got)
    for split, (n, tp, fp, fn) in by_split.items():
        click.echo(f"{split:8} sentences {n:4}  precision {tp / (tp + fp):.3f}  "
                   f"recall {tp / (tp + fn):.3f}  (tp {tp}, fp {fp}, fn {fn})")
    timings = []
    for _ in range(rounds):
        fresh = ClaimExtractor(nlp=ex.nlp)
        start = time.perf_counter()
        for doc, (t, o, p, name) in zip(docs, args, strict=True):
            fresh.extract(doc, t, o, p, name)
        timings.append((time.perf_counter() - start) / fresh.sentences_parsed)
    click.echo(f"cost per sentence parsed: {min(timings) * 1000:.2f} ms (best of {rounds}; "
               f"{fresh.sentences_parsed} sentences)")


if __name__ == "__main__":
    main()
