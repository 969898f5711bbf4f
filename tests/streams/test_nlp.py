"""The extraction pipeline on synthetic wire copy (model loaded once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from streams.nlp import (
    PARAGRAPHS,
    RULER,
    build_pipeline,
    extract_mentions,
    load_model,
    parse,
    update_watchlist,
)
from streams.resolve import Resolver
from streams.watchlist import WatchedEntity, Watchlist

pytestmark = pytest.mark.model
ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "entities"
WATCH = Watchlist.of([
    WatchedEntity("Daniel Orlov", kind="hostage"),
    WatchedEntity("Tarek Nasri", kind="official"),
    WatchedEntity("Northern Crescent Brigade", kind="militia"),
])


@pytest.fixture(scope="session")
def nlp() -> Language:
    return build_pipeline("auto", WATCH)


@pytest.fixture
def resolve(nlp: Language) -> Iterator:
    resolver = Resolver(WATCH)
    yield lambda text: resolver.resolve(extract_mentions(nlp(text)))
    update_watchlist(nlp, WATCH)  # tests that swap the watchlist get it back


def article(name: str) -> str:
    return (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")


def test_load_model_names_what_is_missing() -> None:
    with pytest.raises(OSError, match="no spaCy model installed among no_such_model"):
        load_model("no_such_model")


def test_pipeline_runs_only_what_extraction_needs(nlp: Language) -> None:
    assert nlp.pipe_names == ["senter", PARAGRAPHS, RULER, "ner"]
    assert "parser" in nlp.component_names and "parser" in nlp.disabled


def test_parse_runs_the_disabled_parser(nlp: Language) -> None:
    (doc,) = parse(nlp, ["Orlov said he was well."])
    assert doc.has_annotation("DEP") and doc[1].dep_ == "ROOT"
    assert nlp.pipe_names == ["senter", PARAGRAPHS, RULER, "ner"]


def test_titles_possessives_and_sentences(nlp: Language) -> None:
    text = article("orlov_1")
    mentions = extract_mentions(nlp(text))
    bogdal = next(m for m in mentions if m.name == "Mikhail Bogdal")
    assert bogdal.title == "Deputy Foreign Minister" and bogdal.entity_id is None
    possessive = [m for m in mentions if m.text == "Daniel Orlov's"
                  or text[m.end_char:].startswith("'s")]
    assert possessive and all(m.name == "Daniel Orlov" for m in possessive)
    for m in mentions:
        assert text[m.start_char:m.end_char] == m.text
        assert m.sent_start <= m.start_char < m.end_char <= m.sent_end


@pytest.mark.parametrize("written", ["Danil Orlov", "DANIEL ORLOV", "Daniel Orlóv", "Daniil Orlov"])
def test_ruler_finds_watched_spellings(nlp: Language, written: str) -> None:
    (m,) = [m for m in extract_mentions(nlp(f"Talks on {written} resumed.")) if m.entity_id]
    assert (m.entity_id, m.label, m.text) == ("daniel-orlov", "PERSON", written)


def test_ruler_leaves_other_orlovs_alone(nlp: Language) -> None:
    mentions = extract_mentions(nlp("Pavel Orlov, a cousin, spoke to Orlov Holdings staff."))
    assert not any(m.entity_id for m in mentions)
    assert not any(m.name == "Orlov" for m in mentions)


def test_update_watchlist_swaps_patterns(nlp: Language, resolve) -> None:
    update_watchlist(nlp, Watchlist())
    assert not any(m.entity_id for m in extract_mentions(nlp("Daniel Orlov was freed.")))
    update_watchlist(nlp, WATCH)
    assert any(m.entity_id for m in extract_mentions(nlp("Daniel Orlov was freed.")))


def test_three_orlov_articles_resolve_to_the_watched_id(resolve) -> None:
    for name in ("orlov_1", "orlov_2", "orlov_3"):
        watched = [e for e in resolve(article(name)) if e.watched and e.kind == "hostage"]
        assert [e.id for e in watched] == ["daniel-orlov"], name


def test_variants_merge_and_ambiguous_short_name_stays_apart(resolve) -> None:
    entities = {e.id: e for e in resolve(article("qassem"))}
    qassem = entities["moussa-abu-kassem"]
    assert set(qassem.surface_forms) == {"Moussa Abu-Kassem", "Abu Qassem", "Musa Abu Qasem's"}
    assert qassem.mentions == 3 and len(qassem.sentences) == 3
    assert entities["tarek-nasri"].watched and entities["tarek-nasri"].titles == ("Chairman",)
    assert set(entities["nasri"].candidates) == {"tarek-nasri", "nasri-kamal"}


def test_shared_first_name_stays_apart(resolve) -> None:
    ids = {e.id for e in resolve(article("petrov"))}
    assert {"alexander-petrov", "alexander-volkov", "irina-orlova"} <= ids
    assert "daniel-orlov" not in ids


@pytest.mark.model
def test_a_paragraph_break_ends_a_sentence(nlp):
    doc = nlp("Daniel Orlov is held in Karsk, his family said on Tuesday.\n\n"
              "Orlov, 34, was captured in February.")
    assert [s.text.strip() for s in doc.sents] == [
        "Daniel Orlov is held in Karsk, his family said on Tuesday.",
        "Orlov, 34, was captured in February."]
