"""nlp.pipe throughput: wirewatch's entity pipeline and sentencer vs the full model.

Usage: python bench/nlp_bench.py [--articles 100] [--words 500] [--batch-size 32]

Articles are synthetic (fictional names, random sentence templates, fixed seed), so
runs are comparable. Prints articles/s for each configuration, best of three runs.
"""

from __future__ import annotations

import argparse
import random
import time

from streams.nlp import annotate, build_pipeline, build_sentencer, extract_mentions, load_model
from streams.resolve import Resolver
from streams.watchlist import WatchedEntity, Watchlist

PEOPLE = ["Daniel Orlov", "Danil Orlov", "Mousa Abu Qassem", "Musa Abu Qasem", "Tarek Nasri",
          "Nasri Kamal", "Irina Orlova", "Alexander Petrov", "Aleksandr Varnov", "Yousef Hamdani",
          "Karim Saleh", "Mikhail Bogdal"]
PLACES = ["Moscow", "Doha", "Cairo", "Gaza", "Kyiv", "Geneva", "Ankara", "Amman"]
TITLES = ["Deputy Foreign Minister", "Chairman", "spokesman", "Gen.", "President", ""]
TEMPLATES = [
    "{title} {person} said on {day} that talks in {place} would resume next week.",
    "{person} met officials in {place} and discussed the release of detainees.",
    "According to {person}, the convoy reached {place} shortly after {hour} o'clock.",
    "{surname} told reporters that the ceasefire around {place} was holding.",
    "The ministry in {place} said {count} people had been moved from the area.",
    "Mediators, including {title} {person}, travelled to {place} on {day}.",
    "{person}'s office in {place} declined to comment on the report.",
    "Officials said the agreement could be signed in {place} before the end of the month.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def synthetic_articles(n: int, words: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            person = rng.choice(PEOPLE)
            sentences.append(rng.choice(TEMPLATES).format(
                title=rng.choice(TITLES), person=person, surname=person.split()[-1],
                place=rng.choice(PLACES), day=rng.choice(DAYS), hour=rng.randint(1, 12),
                count=rng.randint(2, 400)).replace("  ", " ").strip())
        out.append(f"{rng.choice(PLACES).upper()} (Wirewatch) - " + " ".join(sentences))
    return out


def best_rate(run, articles: list[str], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run(articles)
        best = min(best, time.perf_counter() - started)
    return len(articles) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    articles = synthetic_articles(args.articles, args.words)
    watchlist = Watchlist.of([WatchedEntity("Daniel Orlov", kind="hostage"),
                              WatchedEntity("Tarek Nasri")])
    full = load_model("auto")
    extract = build_pipeline("auto", watchlist)
    sentencer = build_sentencer("auto")
    resolver = Resolver(watchlist)

    def run_full(texts: list[str]) -> None:
        for _ in full.pipe(texts, batch_size=args.batch_size):
            pass

    def run_extract(texts: list[str]) -> None:
        for _ in extract.pipe(texts, batch_size=args.batch_size):
            pass

    def run_extract_resolve(texts: list[str]) -> None:
        for doc in annotate(extract, sentencer, texts, batch_size=args.batch_size):
            resolver.resolve(extract_mentions(doc))

    words = sum(len(a.split()) for a in articles) / len(articles)
    print(f"{len(articles)} synthetic articles, {words:.0f} words each on average, "
          f"batch size {args.batch_size}")
    rows = [
        (f"full model ({', '.join(full.pipe_names)})", run_full),
        (f"entity pipeline ({', '.join(extract.pipe_names)})", run_extract),
        (f"entity pipeline + sentencer ({', '.join(sentencer.pipe_names)}) + extract_mentions"
         " + resolve, one process", run_extract_resolve),
    ]
    for label, run in rows:
        print(f"{best_rate(run, articles):8.1f} articles/s  {label}")


if __name__ == "__main__":
    main()
