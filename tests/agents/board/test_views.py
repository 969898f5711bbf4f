"""Pure pieces of the pages: name marking, conflicts, the timeline layout, safe links."""

from __future__ import annotations

from dataclasses import replace

from agents.board.model import ArticleMeta
from agents.board.views import conflicts, mark, name_forms, show_time, timeline
from agents.board.web import safe_url
from tests.agents.board.conftest import orlov


def test_full_names_are_marked_whole_and_surnames_alone():
    pieces = mark("Daniel Orlov was seized; Orlov's family and Danil Orlov's captors spoke.",
                  ["Daniel Orlov", "Danil Orlov"])
    assert [t for t, marked in pieces if marked] == ["Daniel Orlov", "Orlov", "Danil Orlov"]
    assert "".join(t for t, _ in pieces).startswith("Daniel Orlov was seized")


def test_a_name_inside_a_longer_word_is_not_marked():
    assert [t for t, m in mark("The Orlova family and Orlovsky spoke.", ["Daniel Orlov"]) if m] \
        == []


def test_short_last_words_are_not_forms_of_their_own():
    assert name_forms(["Li Wu", "Mira Kessling"]) == ["Mira Kessling", "Kessling", "Li Wu"]


def test_conflicts_are_the_conflicted_attributes_with_several_values():
    person = orlov()
    assert [a.name for a in conflicts(person)] == ["held_by"]
    assert conflicts(replace(person, conflicted=frozenset())) == []


def test_timeline_places_status_and_articles_by_publication_time():
    line = timeline(orlov())
    held, released = line.segments
    assert (held.value, released.value) == ("held", "released")
    assert held.x1 < held.x2 == released.x1 < released.x2 <= line.width
    # wire-c-303's time is unknown to the board: the status is placed at its first_seen,
    # the article itself is counted as not drawn.
    assert len(line.marks) == 2 and line.unplaced == 1
    assert line.marks[0].x == held.x1 and line.marks[0].url == "https://northwire.example/a"
    assert "Engineer held" in line.marks[0].label
    assert line.ticks[0].label == "Apr 02 08:00"  # eight days: the hour tells ticks apart


def test_a_repeated_status_extends_its_stretch_and_one_moment_stacks_two_values():
    person = orlov()
    status = person.attributes[1]
    again = replace(status.values[0], article_ids=("wire-a-101", "wire-b-202"))
    killed = replace(status.values[1], value="killed")
    person = replace(person, attributes=(replace(status, values=(
        again, status.values[1], killed)),))
    segments = timeline(person).segments
    assert [(s.value, s.row) for s in segments] == [("held", 0), ("released", 0), ("killed", 1)]
    assert segments[1].x1 == segments[2].x1


def test_a_person_without_dated_articles_has_an_empty_timeline():
    person = replace(orlov(), attributes=(), articles={})
    line = timeline(person)
    assert line.empty and line.unplaced == 3


def test_one_moment_gets_a_day_of_room():
    person = replace(orlov(), attributes=(), article_ids=("wire-a-101",),
                     articles={"wire-a-101": ArticleMeta("wire-a-101", None, None, None,
                                                         "2026-04-02T08:00:00Z")})
    (only,) = timeline(person).marks
    assert 24 < only.x < 720 - 24


def test_only_http_links_are_links():
    assert safe_url("https://northwire.example/a?b=1") == "https://northwire.example/a?b=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//x", "",
                None, "http://"):
        assert safe_url(bad) is None


def test_times_read_as_utc():
    assert show_time("2026-04-02T10:00:00+02:00") == "2026-04-02 08:00 UTC"
    assert show_time("yesterday") == "yesterday"
