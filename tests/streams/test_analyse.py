"""Entities found in the spaCy process and sentences added beside it give the same
mentions as one pipeline running both (``ner`` does not look at sentence boundaries)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.nlp import (
    PARAGRAPHS,
    RULER,
    annotate,
    build_pipeline,
    build_sentencer,
    extract_mentions,
    load_model,
    update_watchlist,
)
from streams.watchlist import load_watchlist

pytestmark = pytest.mark.model
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_split_pipelines_find_what_one_pipeline_finds() -> None:
    watchlist = load_watchlist(FIXTURES / "scenario" / "watchlist.yaml")
    lines = (FIXTURES / "scenario" / "orlov.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["body"] for line in lines]
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "entities").glob("*"))]
    one = load_model("auto")
    one.enable_pipe("senter")
    one.select_pipes(enable=["senter", "ner"])
    one.add_pipe(PARAGRAPHS, after="senter")
    one.add_pipe(RULER, before="ner")
    update_watchlist(one, watchlist)

    split = annotate(build_pipeline("auto", watchlist), build_sentencer("auto"), texts)
    expected = [extract_mentions(doc) for doc in one.pipe(texts)]
    assert [extract_mentions(doc) for doc in split] == expected
    assert sum(1 for ms in expected for m in ms if m.entity_id) >= 5  # watched names too
    assert [[s.text for s in d.sents] for d in split] == [[s.text for s in d.sents]
                                                         for d in one.pipe(texts)]


def test_a_claim_repeated_by_a_long_article_keeps_a_few_sentences():
    from streams.analyse import EVIDENCE_PER_CLAIM, bounded
    from streams.claims import Claim

    repeated = [Claim("status", "held", f"Orlov is held, report {i} says.", None)
                for i in range(200)]
    other = Claim("status", "held", "The Front says it holds Orlov.", "Front")
    kept = bounded([*repeated, other])
    assert kept == [*repeated[:EVIDENCE_PER_CLAIM], other]
