"""Profile rules: new entity, new detail, conflict, status change, idempotence."""

from __future__ import annotations

from dataclasses import replace

import orjson

from schemas import Alert, ClaimRecord, EntityClaims
from streams.conflicts import AttributeRules, Profile, apply_claims

NLF, SRB = "Northern Liberation Front", "Southern Resistance Brigades"


def event(article: str, source: str, published: str, claims: list[tuple[str, str, str | None]],
          sentence: str = "Daniel Orlov is held.") -> EntityClaims:
    return EntityClaims(
        entity_id="daniel-orlov", entity_name="Daniel Orlov", article_id=article,
        first_sentence=sentence, kind="hostage", source=source, published_at=published,
        claims=[ClaimRecord(attribute=a, value=v, sentence=f"{a}: {v}", attribution=who)
                for a, v, who in claims])


def run(events: list[EntityClaims]) -> tuple[Profile, list[Alert]]:
    profile, alerts = None, []
    for i, ev in enumerate(events):
        profile, new = apply_claims(profile, ev, f"2026-03-1{i}T12:00:00Z")
        alerts += new
    assert profile is not None
    return profile, alerts


def kinds(alerts: list[Alert]) -> list[tuple[str, str | None]]:
    return [(a.type, a.attribute) for a in alerts]


WIRE_A = event("a1", "Wire A", "2026-03-01T08:00:00Z",
               [("held_by", "NLF", None), ("role", "civilian", None), ("status", "held", None)])
WIRE_B = event("b1", "Wire B", "2026-03-02T08:00:00Z",
               [("held_by", SRB, "army"), ("role", "reservist", "army")])
WIRE_C = event("c1", "Wire C", "2026-03-05T08:00:00Z", [("status", "released", None)])
WIRE_D = event("d1", "Wire D", "2026-03-06T08:00:00Z",
               [("held_by", "the Northern Liberation Front", None)])


def test_scenario_three_wires_and_a_repeat() -> None:
    profile, alerts = run([WIRE_A, WIRE_B, WIRE_C, WIRE_D])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "held_by"),
                             ("conflict", "role"), ("status_change", "status")]
    held_by = alerts[1]
    assert held_by.value == SRB
    assert [p.value for p in held_by.previous] == [NLF]
    assert held_by.previous[0].sources == ["Wire A"]
    assert held_by.evidence[0].attribution == "army"
    assert held_by.evidence[0].sentence == f"held_by: {SRB}"
    assert alerts[2].value == "military" and alerts[2].previous[0].value == "civilian"
    assert alerts[3].value == "released" and alerts[3].previous[0].value == "held"
    nlf = profile.attributes["held_by"][0]
    assert nlf.value == NLF and nlf.independent_sources == 2 and nlf.article_ids == ["a1", "d1"]
    assert len({a.alert_id for a in alerts}) == 4


def test_same_event_twice_changes_nothing() -> None:
    profile, _ = run([WIRE_A, WIRE_B])
    again, alerts = apply_claims(profile, WIRE_B, "2026-03-20T00:00:00Z")
    assert alerts == []
    assert again.to_dict() == profile.to_dict()


def test_new_detail_and_multi_valued_location() -> None:
    _, alerts = run([WIRE_A,
                     event("b2", "Wire B", "2026-03-02T00:00:00Z",
                           [("location", "Gaza", None), ("nationality", "French", None)]),
                     event("b3", "Wire E", "2026-03-03T00:00:00Z", [("location", "Rafah", None)])])
    assert kinds(alerts) == [("new_entity", None), ("new_detail", "location"),
                             ("new_detail", "nationality"), ("new_detail", "location")]


def test_older_article_saying_held_after_release_is_history() -> None:
    late = event("z", "Wire Z", "2026-02-20T00:00:00Z", [("status", "held", None)])
    _, alerts = run([event("r", "Wire R", "2026-03-05T00:00:00Z",
                           [("status", "released", None)]), late])
    assert kinds(alerts) == [("new_entity", None)]


