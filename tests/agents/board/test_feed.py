"""The feed: each alert once, bounded, numbered, followed from a number; a fresh alert
followed with its article."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from agents.board.feed import AlertFeed
from agents.board.model import ArticleMeta, FeedItem
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
    feed = AlertFeed(10, article_wait=0)
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


HELD = ArticleMeta("wire-a-101", "Engineer held", "https://northwire.example/a")
SPOKE = ArticleMeta("wire-b-202", "Reservist's family speaks")


def following(feed: AlertFeed, after: int = 0) -> tuple[list[FeedItem], asyncio.Task]:
    """What ``feed.follow(after)`` gives, as it gives it, and the task reading it."""
    got: list[FeedItem] = []

    async def read() -> None:
        async for item in feed.follow(after):
            got.append(item)

    return got, asyncio.create_task(read())


async def until(condition: Callable[[], object], timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


async def test_a_fresh_alert_is_followed_with_its_article_once_the_article_arrives():
    articles: dict[str, ArticleMeta] = {}
    feed = AlertFeed(10, articles.get, article_wait=5.0)
    await feed.add(alert("new_entity"))
    got, task = following(feed)
    await asyncio.sleep(0.05)
    assert got == []
    articles[HELD.article_id] = HELD
    await feed.article_arrived(HELD.article_id)
    await until(lambda: got)  # well before the 5 s bound: the arrival woke the follower
    assert [(i.seq, i.article) for i in got] == [(1, HELD)]
    task.cancel()


async def test_an_alert_whose_article_does_not_come_is_followed_without_it_after_the_wait():
    feed = AlertFeed(10, {}.get, article_wait=0.5)
    await feed.add(alert("new_entity"))
    got, task = following(feed)
    await asyncio.sleep(0.05)
    assert got == []
    await until(lambda: got)
    assert [(i.seq, i.article) for i in got] == [(1, None)]
    task.cancel()


async def test_a_held_alert_holds_back_the_ones_after_it():
    articles = {SPOKE.article_id: SPOKE}
    feed = AlertFeed(10, articles.get, article_wait=5.0)
    await feed.add(alert("new_entity"))
    await feed.add(alert("new_detail", attribute="age", value="34", article_id="wire-b-202"))
    got, task = following(feed)
    await asyncio.sleep(0.05)
    assert got == []  # the second alert's article is known, but it is not sent first
    articles[HELD.article_id] = HELD
    await feed.article_arrived(HELD.article_id)
    await until(lambda: len(got) == 2)
    assert [(i.seq, i.article) for i in got] == [(1, HELD), (2, SPOKE)]
    task.cancel()


async def test_the_wait_counts_from_the_alerts_arrival_not_from_each_follower():
    feed = AlertFeed(10, {}.get, article_wait=0.2)
    await feed.add(alert("new_entity"))
    first, first_task = following(feed)
    await until(lambda: first)
    second, second_task = following(feed)  # a page reconnecting after the wait
    await asyncio.sleep(0.02)
    assert [i.seq for i in second] == [1]
    for task in (first_task, second_task):
        task.cancel()
