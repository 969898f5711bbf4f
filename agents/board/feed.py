"""The alerts a board holds: bounded, each alert once, numbered in arrival order.

The alerts topic is read from the beginning, and a worker that dies between sending an
alert and committing sends it again, so the same ``alert_id`` can arrive twice: the
feed keeps the first. The numbers (``seq``) let a page that rendered up to N ask for
what came after N, so a reconnecting browser neither misses nor repeats an alert.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import NamedTuple

from agents.board.model import AlertDoc, ArticleMeta, FeedItem

ArticleLookup = Callable[[str], ArticleMeta | None]
#: How long a live alert waits for its article. The article reaches the unique topic
#: before the worker alerts on it, so only the board's own reader of that topic (whose
#: messages carry whole texts) can be behind: a fetch or two, well under this.
ARTICLE_WAIT = 2.0


class _Entry(NamedTuple):
    item: FeedItem
    due: float  # the event loop's time after which the alert goes out without its article


class AlertFeed:
    """At most ``capacity`` alerts, newest kept; followers wake when one arrives.

    ``articles`` finds an alert's article when it is read, not when the alert arrives:
    the article's metadata may come in on another topic a moment later. ``follow`` holds
    a fresh alert back until its article is known (``article_arrived`` says so) or
    ``article_wait`` seconds after the alert arrived, so that a live page shows it once
    and whole. Holding, rather than sending an update once the article comes: a rendered
    alert that then grows a title would move what the reader is reading, and the page
    would need a second kind of event for what is a wait of a fetch or two. Past the
    bound the alert goes out without its link, as a page load shows it until the article
    is read. With ``article_wait=0`` the lookup is taken as final: nothing waits.
    """

    def __init__(self, capacity: int = 5000, articles: ArticleLookup | None = None, *,
                 article_wait: float = ARTICLE_WAIT) -> None:
        self.capacity = capacity
        self.article_wait = article_wait
        self._articles = articles or (lambda _id: None)
        self._entries: deque[_Entry] = deque(maxlen=capacity)
        self._seen: OrderedDict[str, None] = OrderedDict()
        # Articles that fresh alerts wait for, each with the time the wait ends (oldest
        # first): an arriving article wakes the followers only when one waits for it.
        self._awaited: OrderedDict[str, float] = OrderedDict()
        self._seq = 0
        self._changes = 0
        self._changed = asyncio.Condition()

    @property
    def last_seq(self) -> int:
        return self._seq

    def _with_article(self, item: FeedItem) -> FeedItem:
        article = self._articles(item.alert["article_id"])
        return replace(item, article=article) if article else item

    def items(self) -> list[FeedItem]:
        """Held alerts, oldest first."""
        return [self._with_article(e.item) for e in self._entries]

    async def add(self, alert: AlertDoc) -> FeedItem | None:
        """Hold ``alert`` unless its id is held or was seen recently; None for a repeat."""
        alert_id = alert["alert_id"]
        if alert_id in self._seen:
            return None
        self._seen[alert_id] = None
        # Ids are remembered four times as long as alerts are held: a re-send arrives
        # soon after the original, not thousands of alerts later.
        while len(self._seen) > 4 * self.capacity:
            self._seen.popitem(last=False)
        self._seq += 1
        item = FeedItem(self._seq, alert)
        now = asyncio.get_running_loop().time()
        self._entries.append(_Entry(item, now + self.article_wait))
        self._await_article(item, now)
        await self._wake()
        return item

    def _await_article(self, item: FeedItem, now: float) -> None:
        """Note the article ``item`` waits for, if not known yet; forget the waits that
        are over (they are the oldest: every wait is equally long)."""
        while self._awaited and next(iter(self._awaited.values())) <= now:
            self._awaited.popitem(last=False)
        article_id = item.alert["article_id"]
        if self.article_wait > 0 and self._articles(article_id) is None:
            self._awaited.pop(article_id, None)
            self._awaited[article_id] = now + self.article_wait

    async def article_arrived(self, article_id: str) -> None:
        """The lookup now knows ``article_id``: release the alerts held for it."""
        if self._awaited.pop(article_id, None) is not None:
            await self._wake()

    async def _wake(self) -> None:
        self._changes += 1
        async with self._changed:
            self._changed.notify_all()

    def _ready(self, after: int) -> tuple[list[FeedItem], float | None]:
        """The items with ``seq > after`` that may go out now, oldest first, and when the
        first one held back stops waiting for its article (None: none is held). The
        items after a held one wait with it, so what a page has seen is always every
        alert up to its last number."""
        now = asyncio.get_running_loop().time()
        ready: list[FeedItem] = []
        for entry in self._entries:
            if entry.item.seq <= after:
                continue
            item = self._with_article(entry.item)
            if item.article is None and entry.due > now:
                return ready, entry.due
            ready.append(item)
        return ready, None

    async def follow(self, after: int) -> AsyncIterator[FeedItem]:
        """Items with ``seq > after``, oldest first, waiting for new ones until cancelled;
        a fresh alert whose article is not known yet comes once it is, or once its wait
        is over (see the class)."""
        while True:
            changes = self._changes
            ready, held_until = self._ready(after)
            for item in ready:
                yield item
                after = item.seq
            async with self._changed:
                if self._changes == changes:  # else something came while yielding
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout_at(held_until):
                            await self._changed.wait()