def test_released_then_killed_is_a_conflict() -> None:
    _, alerts = run([WIRE_C, event("k", "Wire K", "2026-03-06T00:00:00Z",
                                   [("status", "killed", "NLF")])])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "status")]


def test_newer_article_going_back_a_stage_is_a_conflict() -> None:
    _, alerts = run([WIRE_C, event("h", "Wire H", "2026-03-09T00:00:00Z",
                                   [("status", "held", None)])])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "status")]


def test_a_capture_told_as_background_after_a_release_is_history() -> None:
    """"Orlov, who was kidnapped in 2025, ..." in an article after his release: the
    article tells how he came to be held, not that he is held again."""
    told = event("h", "Wire H", "2026-03-09T00:00:00Z", [])
    told.claims = [ClaimRecord(attribute="status", value="held", sentence="who was kidnapped",
                               background=True)]
    profile, alerts = run([WIRE_C, told])
    assert kinds(alerts) == [("new_entity", None)]
    assert [r.value for r in profile.attributes["status"]] == ["released", "held"]


def test_release_from_an_older_article_is_not_a_status_change() -> None:
    _, alerts = run([WIRE_A, event("old", "Wire O", "2026-02-01T00:00:00Z",
                                   [("status", "released", None)])])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "status")]


def test_one_article_two_attributions_disagree() -> None:
    _, alerts = run([event("x", "Wire X", "2026-03-01T00:00:00Z",
                           [("role", "civilian", "family"), ("role", "soldier", "NLF")])])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "role")]
    assert alerts[1].previous[0].evidence[0].attribution == "family"


def test_one_article_narrating_held_then_released() -> None:
    _, alerts = run([WIRE_A, event("n", "Wire N", "2026-03-04T00:00:00Z",
                                   [("status", "released", None), ("status", "held", None)])])
    assert kinds(alerts) == [("new_entity", None), ("status_change", "status")]


def test_profile_round_trips_through_json() -> None:
    profile, _ = run([WIRE_A, WIRE_B, WIRE_C])
    data = orjson.loads(orjson.dumps(profile.to_dict()))
    assert Profile.from_dict(data) == profile
    assert data["attributes"]["held_by"][0]["independent_sources"] == 1


def test_input_profile_is_not_mutated() -> None:
    profile, _ = run([WIRE_A])
    before = profile.to_dict()
    apply_claims(profile, WIRE_B, "2026-03-20T00:00:00Z")
    assert profile.to_dict() == before


def test_a_release_date_rides_on_the_status_change_it_dates() -> None:
    release = event("c2", "Wire C", "2026-03-05T08:00:00Z",
                    [("status", "released", None), ("released_on", "2026-03-04", None)])
    profile, alerts = run([WIRE_A, release])
    assert kinds(alerts) == [("new_entity", None), ("status_change", "status")]
    assert profile.values("released_on") == ["2026-03-04"]
    later = event("e2", "Wire E", "2026-03-07T08:00:00Z", [("released_on", "2026-03-03", "army")])
    _, more = run([WIRE_A, release, later])
    assert kinds(more)[-1] == ("conflict", "released_on")


def _one_by_one(*claims: tuple[str, str, str, str | None]) -> list[tuple[str, str | None]]:
    """Each (published_at, attribute, value, attribution) from its own wire; alert kinds."""
    _, alerts = run([event(f"x{i}", f"Wire {i}", published, [(attribute, value, who)])
                     for i, (published, attribute, value, who) in enumerate(claims)])
    return kinds(alerts)


def test_dual_nationality_is_two_facts() -> None:
    assert _one_by_one(("2026-03-01T00:00:00Z", "nationality", "Freedonian", None),
                       ("2026-03-02T00:00:00Z", "nationality", "Ruritanian", None)) == [
        ("new_entity", None), ("new_detail", "nationality")]


