"""CPU an article of the spaCy work, split the old way and the new, in one process.

    python bench/stage_cost.py --n 100 --rounds 3

Before: the spaCy process ran the ruler and ``ner`` and handed over entity spans; the
worker tokenised each article again, ran ``senter`` and paragraph breaks on a doc
carrying the spans, read the mentions and resolved them. Now: the spaCy process runs
the annotator (``senter``, paragraph breaks, ruler, ``ner``) and reads the mentions;
the worker resolves them and builds a doc only for an article with a watched entity
(claims read it). Both ways take turns, round by round, so that the host's drift does
not favour one; each figure is the median over the rounds of ``process_time``.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/stage_cost.py` puts bench/, not the root, on the path
    sys.path.insert(0, str(ROOT))

from bench.corpus import unique_in_process  # noqa: E402
from bench.report import CpuRounds  # noqa: E402


def _round_trip(value: Any) -> Any:
    """What crossing from the spaCy process to the worker costs (both sides)."""
    return pickle.loads(pickle.dumps(value))


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="articles")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="auto")
    args = parser.parse_args(argv)

    from streams.analyse import analyse_batch
    from streams.nlp import (
        add_sentences,
        annotate_texts,
        annotated_doc,
        build_annotator,
        build_pipeline,
        build_sentencer,
        extract_mentions,
        find_entities,
        load_model,
    )
    from streams.resolve import Resolver

    articles, watchlist = unique_in_process(args.n)
    texts = [a.text for a in articles]
    bare = load_model(args.model)
    bare.select_pipes(enable=["ner"])
    entities, annotator = build_pipeline(args.model, watchlist), build_annotator(args.model,
                                                                                 watchlist)
    sentencer, full, resolver = build_sentencer(args.model), load_model(args.model), \
        Resolver(watchlist)
    for nlp in (bare, entities, annotator, sentencer, full):
        list(nlp.pipe(texts[:8]))  # warm caches

    def old_worker(found: list) -> list:
        docs = add_sentences(sentencer, texts, found, 32)
        return [resolver.resolve(extract_mentions(doc)) for doc in docs]

    def new_worker(annotations: list) -> list:
        return [annotated_doc(full, a.article.text, a.annotation)
                for a in analyse_batch(resolver, articles, annotations)
                if any(e.watched for e in a.entities)]

    rounds = CpuRounds(args.n)
    timed = rounds.timed
    for _ in range(args.rounds):
        timed("bare NER", lambda: list(bare.pipe(texts, batch_size=32)))
        found = timed("before: spaCy process (ruler + ner)",
                      lambda: find_entities(entities, texts, 32))
        found = timed("before: hand-over (pickle of the spans)", _round_trip, found)
        timed("before: worker (tokenise, senter, paragraphs, mentions, resolution)",
              old_worker, found)
        annotations = timed("after: spaCy process (annotator + mentions)",
                            lambda: annotate_texts(annotator, texts, 32))
        annotations = timed("after: hand-over (pickle of the annotations)", _round_trip,
                            annotations)
        timed("after: worker (resolution, doc of an article with a watched entity)",
              new_worker, annotations)
    return rounds.report()


if __name__ == "__main__":
    main()
