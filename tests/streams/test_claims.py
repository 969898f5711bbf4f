"""Claim extraction against the labelled fixture set and explicit precision cases."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from streams.claims import Claim, ClaimExtractor
from tests.fixtures.claims_set import LABELLED, spans

PUBLISHED = "2026-03-11T09:00:00Z"  # a Wednesday

pytestmark = pytest.mark.model


@pytest.fixture(scope="session")
def extractor() -> ClaimExtractor:
    return ClaimExtractor()




def run(ex: ClaimExtractor, text: str, target: str, others: tuple[str, ...] = (),
        published_at: str | None = PUBLISHED, parsed: bool = False) -> list[Claim]:
    doc = ex.nlp(text) if parsed else ex.nlp(text, disable=["parser"])
    names = [target, target.split()[-1]]
    return ex.extract(doc, spans(text, names), spans(text, list(others)), published_at)


def pairs(claims: list[Claim]) -> set[tuple[str, str]]:
    return {(c.attribute, c.value) for c in claims}


def test_labelled_precision_recall(extractor: ClaimExtractor) -> None:
    """Bars set from measurement: the dev split was used to write the rules, the heldout
    and fresh splits were labelled before being run (figures in BENCHMARKS.md)."""
    rows = [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines() if line]
    assert len(rows) >= 60
    tp = fp = fn = attributed = 0
    for row in rows:
        doc = extractor.nlp(row["text"], disable=["parser"])
        got = extractor.extract(doc, spans(row["text"], [row["target"], *row["aliases"]]),
                                spans(row["text"], row["others"]), row["published_at"])
        found = {(c.attribute, c.value): c.attribution for c in got}
        expected = {(c["attribute"], c["value"]): c["attribution"] for c in row["claims"]}
        tp += len(found.keys() & expected.keys())
        fp += len(found.keys() - expected.keys())
        fn += len(expected.keys() - found.keys())
        attributed += sum(found[k] == expected[k] for k in found.keys() & expected.keys())
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nclaims: {len(rows)} sentences, precision {precision:.3f}, recall {recall:.3f}, "
          f"attribution {attributed}/{tp}")
    assert precision >= 0.95
    assert recall >= 0.9
    assert attributed / tp >= 0.9


def test_parsed_doc_gives_the_same_claims(extractor: ClaimExtractor) -> None:
    text = "Reservist Daniel Orlov, 34, is held by the NLF in Gaza, according to the army."
    assert run(extractor, text, "Daniel Orlov") == run(extractor, text, "Daniel Orlov",
                                                       parsed=True)


def test_two_people_do_not_share_facts(extractor: ClaimExtractor) -> None:
    text = "Maya Cohen, a 19-year-old soldier, was released, while Daniel Orlov, a civilian, " \
           "is still held."
    got = pairs(run(extractor, text, "Daniel Orlov", others=("Maya Cohen",)))
    assert ("role", "civilian") in got
    assert ("role", "military") not in got
    assert ("status", "released") not in got
    assert ("age", "19") not in got


@pytest.mark.parametrize("text", [
    "Daniel Orlov was not released on Monday.",
    "The NLF denied holding Daniel Orlov.",
    "It is unclear whether Daniel Orlov was released.",
    "Daniel Orlov may have been killed.",
])
def test_negation_and_hedges_give_no_claim(extractor: ClaimExtractor, text: str) -> None:
    got = pairs(run(extractor, text, "Daniel Orlov"))
    assert not {a for a, _ in got} & {"status", "held_by", "released_on"}, got


def test_quoted_claim_keeps_its_attribution(extractor: ClaimExtractor) -> None:
    claims = run(extractor, '"Daniel Orlov was freed on Monday," a Red Cross official said.',
                 "Daniel Orlov")
    assert {(c.attribute, c.value, c.attribution) for c in claims} == {
        ("status", "released", "Red Cross official"),
        ("released_on", "2026-03-09", "Red Cross official"),
    }


def test_contradiction_is_attributed(extractor: ClaimExtractor) -> None:
    claims = run(extractor, "However, the ministry contradicts this, saying Daniel Orlov is a "
                 "reservist.", "Daniel Orlov")
    assert [(c.attribute, c.value, c.attribution) for c in claims] == [
        ("role", "military", "ministry")]


def test_pronoun_in_next_sentence(extractor: ClaimExtractor) -> None:
    text = "Daniel Orlov appeared in a video. He is being held by the Front in Rafah."
    got = pairs(run(extractor, text, "Daniel Orlov"))
    assert {("held_by", "Northern Liberation Front"), ("location", "Rafah")} <= got


def test_pronoun_not_resolved_when_someone_else_is_named(extractor: ClaimExtractor) -> None:
    text = "Daniel Orlov was seen with Ari Stein. He was released on Monday."
    assert run(extractor, text, "Daniel Orlov", others=("Ari Stein",)) == []


def test_relative_dates_need_published_at(extractor: ClaimExtractor) -> None:
    text = "Daniel Orlov was kidnapped two weeks ago."
    assert ("captured_on", "2026-02-25") in pairs(run(extractor, text, "Daniel Orlov"))
    assert not any(c.attribute == "captured_on"
                   for c in run(extractor, text, "Daniel Orlov", published_at=None))


def test_no_target_no_claims(extractor: ClaimExtractor) -> None:
    assert run(extractor, "Ari Stein was released on Monday.", "Daniel Orlov") == []


def _sentences(n: int) -> list[str]:
    """``n`` distinct sentences about Daniel Orlov, each with a claim."""
    return [f"Daniel Orlov, {20 + i % 60}, was seen in convoy {i} near Lanmoor." for i in range(n)]


def test_an_article_longer_than_the_parse_lru_keeps_every_sentence(
        extractor: ClaimExtractor) -> None:
    """Trimming the LRU must never evict a sentence the current article still needs."""
    small = ClaimExtractor(nlp=extractor.nlp)
    small._cache_size = 2
    text = " ".join(_sentences(6))
    assert run(small, text, "Daniel Orlov") == run(ClaimExtractor(nlp=extractor.nlp), text,
                                                   "Daniel Orlov")
    assert small.sentences_parsed == 6 and len(small._parsed) == 2


def test_a_hit_refreshes_its_entry_in_the_parse_lru(extractor: ClaimExtractor) -> None:
    small = ClaimExtractor(nlp=extractor.nlp)
    small._cache_size = 2
    first, second, third = _sentences(3)
    for text in (first, second, first, third):  # the hit on `first` makes `second` oldest
        run(small, text, "Daniel Orlov")
    assert small.sentences_parsed == 3
    run(small, first, "Daniel Orlov")
    assert small.sentences_parsed == 3
    run(small, second, "Daniel Orlov")
    assert small.sentences_parsed == 4


def test_a_250_kb_article_with_thousands_of_sentences_about_one_name_is_extracted(
        extractor: ClaimExtractor) -> None:
    """More sentences about the target than the parse LRU holds, in a 250 KB article:
    every one is parsed once and read (spans are built directly: the fixtures' helper is
    quadratic; the doc is tokenised only, as a doc without a parse is)."""
    about = _sentences(2000)
    filler = [f"The river at gauge {i} rose by {i % 9} centimetres overnight." for i in range(2500)]
    text = " ".join(sentence for pair in itertools.zip_longest(about, filler) for sentence in pair
                    if sentence)
    assert len(text.encode()) >= 250_000
    fresh = ClaimExtractor(nlp=extractor.nlp)
    claims = fresh.extract(fresh.nlp.make_doc(text),
                           [m.span() for m in re.finditer("Daniel Orlov", text)], [], PUBLISHED)
    assert fresh.sentences_parsed == len(about) > fresh._cache_size
    assert {c.value for c in claims if c.attribute == "age"} == {str(20 + i) for i in range(60)}
