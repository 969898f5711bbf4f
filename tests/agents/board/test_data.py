"""A stored profile in the board's terms: which attributes count as conflicts; an
article read from the unique topic releases the alert held for it."""

from __future__ import annotations

import asyncio

import orjson

from agents.board.data import RuntimeBoardData, person_of
from agents.board.model import ArticleMeta
from streams.conflicts import AttributeRules, Profile, ValueRecord
from streams.settings import Settings
from tests.agents.board.conftest import alert


def record(value: str, article_id: str, source: str, when: str) -> ValueRecord:
    rec = ValueRecord(value)
    rec.add({"article_id": article_id, "sentence": f"{value}.", "source": source,
             "attribution": None}, source, when)
    return rec


def profile() -> Profile:
    return Profile("daniel-orlov", "Daniel Orlov", "hostage", {
        "role": [record("civilian", "a1", "Northwire", "2026-04-02T08:00:00Z"),
                 record("military", "b2", "Eastpost", "2026-04-03T08:00:00Z")],
        "status": [record("held", "a1", "Northwire", "2026-04-02T08:00:00Z"),
                   record("released", "c3", "Northwire", "2026-04-09T08:00:00Z")],
        "alias": [record("Danil Orlov", "b2", "Eastpost", "2026-04-03T08:00:00Z"),
                  record("D. Orlov", "c3", "Northwire", "2026-04-09T08:00:00Z")],
    }, ["a1", "b2", "c3"], "2026-04-02T08:00:00Z")


RULES = AttributeRules(multi_valued=frozenset({"alias"}), status_stages={"held": 1,
                                                                          "released": 2})


def test_two_values_of_a_single_valued_attribute_conflict_but_status_stages_do_not():
    person = person_of(profile(), RULES, set(), {})
    assert person.conflicted == {"role"}
    assert [a.name for a in person.attributes] == ["alias", "role", "status"]
    assert person.attributes[0].multi and not person.attributes[1].multi


def test_a_status_conflict_is_what_the_pipeline_alerted():
    assert person_of(profile(), RULES, {"status"}, {}).conflicted == {"role", "status"}


def test_values_keep_their_sources_evidence_and_known_articles():
    meta = ArticleMeta("b2", "Group says it holds reservist")
    person = person_of(profile(), RULES, set(), {"b2": meta, "zz": ArticleMeta("zz")})
    military = person.attributes[1].values[1]
    assert military.sources == ("Eastpost",) and military.independent_sources == 1
    assert military.evidence[0].sentence == "military."
    assert person.articles == {"b2": meta}


async def test_an_article_read_releases_the_alert_held_for_it():
    data = RuntimeBoardData(Settings())  # no broker or Redis: neither is asked here
    try:
        await data.feed.add(alert("new_entity"))
        follow = data.alerts(0)
        first = asyncio.ensure_future(anext(follow))
        await asyncio.sleep(0.05)
        assert not first.done()
        await data._on_article(orjson.dumps({"id": "wire-a-101", "title": "Engineer held",
                                             "text": "Daniel Orlov is being held."}))
        item = await asyncio.wait_for(first, 1.0)  # not the feed's 2 s wait
        assert item.article == ArticleMeta("wire-a-101", "Engineer held")
        await follow.aclose()
    finally:
        await data.stop()
