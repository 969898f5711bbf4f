import pytest

from streams.reldates import resolve_date

PUB = "2026-03-11T09:00:00Z"  # a Wednesday


@pytest.mark.parametrize(("phrase", "expected"), [
    ("last year", "2025"),
    ("on Monday", "2026-03-09"),
    ("Wednesday", "2026-03-11"),
    ("last Wednesday", "2026-03-04"),
    ("two weeks ago", "2026-02-25"),
    ("3 days ago", "2026-03-08"),
    ("two months ago", "2026-01"),
    ("in March", "2026-03"),
    ("in October", "2025-10"),
    ("7 October 2023", "2023-10-07"),
    ("October 7", "2025-10-07"),
    ("March 2024", "2024-03"),
    ("2023-10-07", "2023-10-07"),
    ("yesterday", "2026-03-10"),
    ("this morning", "2026-03-11"),
    ("last month", "2026-02"),
])
def test_resolve(phrase: str, expected: str) -> None:
    assert resolve_date(phrase, PUB) == expected


def test_relative_phrase_without_publication_time() -> None:
    assert resolve_date("last year", None) is None
    assert resolve_date("7 October 2023", None) == "2023-10-07"


def test_not_a_date() -> None:
    assert resolve_date("the attack", PUB) is None


@pytest.mark.parametrize(("phrase", "published_at"), [
    ("1000000 days ago", "2026-04-03T10:00:00Z"),
    ("999999999 weeks ago", "2026-04-03T10:00:00Z"),
    ("99999999999999999999 days ago", "2026-04-03T10:00:00Z"),
    ("9" * 5000 + " days ago", "2026-04-03T10:00:00Z"),
    ("1000000 years ago", "2026-04-03T10:00:00Z"),
    ("30000 months ago", "2026-04-03T10:00:00Z"),
    ("3000 years ago", "2026-04-03T10:00:00Z"),
    ("yesterday", "0001-01-01T00:00:00Z"),
    ("on Sunday", "0001-01-01T00:00:00Z"),
    ("last week", "0001-01-03T00:00:00Z"),
    ("last year", "0001-06-01T00:00:00Z"),
    ("last month", "0001-01-20T00:00:00Z"),
    ("in March", "0001-01-20T00:00:00Z"),
])
def test_a_phrase_outside_the_calendar_is_no_date(phrase: str, published_at: str) -> None:
    assert resolve_date(phrase, published_at) is None


def test_the_edges_of_the_calendar_still_resolve() -> None:
    assert resolve_date("yesterday", "0001-01-02T00:00:00Z") == "0001-01-01"
    assert resolve_date("on Monday", "0001-01-01T00:00:00Z") == "0001-01-01"
    assert resolve_date("1026 years ago", "2026-04-03T10:00:00Z") == "1000"
