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
