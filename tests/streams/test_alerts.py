from jsonschema import validate

from schemas import Alert, AlertEntity, PreviousValue, as_document, load_schema
from streams.alerts import alert_id, build_alert, evidence


def test_alert_id_is_deterministic_and_folds_noise() -> None:
    a = alert_id("daniel-orlov", "conflict", "held_by", "Northern Liberation Front")
    assert a == alert_id("daniel-orlov", "conflict", "held_by", "northern liberation front ")
    assert a == alert_id("Daniel-Orlov", "CONFLICT", "held_by", "the Northern Liberation Front")


def test_alert_id_differs_per_field() -> None:
    base = ("daniel-orlov", "conflict", "held_by", "NLF")
    ids = {alert_id(*base), alert_id("maya-cohen", *base[1:]),
           alert_id(base[0], "new_detail", *base[2:]), alert_id(*base[:2], "role", "NLF"),
           alert_id(*base[:3], "SRB"), alert_id(base[0], "new_entity", None, None)}
    assert len(ids) == 6


def test_built_alert_matches_schema_and_round_trips() -> None:
    ev = evidence("a1", "Orlov is held by the NLF.", "Wire A", "army")
    alert = build_alert("conflict", AlertEntity(id="daniel-orlov", name="Daniel Orlov"), "a1",
                        "2026-03-11T09:00:00Z", [ev], "held_by", "NLF",
                        [PreviousValue(value="SRB", sources=["Wire B"], evidence=[ev])])
    assert alert.alert_id == alert_id("daniel-orlov", "conflict", "held_by", "NLF")
    data = as_document(alert)
    validate(data, load_schema("alert"))
    assert Alert.from_data(data) == alert
    assert as_document(Alert.from_data(data)) == data


def test_a_hedged_sentence_keeps_its_qualifier_in_the_alert() -> None:
    ev = evidence("a2", "Orlov was reportedly moved to Rafah.", "Wire B", None, "reportedly")
    alert = build_alert("new_detail", AlertEntity(id="daniel-orlov", name="Daniel Orlov"),
                        "a2", "2026-03-11T09:00:00Z", [ev], "location", "Rafah")
    data = as_document(alert)
    validate(data, load_schema("alert"))
    assert data["evidence"][0]["qualifier"] == "reportedly"
    assert Alert.from_data(data).evidence[0].qualifier == "reportedly"
