"""A seeded corpus of wire-like articles for the benchmarks, with syndicated copies and
mentions of watched entities.

Throughput of a dedup-then-NLP pipeline depends on what the input looks like: article
length (spaCy cost grows with tokens), the share of copies (they should leave before
NLP) and the share of articles about watched entities (they cost claims and profile
work). The generator lets each be chosen, and the same seed always gives the same bytes,
so two runs or two machines measure the same input.

Copies are what wires really re-send: the same body under a new headline, with a new
dateline agency and byline, a share footer, and either a typo fixed or the last
paragraph cut. Every name is fictional (``bench/data/vocab.yaml``).

CLI: ``python bench/corpus.py --n 400 --copies 0.5 --out DIR`` writes
``DIR/articles.jsonl`` and ``DIR/watchlist.yaml``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import yaml

VOCAB = Path(__file__).resolve().parent / "data" / "vocab.yaml"
MIN_WORDS, MAX_WORDS = 400, 800
EPOCH = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
_SLOT = re.compile(r"\{(\w+)\}")


@cache
def vocabulary() -> dict[str, Any]:
    """The vocabulary and templates, read once."""
    return yaml.safe_load(VOCAB.read_text(encoding="utf-8"))


def word_count(text: str) -> int:
    """Whitespace-separated words, the unit of the 400–800 word bounds."""
    return len(text.split())


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate. ``copies`` and ``watched`` are shares of the N articles."""

    n: int
    copies: float = 0.0
    watched: float = 0.2
    watchlist_size: int = 20
    seed: int = 7
    id_prefix: str = "bench"
    stream: int = 0
    """Another ``stream`` gives other articles with the same watchlist (warm-up input)."""

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError("n must be at least 1")
        if not (0.0 <= self.copies < 1.0 and 0.0 <= self.watched <= 1.0):
            raise ValueError("copies must be in [0, 1) and watched in [0, 1]")

    @property
    def n_copies(self) -> int:
        """How many of the N articles are copies (the first is always an original)."""
        return min(round(self.copies * self.n), self.n - 1)


@dataclass
class Corpus:
    """Articles in publishing order, the watchlist, and which article copies which."""

    spec: CorpusSpec
    articles: list[dict[str, Any]]
    watchlist: list[dict[str, Any]]
    copy_of: dict[str, str] = field(default_factory=dict)

    def jsonl(self) -> bytes:
        """One Article per line, keys sorted: the exact bytes a seed stands for."""
        return b"".join(orjson.dumps(a, option=orjson.OPT_SORT_KEYS) + b"\n"
                        for a in self.articles)

    def watchlist_yaml(self) -> str:
        return yaml.safe_dump({"entities": self.watchlist}, sort_keys=False, allow_unicode=True)


