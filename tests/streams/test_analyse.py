"""Entities found in the spaCy process and sentences added beside it give the same
mentions as one pipeline running both (``ner`` does not look at sentence boundaries);
so do the annotations the worker's spaCy process returns, and the doc the worker
rebuilds from one for claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.nlp import (
    PARAGRAPHS,
    RULER,
    annotate,
    annotate_texts,
    annotated_doc,
    build_annotator,
    build_pipeline,
    build_sentencer,
    entity_spans,
    extract_mentions,
    load_model,
    update_watchlist,
)
from streams.watchlist import load_watchlist

pytestmark = pytest.mark.model
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


WATCHLIST = FIXTURES / "scenario" / "watchlist.yaml"


def texts() -> list[str]:
    lines = (FIXTURES / "scenario" / "orlov.jsonl").read_text(encoding="utf-8").splitlines()
    found = [json.loads(line)["body"] for line in lines]
    return found + [p.read_text(encoding="utf-8")
                    for p in sorted((FIXTURES / "entities").glob("*"))]


def test_split_pipelines_find_what_one_pipeline_finds() -> None:
    watchlist = load_watchlist(WATCHLIST)
    texts_ = texts()
    one = load_model("auto")
    one.enable_pipe("senter")
    one.select_pipes(enable=["senter", "ner"])
    one.add_pipe(PARAGRAPHS, after="senter")
    one.add_pipe(RULER, before="ner")
    update_watchlist(one, watchlist)

    split = annotate(build_pipeline("auto", watchlist), build_sentencer("auto"), texts_)
    expected = [extract_mentions(doc) for doc in one.pipe(texts_)]
    assert [extract_mentions(doc) for doc in split] == expected
    assert sum(1 for ms in expected for m in ms if m.entity_id) >= 5  # watched names too
    assert [[s.text for s in d.sents] for d in split] == [[s.text for s in d.sents]
                                                         for d in one.pipe(texts_)]


def test_the_annotator_and_the_rebuilt_doc_give_what_the_split_pipelines_give() -> None:
    watchlist = load_watchlist(WATCHLIST)
    texts_ = texts() + ["Orlóv met Daniel Orlov in Zürich.\n\nThen Orlov left."]  # NORM folded
    split = annotate(build_pipeline("auto", watchlist), build_sentencer("auto"), texts_)
    annotations = annotate_texts(build_annotator("auto", watchlist), texts_, batch_size=4)
    assert [list(a.mentions) for a in annotations] == [extract_mentions(d) for d in split]
    assert [a.entities for a in annotations] == [entity_spans(d) for d in split]
    tokenizer = load_model("auto")
    rebuilt = [annotated_doc(tokenizer, t, a) for t, a in zip(texts_, annotations, strict=True)]
    assert [[(s.start_char, s.end_char) for s in d.sents] for d in rebuilt] == [
        [(s.start_char, s.end_char) for s in d.sents] for d in split]
    assert [extract_mentions(d) for d in rebuilt] == [extract_mentions(d) for d in split]


def test_a_claim_repeated_by_a_long_article_keeps_a_few_sentences():
    from streams.analyse import EVIDENCE_PER_CLAIM, bounded
    from streams.claims import Claim

    repeated = [Claim("status", "held", f"Orlov is held, report {i} says.", None)
                for i in range(200)]
    other = Claim("status", "held", "The Front says it holds Orlov.", "Front")
    kept = bounded([*repeated, other])
    assert kept == [*repeated[:EVIDENCE_PER_CLAIM], other]


def test_the_enriched_record_of_a_pathological_article_stays_small():
    from dataclasses import replace as copy

    import orjson

    from schemas import UniqueArticle, as_document
    from streams.analyse import MAX_ENTITIES, MAX_SENTENCES, Analysis, enriched_record
    from streams.resolve import ResolvedEntity

    def entity(i: int, watched: bool = False) -> ResolvedEntity:
        return ResolvedEntity(id=f"day-{i}", name=f"day {i}", label="DATE", watched=watched,
                              kind=None, surface_forms=(f"day {i}",), mentions=1,
                              sentences=((i, i + 1),), spans=((i, i + 1),))

    person = copy(entity(0, watched=True), id="mira-kessling", name="Mira Kessling",
                  label="PERSON", mentions=5000,
                  sentences=tuple((i, i + 1) for i in range(5000)))
    analysis = Analysis(UniqueArticle(id="a", text="x"), None,
                        [*(entity(i) for i in range(1, 5000)), person])
    record = enriched_record(analysis)
    assert len(record.entities) == MAX_ENTITIES and record.entities[-1].id == "mira-kessling"
    assert len(record.entities[-1].sentences) == MAX_SENTENCES
    assert len(orjson.dumps(as_document(record))) < 100_000
