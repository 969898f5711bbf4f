"""The real-wire scorer on a tiny invented gold and replay report."""

from __future__ import annotations

from typing import Any

from bench.real_eval import Vocabulary, score, shingle_overlap

VOCAB = Vocabulary.from_dict({
    "held_by": {"Northern Liberation Front": ["NLF", "the Front's armed wing"]},
    "role": {"aid worker": ["aid_worker"]},
    "attribution": {"Army (Col. Vell)": ["military"]},
})
WATCHLIST = {"entities": [{"name": "Daniel Orlov"}, {"name": "Tomas Varga"}]}
BODY = "one two three four five six seven eight nine ten eleven twelve"
BODIES = {"a1": BODY, "a2": BODY + " thirteen", "a3": "quite another text about the story here",
          "a4": "a fourth unrelated article with its own words in it"}
PUBLISHED = {"a1": "2026-03-01T08:00:00Z", "a2": "2026-03-01T09:00:00Z",
             "a3": "2026-03-05T08:00:00Z", "a4": "2026-03-06T08:00:00Z"}


def gold_claim(article: str, entity: str, attribute: str, value: Any,
               attribution: str | None = None) -> dict[str, Any]:
    return {"article": article, "entity": entity, "attribute": attribute, "value": value,
            "attribution": attribution, "sentence": "..."}


def claim(article: str, entity: str, attribute: str, value: str,
          attribution: str | None = None) -> dict[str, Any]:
    return {"article_id": article, "entity_id": entity.lower().replace(" ", "-"),
            "entity": entity, "attribute": attribute, "value": value,
            "attribution": attribution, "sentence": "..."}


def alert(type: str, entity: str, article: str, attribute: str | None = None,
          value: str | None = None) -> dict[str, Any]:
    return {"type": type, "entity": {"id": entity.lower(), "name": entity, "kind": "hostage"},
            "article_id": article, "attribute": attribute, "value": value}


GOLD = {
    "claims": [
        gold_claim("a1", "Daniel Orlov", "held_by", "Northern Liberation Front",
                   "Army (Col. Vell)"),
        gold_claim("a1", "Daniel Orlov", "age", 34),
        gold_claim("a1", "Daniel Orlov", "role", "aid worker"),
        gold_claim("a3", "Tomas Varga", "status", "released"),
    ],
    "duplicates": [{"copy": "a2", "original": "a1"}, {"copy": "a4", "original": "a3"}],
    "expected_alerts": [
        {"type": "new_entity", "article": "a1", "entity": "Daniel Orlov"},
        {"type": "status_change", "article": "a3", "entity": "Tomas Varga", "to": "released"},
        {"type": "conflict", "article": "a3", "entity": "Daniel Orlov", "attribute": "age"},
    ],
}
REPORT = {
    "published": 4, "analysed": 3, "elapsed_s": 1.0,
    "duplicates": [{"id": "a2", "duplicate_of": "a1"}, {"id": "a3", "duplicate_of": "a1"}],
    "claims": [
        claim("a1", "Daniel Orlov", "held_by", "the Front's armed wing", "the military"),
        claim("a1", "Daniel Orlov", "age", "34", "a spokesman"),
        claim("a1", "Daniel Orlov", "role", "aid_worker"),
        claim("a1", "Daniel Orlov", "status", "held"),
        claim("a3", "Tomas Varga", "status", "held"),
    ],
    "alerts": [
        alert("new_entity", "Daniel Orlov", "a1"),
        alert("status_change", "Tomas Varga", "a3", "status", "held"),
        alert("conflict", "Daniel Orlov", "a3", "age", "35"),
        alert("conflict", "Tomas Varga", "a3", "role", "civilian"),
    ],
}


def test_claims_are_scored_through_the_vocabulary() -> None:
    rows = score(REPORT, GOLD, WATCHLIST, BODIES, VOCAB, PUBLISHED)["claims"]["by_attribute"]
    assert rows["all"] == {"gold": 4, "recorded": 5, "right": 3, "precision": 0.6,
                           "recall": 0.75, "attribution": 0.667}
    assert rows["held_by"]["attribution"] == 1.0  # "the military" names "Army (Col. Vell)"
    assert rows["age"]["attribution"] == 0.0  # a source where the gold has none
    assert rows["status"] == {"gold": 1, "recorded": 2, "right": 0, "precision": 0.0,
                              "recall": 0.0, "attribution": None}


def test_alerts_match_by_type_entity_and_value_or_attribute() -> None:
    alerts = score(REPORT, GOLD, WATCHLIST, BODIES, VOCAB, PUBLISHED)["alerts"]
    assert alerts["met"] == {
        "new_entity": {"expected": 1, "met": 1, "at_article": 1},
        "status_change": {"expected": 1, "met": 0, "at_article": 0},  # held, not released
        "conflict": {"expected": 1, "met": 1, "at_article": 1},
    }
    assert alerts["conflicts_outside_gold"] == 1
    assert alerts["alerts"] == 4


def test_a_status_change_before_the_expected_article_meets_nothing() -> None:
    expected = [{"type": "status_change", "article": "a3", "published_at": "2026-03-05",
                 "entity": "Tomas Varga", "to": "killed"}]
    gold = {**GOLD, "expected_alerts": expected}
    for article, met in (("a1", 0), ("a3", 1), ("a4", 1)):
        report = {**REPORT, "alerts": [alert("status_change", "Tomas Varga", article,
                                             "status", "killed")]}
        alerts = score(report, gold, WATCHLIST, BODIES, VOCAB, PUBLISHED)["alerts"]
        assert alerts["met"]["status_change"]["met"] == met


def test_duplicates_count_pairs_and_wrong_drops() -> None:
    dup = score(REPORT, GOLD, WATCHLIST, BODIES, VOCAB, PUBLISHED)["duplicates"]
    assert dup == {"pairs": 2, "caught": 2, "tieable_pairs": 1, "tieable_caught": 1,
                   "other_dropped": []}
    lone = {**REPORT, "duplicates": [{"id": "a5", "duplicate_of": "a1"}]}
    dup = score(lone, GOLD, WATCHLIST, BODIES, VOCAB, PUBLISHED)["duplicates"]
    assert dup["other_dropped"] == ["a5"]


def test_vocabulary_folds_forms_and_contained_names() -> None:
    assert VOCAB.value("held_by", "NLF") == VOCAB.value("held_by", "Northern Liberation Front")
    assert VOCAB.value("held_by", "NLF fighters") == "northern liberation front"
    assert VOCAB.value("held_by", "Crimson Brigade") == "crimson brigade"
    assert not VOCAB.attribution_matches("a spokesman", "Army (Col. Vell)")
    assert VOCAB.attribution_matches("Col. Vell", "Army (Col. Vell)")
    assert not VOCAB.attribution_matches(None, "Army (Col. Vell)")
    assert VOCAB.attribution_matches("the U.N. monitors", "UN monitors")
    assert VOCAB.attribution_matches("his family", "Orlov family")


def test_shingle_overlap_is_a_share_of_the_shorter_text() -> None:
    assert shingle_overlap(BODY, BODY + " thirteen") == 1.0
    assert shingle_overlap(BODY, BODIES["a3"]) == 0.0
