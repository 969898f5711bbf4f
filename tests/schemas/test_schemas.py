"""The Faust Records and the JSON Schema files describe the same messages."""


import jsonschema
import orjson
import pytest

from schemas import (
    Alert,
    AlertEntity,
    Article,
    DeadLetter,
    EnrichedArticle,
    EntityMention,
    Evidence,
    PreviousValue,
    load_schema,
)
from streams.errors import DEAD_LETTER_REASONS

PAIRS = [("article", Article), ("alert", Alert), ("dead_letter", DeadLetter),
         ("enriched", EnrichedArticle)]


def _required(record) -> set[str]:
    return set(record._options.fields) - set(record._options.defaults)


@pytest.mark.parametrize(("name", "record"), PAIRS)
def test_fields_and_required_agree(name, record):
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == set(record._options.fields)
    assert set(schema["required"]) == _required(record)


def _valid(name: str, record) -> None:
    jsonschema.validate(orjson.loads(record.dumps()), load_schema(name),
                        format_checker=jsonschema.FormatChecker())


def test_records_serialise_to_valid_documents():
    evidence = Evidence(article_id="a1", sentence="Orlov is held.", source="Northwire")
    _valid("alert", Alert(
        alert_id="x1", type="conflict", entity=AlertEntity(id="daniel-orlov", name="Daniel Orlov"),
        attribute="held_by", value="Crimson Brigade", article_id="a2",
        detected_at="2026-04-03T10:30:00+00:00", evidence=[evidence],
        previous=[PreviousValue(value="Northern Liberation Front", sources=["Northwire"],
                                evidence=[evidence])],
    ))
    _valid("article", Article(id="a1", body="text", published_at="2026-04-03T10:30:00Z"))
    _valid("dead_letter", DeadLetter(reason="not_json", detail="d", stage="ingest",
                                     payload_b64="eA==", payload_size=1,
                                     payload_sha256="2d711642b726b04401627ca9fbac32f5"
                                                    "c8530fb1903cc4db02258717921a4881",
                                     payload_truncated=False, topic="t", partition=0,
                                     offset=3, received_at="2026-04-03T10:30:00+00:00"))
    _valid("enriched", EnrichedArticle(id="a1", entities=[EntityMention(
        id="daniel-orlov", name="Daniel Orlov", label="PERSON", surface_forms=["Orlov"],
        mentions=2, sentences=[[0, 10]])]))


def test_alert_type_outside_the_enum_is_refused():
    doc = {"alert_id": "x", "type": "gossip", "entity": {"id": "e", "name": "E"},
           "article_id": "a", "detected_at": "2026-04-03T10:30:00+00:00",
           "evidence": [{"article_id": "a", "sentence": "s"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, load_schema("alert"))


def test_dead_letter_reasons_in_the_schema_are_the_codes_literal():
    reasons = load_schema("dead_letter")["properties"]["reason"]["enum"]
    assert sorted(reasons) == sorted(DEAD_LETTER_REASONS)