class _Writer:
    """Fills templates from the vocabulary with one seeded random source."""

    def __init__(self, rng: random.Random, people: Sequence[str]) -> None:
        self.rng, self.people, self.v = rng, people, vocabulary()

    def fill(self, template: str, **fixed: str) -> str:
        v, r = self.v, self.rng
        pools = {
            "person": self.people, "person2": self.people, "place": v["places"],
            "place2": v["places"], "org": v["organisations"], "group": v["groups"],
            "agency": v["agencies"], "ministry": v["ministries"], "role": v["roles"],
            "weekday": v["weekdays"], "month": v["months"],
        }

        def slot(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in fixed:
                return fixed[name]
            if name == "day":
                return str(r.randint(1, 28))
            if name in ("number", "number2"):
                return str(r.randint(3, 90))
            return r.choice(pools[name])

        text = _SLOT.sub(slot, template)
        return text[0].upper() + text[1:]

    def sentences(self, templates: Sequence[str], k: int, **fixed: str) -> list[str]:
        return [self.fill(self.rng.choice(templates), **fixed) for _ in range(k)]


def _watchlist(rng: random.Random, size: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Watched entities (with one alias spelling each) and the names left for others."""
    v = vocabulary()
    names = [f"{f} {last}" for f, last in itertools.product(v["first_names"], v["last_names"])]
    rng.shuffle(names)
    entities = []
    for name in names[:size]:
        first, last = name.split(" ", 1)
        alias = f"{first[:-1]}{first[-1] * 2} {last}" if len(first) > 3 else f"{first} {last}e"
        entities.append({"name": name, "aliases": [alias], "kind": rng.choice(v["watched_kinds"])})
    return entities, names[size:]


def _original(w: _Writer, watched: list[dict[str, Any]], agency: str, when: datetime
              ) -> tuple[str, str, dict[str, str]]:
    """Headline, body and the typo it carries, sized within the word bounds.

    Sentences are added one at a time up to a target well inside the bounds, so that a
    copy (footer added, or last paragraph cut) stays inside them too.
    """
    v, r = w.v, w.rng
    typo = r.choice(v["typos"])
    target = r.randint(MIN_WORDS + 80, MAX_WORDS - 120)
    place = r.choice(v["places"])
    dateline = f"{place.upper()}, {v['months'][when.month - 1]} {when.day} ({agency}) - "
    sentences = [w.fill(typo["sentence"], word=typo["wrong"])]
    for entity in watched:
        names = [entity["name"], *entity["aliases"]]
        sentences += [w.fill(r.choice(v["watched"]), watched=r.choice(names))
                      for _ in range(r.randint(1, 3))]
    lead = dateline + w.fill(r.choice(v["leads"]), place=place)
    words = word_count(lead) + sum(map(word_count, sentences))
    while words < target:
        sentences.append(w.fill(r.choice(v["body"])))
        words += word_count(sentences[-1])
    r.shuffle(sentences)
    paragraphs = [lead]
    while sentences:
        k = r.randint(2, 3)
        paragraphs.append(" ".join(sentences[:k]))
        sentences = sentences[k:]
    byline = w.fill(r.choice(v["bylines"]), agency=agency)
    body = "\n\n".join([*paragraphs, byline]) + "\n"
    return w.fill(r.choice(v["headlines"])), body, typo


def _copy(w: _Writer, original: dict[str, Any], typo: dict[str, str], agency: str) -> dict:
    """A syndicated copy: new headline, dateline agency and byline, footer, one edit."""
    v, r = w.v, w.rng
    paragraphs = original["body"].rstrip("\n").split("\n\n")
    text, byline = paragraphs[:-1], w.fill(r.choice(v["bylines"]), agency=agency)
    text[0] = text[0].replace(f"({original['source']})", f"({agency})", 1)
    cut = text[:-1]
    if len(cut) > 1 and word_count("\n\n".join(cut)) >= MIN_WORDS + 10 and r.random() < 0.5:
        text = cut
    else:
        text = [p.replace(typo["wrong"], typo["right"]) for p in text]
    footer = w.fill(r.choice(v["footers"]), agency=agency)
    headline = w.fill(r.choice(v["copy_headlines"]), headline=original["title"])
    return {"title": headline, "body": "\n\n".join([*text, byline, footer]) + "\n",
            "source": agency}


def generate(spec: CorpusSpec) -> Corpus:
    """The corpus a spec and its seed stand for (same spec, same bytes)."""
    rng = random.Random(f"{spec.seed}:{spec.stream}" if spec.stream else spec.seed)
    watchlist, people = _watchlist(random.Random(spec.seed * 7919 + 1), spec.watchlist_size)
    w = _Writer(rng, people)
    copy_slots = set(rng.sample(range(1, spec.n), spec.n_copies)) if spec.n_copies else set()
    originals: list[tuple[dict[str, Any], dict[str, str]]] = []
    corpus = Corpus(spec, [], watchlist)
    for i in range(spec.n):
        when = EPOCH + timedelta(seconds=90 * i)
        agency = rng.choice(w.v["agencies"])
        article = {"id": f"{spec.id_prefix}-{spec.seed}-{i:06d}",
                   "published_at": when.isoformat().replace("+00:00", "Z")}
        if i in copy_slots:
            source, typo = rng.choice(originals)
            while agency == source["source"]:
                agency = rng.choice(w.v["agencies"])
            article.update(_copy(w, source, typo, agency))
            corpus.copy_of[article["id"]] = source["id"]
        else:
            watched = (rng.sample(watchlist, rng.randint(1, min(2, len(watchlist))))
                       if watchlist and rng.random() < spec.watched else [])
            title, body, typo = _original(w, watched, agency, when)
            article.update(title=title, body=body, source=agency)
            originals.append((article, typo))
        corpus.articles.append(article)
    return corpus


def write(corpus: Corpus, out_dir: Path) -> tuple[Path, Path]:
    """Write ``articles.jsonl`` and ``watchlist.yaml`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    articles, watchlist = out_dir / "articles.jsonl", out_dir / "watchlist.yaml"
    articles.write_bytes(corpus.jsonl())
    watchlist.write_text(corpus.watchlist_yaml(), encoding="utf-8")
    return articles, watchlist


def unique_in_process(n: int, seed: int = 7) -> tuple[list[Any], Any]:
    """The unique corpus (no copies, a fifth watched) as the ``UniqueArticle``s ``extract``
    receives, with its watchlist: what the in-process stage benches run on."""
    import tempfile

    from schemas import UniqueArticle
    from streams.normalize import normalize
    from streams.watchlist import load_watchlist

    corpus = generate(CorpusSpec(n=n, copies=0.0, watched=0.2, watchlist_size=20, seed=seed))
    _, watchlist_path = write(corpus, Path(tempfile.mkdtemp(prefix="wirewatch-bench-")))
    articles = [UniqueArticle(id=a["id"], text=normalize(a["body"]), title=a.get("title"),
                              source=a["source"], url=a.get("url"),
                              published_at=a.get("published_at")) for a in corpus.articles]
    return articles, load_watchlist(watchlist_path)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--copies", type=float, default=0.0, help="share of copies, 0..1")
    parser.add_argument("--watched", type=float, default=0.2,
                        help="share of originals mentioning watched entities")
    parser.add_argument("--watchlist-size", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    spec = CorpusSpec(n=args.n, copies=args.copies, watched=args.watched,
                      watchlist_size=args.watchlist_size, seed=args.seed)
    articles, watchlist = write(generate(spec), args.out)
    print(f"{spec.n} articles ({spec.n_copies} copies) -> {articles}; watchlist -> {watchlist}")


if __name__ == "__main__":
    main()
