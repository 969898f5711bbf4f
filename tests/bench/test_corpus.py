"""The benchmark corpus is reproducible and has the shape it is asked for."""

from __future__ import annotations

import orjson
import pytest
import yaml

from bench.corpus import (
    MAX_WORDS,
    MIN_WORDS,
    CorpusSpec,
    generate,
    vocabulary,
    word_count,
    write,
)


def test_same_seed_same_bytes_other_seed_other_bytes():
    spec = CorpusSpec(n=40, copies=0.5, seed=11)
    first, second = generate(spec), generate(spec)
    assert first.jsonl() == second.jsonl()
    assert first.watchlist_yaml() == second.watchlist_yaml()
    assert generate(CorpusSpec(n=40, copies=0.5, seed=12)).jsonl() != first.jsonl()


@pytest.mark.parametrize("copies", [0.0, 0.25, 0.5])
def test_n_copy_share_and_word_bounds(copies):
    corpus = generate(CorpusSpec(n=60, copies=copies, seed=3))
    ids = [a["id"] for a in corpus.articles]
    assert len(ids) == 60 == len(set(ids))
    assert len(corpus.copy_of) == round(60 * copies)
    position = {article_id: i for i, article_id in enumerate(ids)}
    for copy_id, original_id in corpus.copy_of.items():
        assert position[original_id] < position[copy_id]
        assert original_id not in corpus.copy_of
    for article in corpus.articles:
        assert MIN_WORDS <= word_count(article["body"]) <= MAX_WORDS, article["id"]
        assert set(article) == {"id", "title", "body", "source", "published_at"}


def _fix_typos(text: str) -> str:
    for typo in vocabulary()["typos"]:
        text = text.replace(typo["wrong"], typo["right"])
    return text


def test_copies_are_the_original_body_under_a_new_headline_source_and_footer():
    corpus = generate(CorpusSpec(n=60, copies=0.5, seed=5))
    by_id = {a["id"]: a for a in corpus.articles}
    for copy_id, original_id in corpus.copy_of.items():
        copy, original = by_id[copy_id], by_id[original_id]
        assert copy["title"] != original["title"]
        assert copy["source"] != original["source"]
        assert copy["body"] != original["body"]
        kept = copy["body"].split("\n\n")[1:3]
        assert [_fix_typos(p) for p in kept] == [
            _fix_typos(p) for p in original["body"].split("\n\n")[1:3]]


def test_watched_share_mentions_watchlist_names(tmp_path):
    corpus = generate(CorpusSpec(n=50, watched=0.4, watchlist_size=6, seed=9))
    names = [n for e in corpus.watchlist for n in (e["name"], *e["aliases"])]
    mentioning = [a for a in corpus.articles if any(n in a["body"] for n in names)]
    assert 0.2 * 50 <= len(mentioning) <= 0.6 * 50
    unwatched = generate(CorpusSpec(n=50, watched=0.0, watchlist_size=6, seed=9))
    assert not any(n in a["body"] for a in unwatched.articles for n in names)
    articles, watchlist = write(corpus, tmp_path)
    assert [orjson.loads(line) for line in articles.read_bytes().splitlines()] == corpus.articles
    assert len(yaml.safe_load(watchlist.read_text())["entities"]) == 6
