"""Resolve the date phrases wire copy uses ("on Monday", "two weeks ago", "in March")
against the article's publication time.

Wires rarely print absolute dates for recent events, so a captured_on/released_on claim
is only comparable across articles once it is pinned to the calendar. The result is
ISO 8601 with the precision the phrase carries: ``2026``, ``2026-03`` or ``2026-03-09``.

A date without a year is the most recent past one ("March 3" in an article of the
next year is last year's March 3), unless the phrase says which year ("3 March of last
year", "this year", "next year") or looks forward ("next Monday", "tomorrow", "next
March"), or falls within ``NEAR_FUTURE_DAYS`` after publication (a release "on March
12" in an article of March 11 is tomorrow's, not one of a year ago). A phrase told in
the past tense ("disappeared on March 14", "was seized in August") never resolves
after publication: its day or month is the most recent past one. "Last March" in an
article of March is the March a year before: "last" never names the current month or
day. "N years ago" is a year; "exactly N years ago" ("N years ago to the day",
"N years ago today") is the anniversary, a day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_UNIT_DAYS = {"day": 1, "week": 7}

_ISO = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"\b([a-z]+)\s+(\d{4})\b")
_AGO = re.compile(r"\b(\d+|[a-z]+)\s+(day|week|month|year)s?\s+ago\b")
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
_WHICH_YEAR = re.compile(r"\b(?:of\s+)?(last|previous|this|next|the\s+following)\s+year\b")
_YEAR_OFFSET = {"last": -1, "previous": -1, "this": 0, "next": 1}
_FORWARD = frozenset({"next", "coming", "upcoming"})
# words that tie "year" / "month" to the publication ("this year", "last month")
_DEICTIC = _FORWARD | {"this", "last", "previous", "current"}
_WORDS = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")  # "29-year-old" is one word
# the past tense: an -ed form, or a common irregular past (participle)
_PAST = frozenset({"was", "were", "had", "did", "went", "gone", "took", "taken", "held",
                   "left", "fled", "came", "got", "began", "begun", "seen", "saw", "ago",
                   "since", "died", "caught", "fell", "kept", "lost", "met", "ran"})
# words that put an -ed form in the future ("is scheduled to be released on")
_NOT_PAST = frozenset({"will", "shall", "to", "due", "expected", "scheduled", "set", "be",
                       "planned", "tomorrow"})
# words that make "N years ago" the anniversary, a day ("exactly four years ago"); NER
# leaves them outside the date entity, so the claims add them back (``_whole_date``)
EXACTLY = frozenset({"exactly", "precisely"})
_EXACT = re.compile(rf"\b(?:{'|'.join(sorted(EXACTLY))})\b|\bto\s+the\s+day\b|\bago\s+today\b")
NEAR_FUTURE_DAYS = 7
# What a relative phrase may resolve to: a year of four digits, not 0000, and no sign.
_CALENDAR = re.compile(r"(?!0000)\d{4}(?:-\d{2}(?:-\d{2})?)?")


def parse_published(published_at: str | None) -> date | None:
    """The calendar day of an ISO timestamp (``Z`` accepted); None when absent or invalid."""
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) - months
    return index // 12, index % 12 + 1


def _month_near(pub: date, month: int, words: set[str]) -> str:
    """Year-month of the latest ``month`` not after the publication month; with
    "last", strictly before it; looking forward ("next March"), the first after it."""
    if words & _FORWARD:
        year = pub.year if month > pub.month else pub.year + 1
    elif "last" in words:
        year = pub.year if month < pub.month else pub.year - 1
    else:
        year = pub.year if month <= pub.month else pub.year - 1
    return f"{year}-{month:02d}"


def _stated_year(t: str, pub: date | None) -> int | None:
    """The year a phrase names relative to publication ("of last year"), if any."""
    m = _WHICH_YEAR.search(t)
    if m is None or pub is None:
        return None
    return pub.year + _YEAR_OFFSET.get(m.group(1), 1)


def _past(words: list[str]) -> bool:
    """The phrase tells a past event ("disappeared", "was seized"), nothing future."""
    if _NOT_PAST & set(words) or _FORWARD & set(words):
        return False
    return any(w in _PAST or len(w) > 4 and w.endswith("ed") and w not in _MONTHS
               for w in words)


def _day(pub: date | None, year: int | None, month: int, day: int,
         forward: bool = False, past: bool = False) -> str | None:
    if year is None:
        if pub is None:
            return None
        year = pub.year
        try:
            ahead = (date(year, month, day) - pub).days
        except ValueError:  # 29 February of a common year: the year before, if leap
            ahead = NEAR_FUTURE_DAYS + 1
        if forward:
            year += ahead <= 0
        elif ahead > (0 if past else NEAR_FUTURE_DAYS):
            year -= 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def resolve_date(text: str, published_at: str | None) -> str | None:
    """ISO date (reduced precision allowed) of a date phrase, or None when it is not one.

    Relative phrases need ``published_at``; without it only absolute dates resolve.
    """
    t = text.lower().strip()
    pub = parse_published(published_at)
    if m := _ISO.search(t):
        return m.group(0)
    stated = _stated_year(t, pub)
    words = _WORDS.findall(t)
    forward, past = bool(_FORWARD & set(words)), _past(words)
    for m in _DAY_MONTH.finditer(t):
        if m.group(2) in _MONTHS:
            year = int(m.group(3)) if m.group(3) else stated
            return _day(pub, year, _MONTHS[m.group(2)], int(m.group(1)), forward, past)
    for m in _MONTH_DAY.finditer(t):
        if m.group(1) in _MONTHS and int(m.group(2)) <= 31:
            year = int(m.group(3)) if m.group(3) else stated
            return _day(pub, year, _MONTHS[m.group(1)], int(m.group(2)), forward, past)
    if stated is not None:
        for w in words:
            if w in _MONTHS and len(w) > 3:
                return f"{stated}-{_MONTHS[w]:02d}"
    for m in _MONTH_YEAR.finditer(t):
        if m.group(1) in _MONTHS:
            return f"{m.group(2)}-{_MONTHS[m.group(1)]:02d}"
    if m := _YEAR.search(t):
        return m.group(1)
    if pub is None:
        return None
    # "1000000 days ago", or "yesterday" against a publication in year 1, points outside
    # the calendar: no date, never an OverflowError or a year 0 or below (nor the
    # ValueError of int() on a number of more than 4,300 digits).
    try:
        resolved = _relative(t, pub)
    except (OverflowError, ValueError):
        return None
    return resolved if resolved and _CALENDAR.fullmatch(resolved) else None


def _relative(t: str, pub: date) -> str | None:
    words = _WORDS.findall(t)
    forward = bool(_FORWARD & set(words))
    if "yesterday" in words:
        return (pub - timedelta(days=1)).isoformat()
    if "tomorrow" in words:
        return (pub + timedelta(days=1)).isoformat()
    if m := _AGO.search(t):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS.get(m.group(1))
        if n is None:
            return None
        unit = m.group(2)
        if unit in _UNIT_DAYS:
            return (pub - timedelta(days=n * _UNIT_DAYS[unit])).isoformat()
        months = n if unit == "month" else 12 * n
        year, month = _shift_months(pub, months)
        if _EXACT.search(t):  # the anniversary: the same day of the month, or its last
            return date(year, month, min(pub.day, calendar.monthrange(year, month)[1])
                        ).isoformat()
        return f"{year}-{month:02d}" if unit == "month" else str(year)
    if {"today", "tonight"} & set(words) or "this" in words and {
            "morning", "afternoon", "evening"} & set(words):
        return pub.isoformat()
    if {"year", "month"} & set(words) and not _DEICTIC & set(words):
        return None  # a length of time ("one year after", "a month later"), no date
    if "year" in words:
        return str(pub.year + (1 if forward else -1 if "last" in words else 0))
    if "month" in words:
        back = -1 if forward else 1 if "last" in words else 0
        return "{}-{:02d}".format(*_shift_months(pub, back))
    if "week" in words and ("last" in words or forward):
        return (pub + timedelta(days=7 if forward else -7)).isoformat()
    for w in words:
        if w in _WEEKDAYS:
            if forward:
                return (pub + timedelta(days=(_WEEKDAYS[w] - pub.weekday() - 1) % 7 + 1)
                        ).isoformat()
            back = (pub.weekday() - _WEEKDAYS[w]) % 7
            if "last" in words and back == 0:
                back = 7
            return (pub - timedelta(days=back)).isoformat()
        if w in _MONTHS and len(w) > 3:
            return _month_near(pub, _MONTHS[w], set(words))
    return None
