"""Mentions of watched people on real wire copy: which (article, person) pairs of the
gold the entity pipeline and the resolver recognise.

A watched person missed in an article loses every claim the article makes about them,
so this is the ceiling of claim recall. Each article's normalised body goes through the
entity pipeline (watchlist ruler + NER), the sentencer, mention extraction and the
resolver, as the extract stage runs them. A pair is recognised when the resolver gives
the article an entity with that watched id. Watched entities found in an article the
gold records no claim of are listed too: some are names without a claim, the rest are
false links.

    python bench/real_mentions.py [CORPUS_DIR] [--misses]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.nlp import annotate, build_pipeline, build_sentencer, extract_mentions  # noqa: E402
from streams.normalize import normalize  # noqa: E402
from streams.resolve import Resolver  # noqa: E402
from streams.text import entity_id  # noqa: E402
from streams.watchlist import load_watchlist  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "real-wire"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--misses", action="store_true",
                        help="list every missed pair with the surface forms found nearby")
    args = parser.parse_args()

    articles = [orjson.loads(line) for line in
                (args.corpus / "articles.jsonl").read_bytes().splitlines() if line.strip()]
    gold = yaml.safe_load((args.corpus / "gold.yaml").read_text(encoding="utf-8"))
    watchlist = load_watchlist(args.corpus / "watchlist.yaml")
    expected = {(c["article"], entity_id(c["entity"])) for c in gold["claims"]}

    nlp, sentencer = build_pipeline(args.model, watchlist), build_sentencer(args.model)
    resolver = Resolver(watchlist)
    texts = [normalize(a["body"]) for a in articles]
    found: set[tuple[str, str]] = set()
    forms: dict[tuple[str, str], tuple[str, ...]] = {}
    persons: dict[str, list[str]] = {}
    for article, doc in zip(articles, annotate(nlp, sentencer, texts), strict=True):
        entities = resolver.resolve(extract_mentions(doc))
        for e in entities:
            if e.watched:
                found.add((article["id"], e.id))
                forms[(article["id"], e.id)] = e.surface_forms
        persons[article["id"]] = [f"{e.name} {list(e.surface_forms)}" for e in entities
                                  if e.label == "PERSON" and not e.watched]

    hit = expected & found
    extra = sorted(found - expected)
    print(f"watched (article, person) pairs in the gold: {len(expected)}; "
          f"recognised: {len(hit)} (recall {len(hit) / len(expected):.3f})")
    print(f"watched entities found without a gold claim: {len(extra)}")
    for pair in extra:
        print(f"  {pair[0]}: {pair[1]} {list(forms[pair])}")
    if args.misses:
        for article_id, person in sorted(expected - found):
            print(f"  missed {article_id}: {person}; unwatched people: "
                  f"{'; '.join(persons[article_id]) or '-'}")


if __name__ == "__main__":
    main()