def test_rescued_and_released_tell_one_event() -> None:
    assert _one_by_one(("2026-03-01T00:00:00Z", "status", "held", None),
                       ("2026-03-05T00:00:00Z", "status", "released", None),
                       ("2026-03-06T00:00:00Z", "status", "rescued", "army")) == [
        ("new_entity", None), ("status_change", "status")]


def test_released_then_killed_still_conflicts() -> None:
    assert _one_by_one(("2026-03-05T00:00:00Z", "status", "released", None),
                       ("2026-03-06T00:00:00Z", "status", "killed", "militants"))[-1] == (
        "conflict", "status")


def test_a_date_told_less_precisely_is_the_same_date() -> None:
    assert _one_by_one(("2026-03-01T00:00:00Z", "captured_on", "2025-02", None),
                       ("2026-03-02T00:00:00Z", "captured_on", "2025-02-15", None),
                       ("2026-03-03T00:00:00Z", "captured_on", "2025", None)) == [
        ("new_entity", None)]
    assert _one_by_one(("2026-03-01T00:00:00Z", "captured_on", "2025-02", None),
                       ("2026-03-02T00:00:00Z", "captured_on", "2025-03-01", None))[-1] == (
        "conflict", "captured_on")


def test_journalist_and_former_soldier_are_compatible_roles() -> None:
    assert _one_by_one(("2026-03-01T00:00:00Z", "role", "journalist", None),
                       ("2026-03-02T00:00:00Z", "role", "former_military", None)) == [
        ("new_entity", None), ("new_detail", "role")]
    assert _one_by_one(("2026-03-01T00:00:00Z", "role", "civilian", None),
                       ("2026-03-02T00:00:00Z", "role", "military", None))[-1] == (
        "conflict", "role")


def test_a_holder_and_its_more_specific_form_do_not_conflict() -> None:
    rules = AttributeRules.load()
    specific = replace(rules.compatibility, more_specific={
        "held_by": {"Freedonian Home Guard": frozenset({"Freedonian government"})}})
    rules = replace(rules, compatibility=specific)
    profile, alerts = None, []
    for i, holder in enumerate(["Freedonian government", "Freedonian Home Guard",
                                "Crimson Brigade"]):
        ev = event(f"h{i}", f"Wire {i}", f"2026-03-0{i + 1}T00:00:00Z",
                   [("held_by", holder, None)])
        profile, new = apply_claims(profile, ev, f"2026-03-1{i}T12:00:00Z", rules)
        alerts += new
    assert kinds(alerts) == [("new_entity", None), ("new_detail", "held_by"),
                             ("conflict", "held_by")]


def test_ages_years_apart_compare_the_birth_years_they_imply() -> None:
    assert _one_by_one(("2024-05-01T00:00:00Z", "age", "29", None),
                       ("2026-04-20T00:00:00Z", "age", "31", None),
                       ("2026-09-01T00:00:00Z", "age", "32", None)) == [("new_entity", None)]
    assert _one_by_one(("2026-03-01T00:00:00Z", "age", "29", None),
                       ("2026-04-01T00:00:00Z", "age", "34", None))[-1] == ("conflict", "age")


def test_an_infants_age_in_months() -> None:
    assert _one_by_one(("2023-10-10T00:00:00Z", "age", "9 months", None),
                       ("2024-10-10T00:00:00Z", "age", "1", None)) == [("new_entity", None)]


def _claims(article: str, published: str,
            claims: list[tuple[str, str, str | None, str | None, str]]) -> EntityClaims:
    """An event whose claims carry (attribute, value, attribution, qualifier, sentence)."""
    return EntityClaims(
        entity_id="daniel-orlov", entity_name="Daniel Orlov", article_id=article,
        first_sentence="Daniel Orlov.", kind="hostage", source=f"Wire {article}",
        published_at=published,
        claims=[ClaimRecord(attribute=a, value=v, attribution=who, qualifier=q, sentence=s)
                for a, v, who, q, s in claims])


