"""What the board shows, in its own terms, and the one interface it reads it through.

The web app and the templates see only these types and :class:`BoardData`, never Kafka,
Redis or the pipeline's stores: ``agents.board.data`` maps the runtime onto them, and
tests swap in an in-memory twin. Alerts stay the alerts topic's JSON documents (their
schema is ``schemas/alert.schema.json``), so a field the pipeline adds reaches the page
without a change here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

AlertDoc = dict[str, Any]


@dataclass(frozen=True)
class ArticleMeta:
    """What the board knows of one article besides its text."""

    article_id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None


@dataclass(frozen=True)
class FeedItem:
    """One alert as the feed holds it: its arrival number and its article."""

    seq: int
    alert: AlertDoc
    article: ArticleMeta | None = None


@dataclass(frozen=True)
class Watch:
    """One watched entity; ``removable`` is False for entries of the watchlist file,
    which only an edit of the file takes away."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    removable: bool = True


@dataclass(frozen=True)
class Evidence:
    """One sentence that supports a value, and who said it where."""

    article_id: str
    sentence: str
    source: str | None = None
    attribution: str | None = None


@dataclass(frozen=True)
class Value:
    """One value of one attribute with everything that supports it."""

    value: str
    sources: tuple[str, ...]
    independent_sources: int
    article_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class Attribute:
    """An attribute of a person and its values, oldest first. ``multi``: several values
    at once are normal (aliases), not a conflict."""

    name: str
    values: tuple[Value, ...]
    multi: bool = False


@dataclass(frozen=True)
class Person:
    """A fact profile, with the articles the board knows that mention the person."""

    entity_id: str
    name: str
    kind: str | None
    attributes: tuple[Attribute, ...]
    article_ids: tuple[str, ...]
    first_seen: str
    conflicted: frozenset[str] = frozenset()
    articles: dict[str, ArticleMeta] = field(default_factory=dict)


@dataclass(frozen=True)
class Health:
    """The pipeline at a glance. ``None``: not known (yet)."""

    articles_in: int | None = None
    duplicates: int | None = None
    dead_letters: dict[str, int] = field(default_factory=dict)
    lag: int | None = None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"articles_in": self.articles_in, "duplicates": self.duplicates,
                "dead_letters": dict(self.dead_letters),
                "dead_letters_total": sum(self.dead_letters.values()),
                "lag": self.lag, "problem": self.problem}


class BoardData(Protocol):
    """Everything the board reads and changes."""

    def items(self) -> list[FeedItem]:
        """Alerts held now, oldest first."""
        ...

    def alerts(self, after: int) -> AsyncIterator[FeedItem]:
        """Alerts with ``seq > after`` as they arrive, until cancelled."""
        ...

    async def profile(self, entity_id: str) -> Person | None:
        """The person's fact profile, or None when there is none."""
        ...

    async def watchlist(self) -> list[Watch]:
        """The watchlist the workers run with."""
        ...

    async def add_watch(self, name: str, aliases: tuple[str, ...], kind: str | None) -> Watch:
        """Watch a name from now on (running workers pick it up)."""
        ...

    async def remove_watch(self, entity_id: str) -> bool:
        """Stop watching; False when it was not on the runtime watchlist."""
        ...

    async def health(self) -> Health:
        """Counters of the pipeline."""
        ...
