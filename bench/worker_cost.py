"""CPU an article of the worker process's own spaCy-side work, by part, in one process.

    python bench/worker_cost.py --n 200 --rounds 5 [--profile FILE]

The unique corpus (``bench/corpus.py``, seed 7) is annotated once, as a worker's spaCy
processes would; then, round by round, the worker's parts run over it in batches of
``--batch`` articles: resolution (``analyse_batch``) and the claims of the articles with
a watched entity (``watched_events``), the way before — one call an article, so one
``nlp.pipe`` call for each watched entity — and now, one call a batch. Before and now
take turns within each round, so that the host's drift favours neither, and each starts
with an empty parse LRU, as a worker meets new articles. Each figure is the median over
the rounds of ``process_time``, per article of the corpus. The registry and the sends
are not here (they need Redis and a broker).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # running the file puts bench/, not the root, on the path
    sys.path.insert(0, str(ROOT))

from bench.corpus import unique_in_process  # noqa: E402
from bench.report import CpuRounds  # noqa: E402


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=32, help="articles a batch")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--profile", type=Path, help="cProfile of one round of now, to FILE")
    args = parser.parse_args(argv)

    from streams.analyse import analyse_batch, watched_events
    from streams.claims import ClaimExtractor
    from streams.nlp import annotate_texts, build_annotator, load_model
    from streams.resolve import Resolver

    articles, watchlist = unique_in_process(args.n)
    annotations = annotate_texts(build_annotator(args.model, watchlist),
                                 [a.text for a in articles], args.batch)
    full, resolver = load_model(args.model), Resolver(watchlist)
    batches = [slice(i, i + args.batch) for i in range(0, len(articles), args.batch)]

    def resolution() -> list:
        return [a for b in batches for a in analyse_batch(resolver, articles[b], annotations[b])]

    analyses = resolution()
    watched = sum(any(e.watched for e in a.entities) for a in analyses)

    def claims_before() -> list:
        extractor = ClaimExtractor(nlp=full)
        return [events for a in analyses for events in watched_events([a], extractor)]

    def claims_now() -> list:
        extractor = ClaimExtractor(nlp=full)
        return [events for b in batches for events in watched_events(analyses[b], extractor)]

    if claims_before() != claims_now():  # also warms the model's caches
        raise SystemExit("the claims differ between the two ways: the figures mean nothing")
    rounds = CpuRounds(args.n)
    timed = rounds.timed
    for _ in range(args.rounds):
        timed("resolution (analyse_batch)", resolution)
        timed("claims before: one watched_events call an article", claims_before)
        timed(f"claims now: one watched_events call a batch of {args.batch}", claims_now)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: (resolution(), claims_now()))
        with args.profile.open("w") as out:
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(60)
    print(f"{args.n} articles, {watched} with a watched entity; batches of {args.batch}")
    return rounds.report()


if __name__ == "__main__":
    main()