NAMED = _claims("n0", "2026-01-05T00:00:00Z", [])  # named first, no status yet
HELD = _claims("h0", "2026-01-05T00:00:00Z",
               [("status", "held", None, None, "Orlov is held in Freedonia.")])


def test_the_first_status_of_a_known_person_is_a_change_from_none() -> None:
    released = _claims("r1", "2026-02-01T00:00:00Z",
                       [("status", "released", None, None, "Militants released Orlov.")])
    _, alerts = run([NAMED, released])
    assert kinds(alerts) == [("new_entity", None), ("status_change", "status")]
    assert alerts[1].value == "released" and alerts[1].previous == []
    # in the article that first names the person, the claims fill the profile silently
    _, alerts = run([released])
    assert kinds(alerts) == [("new_entity", None)]


def test_a_hedged_status_is_a_conflict_shown_with_its_qualifier() -> None:
    hedged = _claims("k1", "2026-02-01T00:00:00Z", [
        ("status", "killed", "a former guard", None, "Orlov was executed, a former guard says."),
        ("status", "killed", None, "reportedly", "Orlov was reportedly executed in 2025.")])
    profile, alerts = run([HELD, hedged])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "status")]
    assert [e.qualifier for e in alerts[1].evidence] == [None, "reportedly"]
    assert profile.attributes["status"][1].contested
    # the writer stating it plainly, beside the hedge, makes it a change
    plain = _claims("k2", "2026-02-01T00:00:00Z", [
        *[(c.attribute, c.value, c.attribution, c.qualifier, c.sentence) for c in hedged.claims],
        ("status", "killed", None, None, "Orlov was killed.")])
    _, alerts = run([HELD, plain])
    assert kinds(alerts) == [("new_entity", None), ("status_change", "status")]


def test_a_hedged_first_status_is_a_detail_until_confirmed() -> None:
    hedged = _claims("h1", "2026-01-10T00:00:00Z", [
        ("status", "held", None, "allegedly", "Orlov is allegedly held by the Crimson Brigade.")])
    confirmed = _claims("h2", "2026-01-20T00:00:00Z", [
        ("status", "held", "the army", None, "The army said Orlov is held by the Brigade.")])
    _, alerts = run([NAMED, hedged, confirmed])
    assert kinds(alerts) == [("new_entity", None), ("new_detail", "status"),
                             ("status_change", "status")]
    assert alerts[1].evidence[0].qualifier == "allegedly"


CLAIMED = _claims("c1", "2026-02-01T00:00:00Z", [
    ("status", "held", None, None, "Orlov, seized in May, is held in Freedonia."),
    ("status", "killed", "the Crimson Brigade", None,
     "The Crimson Brigade said Orlov was killed in an air strike.")])


def test_a_contested_death_is_a_conflict_and_its_confirmation_the_change() -> None:
    retold = _claims("c2", "2026-02-02T00:00:00Z", [
        ("status", "killed", "the army", None,
         "The army said it was checking the Crimson Brigade's claim that Orlov was killed.")])
    again = _claims("c3", "2026-05-01T00:00:00Z", [
        ("status", "killed", "the Crimson Brigade", None,
         "The Brigade had said Orlov was killed.")])
    confirmed = _claims("c4", "2026-06-01T00:00:00Z", [
        ("status", "killed", "the army", None, "The army identified the body of Orlov.")])
    later = _claims("c5", "2026-06-02T00:00:00Z", [
        ("status", "killed", None, None, "Orlov was killed in captivity.")])
    profile, alerts = run([NAMED, CLAIMED, retold, again, confirmed, later])
    assert kinds(alerts) == [("new_entity", None), ("status_change", "status"),
                             ("conflict", "status"), ("status_change", "status")]
    assert alerts[2].value == "killed" and alerts[2].evidence[0].attribution == (
        "the Crimson Brigade")
    change = alerts[3]
    assert (change.article_id, change.value) == ("c4", "killed")
    assert [p.value for p in change.previous] == ["held"]
    assert not profile.attributes["status"][1].contested


