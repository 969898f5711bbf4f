"""The feed: each alert once, bounded, numbered, followed from a number."""

from __future__ import annotations

import asyncio

from agents.board.feed import AlertFeed
from agents.board.model import ArticleMeta
from tests.agents.board.conftest import alert


async def test_a_repeated_alert_id_is_held_once():
    feed = AlertFeed(10)
    first = await feed.add(alert("new_entity"))
    assert first is not None and first.seq == 1
    assert await feed.add(alert("new_entity")) is None
    assert [i.seq for i in feed.items()] == [1]


async def test_the_newest_alerts_are_kept():
    feed = AlertFeed(3)
    for n in range(5):
        await feed.add(alert("new_detail", attribute="age", value=str(30 + n)))
    assert [i.alert["value"] for i in feed.items()] == ["32", "33", "34"]
    assert feed.last_seq == 5


async def test_the_article_is_looked_up_when_read_not_when_the_alert_arrived():
    articles: dict[str, ArticleMeta] = {}
    feed = AlertFeed(10, articles.get)
    await feed.add(alert("new_entity"))
    assert feed.items()[0].article is None
    articles["wire-a-101"] = ArticleMeta("wire-a-101", "Engineer held")
    assert feed.items()[0].article.title == "Engineer held"


async def test_follow_gives_what_came_after_a_number_then_waits_for_more():
    feed = AlertFeed(10)
    await feed.add(alert("new_entity"))
    await feed.add(alert("new_detail", attribute="age", value="34"))
    got: list[int] = []

    async def follow() -> None:
        async for item in feed.follow(1):
            got.append(item.seq)
            if item.seq == 3:
                return

    task = asyncio.create_task(follow())
    await asyncio.sleep(0.01)
    assert got == [2]
    await feed.add(alert("conflict", attribute="held_by", value="Crimson Brigade"))
    await asyncio.wait_for(task, 1)
    assert got == [2, 3]
