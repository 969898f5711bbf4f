"""Pure pieces of the board's pages: marking a name in a sentence, picking the conflicts
of a profile, laying out a timeline. No I/O, no HTML: the templates turn what these
return into markup (and escape every piece of it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from agents.board.model import ArticleMeta, Attribute, Person

_CSS_WORD = re.compile(r"[^a-z0-9]+")


def parse_time(value: str | None) -> datetime | None:
    """An ISO-8601 time (``Z`` or offset; naive means UTC), None when absent or bad."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def show_time(value: str | None) -> str:
    """``2026-04-02 08:00 UTC``: what a desk reads; the raw text when it is no time."""
    parsed = parse_time(value)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if parsed else (value or "")


def css_word(value: str) -> str:
    """A value as a class-name suffix (``"held"`` -> ``"held"``, ``"in custody"`` ->
    ``"in-custody"``), so a stylesheet can colour known statuses."""
    return _CSS_WORD.sub("-", value.lower()).strip("-") or "x"


def name_forms(names: list[str]) -> list[str]:
    """The forms a wire uses for a person: each full name and its last word ("Orlov"),
    longest first, so that a full name is marked whole rather than by its surname."""
    forms: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if name:
            forms.add(name)
            last = name.split()[-1]
            if len(last) >= 3:
                forms.add(last)
    return sorted(forms, key=lambda f: (-len(f), f))


def mark(sentence: str, names: list[str]) -> list[tuple[str, bool]]:
    """``sentence`` cut into pieces, True for a piece that is one of ``names``' forms."""
    forms = name_forms(names)
    if not forms:
        return [(sentence, False)] if sentence else []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)",
                         re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for found in pattern.finditer(sentence):
        if found.start() > at:
            pieces.append((sentence[at:found.start()], False))
        pieces.append((found.group(), True))
        at = found.end()
    if at < len(sentence):
        pieces.append((sentence[at:], False))
    return pieces


def conflicts(person: Person) -> list[Attribute]:
    """The attributes shown side by side: in conflict, with more than one value."""
    return [a for a in person.attributes if a.name in person.conflicted and len(a.values) > 1]


@dataclass(frozen=True)
class Segment:
    """A stretch of the status row: ``value`` held from x1 to x2."""

    x1: float
    x2: float
    value: str
    css: str
    when: str
    row: int = 0

    @property
    def labelled(self) -> bool:
        """Whether the value's name fits inside the stretch (else it is a tooltip)."""
        return self.x2 - self.x1 >= 6.5 * len(self.value) + 8


@dataclass(frozen=True)
class Mark:
    """An article on the articles row."""

    x: float
    label: str
    url: str | None


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    """Coordinates of the timeline SVG (a ``width`` x ``height`` viewBox)."""

    width: int
    height: int
    segments: tuple[Segment, ...]
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    unplaced: int

    @property
    def empty(self) -> bool:
        return not self.segments and not self.marks


WIDTH, HEIGHT, PAD = 720, 120, 24


def _article_label(meta: ArticleMeta | None, article_id: str, when: datetime) -> str:
    parts = [when.strftime("%Y-%m-%d %H:%M")]
    if meta and meta.source:
        parts.append(meta.source)
    parts.append(meta.title if meta and meta.title else article_id)
    return " · ".join(parts)


def _stretches(observed: list[tuple[datetime, str]],
               end: datetime) -> list[tuple[datetime, datetime, str, int]]:
    """(from, until, value, row): each value from when it was reported until the next
    report of another value; a repeat of the current value extends it. Values reported
    at one moment (a conflict) share the stretch on rows of their own."""
    moments: dict[datetime, list[str]] = {}
    for t, value in observed:
        moments.setdefault(t, []).append(value)
    times = sorted(moments)
    out: list[tuple[datetime, datetime, str, int]] = []
    current: list[str] = []
    for i, t in enumerate(times):
        values = moments[t]
        if values == current and out:
            continue
        current = values
        later = [u for u in times[i + 1:] if moments[u] != values]
        until = later[0] if later else end
        out.extend((t, until, value, min(row, 2)) for row, value in enumerate(values))
    return out


def timeline(person: Person, status_attribute: str = "status", ticks: int = 5) -> Timeline:
    """Status and mentioning articles by publication time. A status value is placed at
    the publication time of each article that reported it (its ``first_seen`` when the
    board does not know the article); an article of unknown time is counted, not drawn."""
    observed: list[tuple[datetime, str]] = []
    for attribute in person.attributes:
        if attribute.name != status_attribute:
            continue
        for value in attribute.values:
            times = [parse_time(person.articles[a].published_at) for a in value.article_ids
                     if a in person.articles]
            times = [t for t in times if t] or [parse_time(value.first_seen)]
            observed.extend((t, value.value) for t in times if t)
    articles: list[tuple[datetime, str]] = []
    unplaced = 0
    for article_id in person.article_ids:
        meta = person.articles.get(article_id)
        when = parse_time(meta.published_at) if meta else None
        if when is None:
            unplaced += 1
        else:
            articles.append((when, article_id))
    times = [t for t, _ in observed] + [t for t, _ in articles]
    if not times:
        return Timeline(WIDTH, HEIGHT, (), (), (), unplaced)
    start, end = min(times), max(times)
    if end - start < timedelta(hours=1):
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    # The last status holds until now, as far as the wires say: leave it room to show.
    end += (end - start) * 0.12
    span = (end - start).total_seconds()

    def x(t: datetime) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (t - start).total_seconds() / span, 1)

    segments = [Segment(x(t), x(until), value, css_word(value), t.strftime("%Y-%m-%d %H:%M"),
                        row) for t, until, value, row in _stretches(
                    sorted(dict.fromkeys(observed), key=lambda o: o[0]), end)]
    marks = tuple(Mark(x(t), _article_label(person.articles.get(a), a, t),
                       (person.articles.get(a) or ArticleMeta(a)).url)
                  for t, a in sorted(articles))
    step = span / (ticks - 1)
    # Days apart: the day says it; within a few days the hour is what tells ticks apart.
    shown = "%b %d" if span >= 3 * ticks * 86400 else "%b %d %H:%M"
    tick_list = tuple(Tick(x(start + timedelta(seconds=step * i)),
                           (start + timedelta(seconds=step * i)).strftime(shown))
                      for i in range(ticks))
    return Timeline(WIDTH, HEIGHT, tuple(segments), marks, tick_list, unplaced)