def test_profile_with_a_contested_value_round_trips() -> None:
    profile, _ = run([NAMED, CLAIMED])
    data = orjson.loads(orjson.dumps(profile.to_dict()))
    assert Profile.from_dict(data) == profile
    assert data["attributes"]["status"][1]["contested_by"] == ["crimson brigade"]


def test_an_organ_of_a_state_is_a_more_specific_holder() -> None:
    def holders(*values: str) -> list[tuple[str, str | None]]:
        return _one_by_one(*((f"2026-03-0{i + 1}T00:00:00Z", "held_by", v, None)
                             for i, v in enumerate(values)))
    assert holders("Calderan authorities", "Calderan State Security Service") == [
        ("new_entity", None), ("new_detail", "held_by")]
    assert holders("Calderan National Police", "Calderan authorities") == [
        ("new_entity", None), ("new_detail", "held_by")]
    assert holders("Calderan authorities", "Calderan rebels")[-1] == ("conflict", "held_by")
    assert holders("Calderan authorities", "Freedonian State Security Service")[-1] == (
        "conflict", "held_by")


def test_an_inferred_year_yields_to_a_stated_one() -> None:
    stated = _claims("d1", "2025-11-01T00:00:00Z", [
        ("captured_on", "2024-05-04", None, None, "Orlov was seized on 4 May 2024.")])
    inferred = _claims("d2", "2025-11-20T00:00:00Z", [
        ("captured_on", "2025-05-04", None, None, "Orlov has been held since May 4.")])
    _, alerts = run([stated, inferred])
    assert kinds(alerts) == [("new_entity", None)]
    both = _claims("d3", "2025-11-20T00:00:00Z", [
        ("captured_on", "2025-05-04", None, None, "Orlov was seized on 4 May 2025.")])
    _, alerts = run([stated, both])
    assert kinds(alerts)[-1] == ("conflict", "captured_on")
    other_day = _claims("d4", "2025-11-20T00:00:00Z", [
        ("captured_on", "2025-05-09", None, None, "Orlov has been held since May 9.")])
    _, alerts = run([stated, other_day])
    assert kinds(alerts)[-1] == ("conflict", "captured_on")


def test_a_plain_status_against_a_hedged_claim_is_their_conflict_and_the_status() -> None:
    hedged = _claims("q1", "2026-01-10T00:00:00Z", [
        ("status", "killed", "the Crimson Brigade", "allegedly",
         "The Crimson Brigade claimed Orlov was killed.")])
    held = _claims("q2", "2026-01-11T00:00:00Z", [
        ("status", "held", "the army", None, "The army said Orlov is still held.")])
    confirmed = _claims("q3", "2026-04-01T00:00:00Z", [
        ("status", "killed", None, None, "Orlov's body was returned on Monday.")])
    profile, alerts = run([hedged, held, confirmed])
    assert kinds(alerts) == [("new_entity", None), ("conflict", "status"),
                             ("status_change", "status")]
    assert alerts[1].value == "held" and alerts[1].previous[0].value == "killed"
    assert alerts[2].value == "killed" and [p.value for p in alerts[2].previous] == ["held"]
    assert not any(r.contested for r in profile.attributes["status"])


def test_ages_a_year_apart_days_apart_contradict() -> None:
    assert _one_by_one(("2025-10-10T00:00:00Z", "age", "23", None),
                       ("2026-04-24T00:00:00Z", "age", "23", None),
                       ("2026-04-27T00:00:00Z", "age", "24", None))[-1] == ("conflict", "age")
    # half a year later, the next age is a birthday between
    assert _one_by_one(("2025-10-10T00:00:00Z", "age", "23", None),
                       ("2026-04-27T00:00:00Z", "age", "24", None)) == [("new_entity", None)]
