"""An in-memory ``BoardData`` and invented alerts for the board's unit tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from agents.board.feed import AlertFeed
from agents.board.model import (
    ArticleMeta,
    Attribute,
    Evidence,
    FeedItem,
    Health,
    Person,
    Value,
    Watch,
)
from agents.board.web import make_app
from streams.text import entity_id


class MemoryBoardData:
    """``BoardData`` in memory: what a test puts in is what the pages show."""

    def __init__(self) -> None:
        self.articles: dict[str, ArticleMeta] = {}
        # A test puts an alert's article in before the alert, or never: the lookup is
        # final, and no alert waits for its article.
        self.feed = AlertFeed(100, self.articles.get, article_wait=0)
        self.people: dict[str, Person] = {}
        self.watches: dict[str, Watch] = {}
        self.health_now = Health(articles_in=12, duplicates=3,
                                 dead_letters={"invalid_json": 2}, lag=0)

    def items(self) -> list[FeedItem]:
        return self.feed.items()

    def alerts(self, after: int) -> AsyncIterator[FeedItem]:
        return self.feed.follow(after)

    async def profile(self, entity_id_: str) -> Person | None:
        return self.people.get(entity_id_)

    async def watchlist(self) -> list[Watch]:
        return list(self.watches.values())

    async def add_watch(self, name: str, aliases: tuple[str, ...], kind: str | None) -> Watch:
        watch = Watch(entity_id(name), name, aliases, kind)
        self.watches[watch.id] = watch
        return watch

    async def remove_watch(self, entity_id_: str) -> bool:
        return self.watches.pop(entity_id_, None) is not None

    async def health(self) -> Health:
        return self.health_now


def alert(kind: str, name: str = "Daniel Orlov", *, article_id: str = "wire-a-101",
          attribute: str | None = None, value: str | None = None,
          sentence: str = "Daniel Orlov is being held by the Northern Liberation Front.",
          source: str = "Northwire", previous: list[dict[str, Any]] | None = None,
          alert_id: str | None = None) -> dict[str, Any]:
    """An alert document as the alerts topic carries it."""
    return {
        "alert_id": alert_id or f"{entity_id(name)}-{kind}-{attribute}-{value}",
        "type": kind, "entity": {"id": entity_id(name), "name": name, "kind": "hostage"},
        "article_id": article_id, "detected_at": "2026-04-02T08:00:05Z",
        "evidence": [{"article_id": article_id, "sentence": sentence, "source": source,
                      "attribution": None}],
        "attribute": attribute, "value": value, "previous": previous or [],
    }


def value(v: str, source: str, article_id: str, sentence: str, when: str,
          attribution: str | None = None) -> Value:
    return Value(v, (source,), 1, (article_id,),
                 (Evidence(article_id, sentence, source, attribution),), when, when)


def orlov() -> Person:
    """A profile with a conflict on held_by and a status that moved on."""
    return Person(
        "daniel-orlov", "Daniel Orlov", "hostage",
        (
            Attribute("held_by", (
                value("Northern Liberation Front", "Northwire", "wire-a-101",
                      "Daniel Orlov is being held by the Northern Liberation Front.",
                      "2026-04-02T08:00:00Z", "his family"),
                value("Crimson Brigade", "Eastpost", "wire-b-202",
                      "The Crimson Brigade said it was holding Danil Orlov.",
                      "2026-04-03T10:30:00Z", "Crimson Brigade"),
            )),
            Attribute("status", (
                value("held", "Northwire", "wire-a-101",
                      "Daniel Orlov is being held by the Northern Liberation Front.",
                      "2026-04-02T08:00:00Z"),
                value("released", "Northwire", "wire-c-303", "Orlov was released on Friday.",
                      "2026-04-10T09:00:00Z"),
            )),
        ),
        ("wire-a-101", "wire-b-202", "wire-c-303"), "2026-04-02T08:00:00Z",
        frozenset({"held_by"}),
        {"wire-a-101": ArticleMeta("wire-a-101", "Engineer held", "https://northwire.example/a",
                                   "Northwire", "2026-04-02T08:00:00Z"),
         "wire-b-202": ArticleMeta("wire-b-202", "Group says it holds reservist", None,
                                   "Eastpost", "2026-04-03T10:30:00Z")},
    )


@pytest.fixture
def data() -> MemoryBoardData:
    return MemoryBoardData()


@pytest.fixture
async def client(data: MemoryBoardData) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(make_app(data))) as c:
        yield c
