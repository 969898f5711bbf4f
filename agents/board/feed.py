"""The alerts a board holds: bounded, each alert once, numbered in arrival order.

The alerts topic is read from the beginning, and a worker that dies between sending an
alert and committing sends it again, so the same ``alert_id`` can arrive twice: the
feed keeps the first. The numbers (``seq``) let a page that rendered up to N ask for
what came after N, so a reconnecting browser neither misses nor repeats an alert.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

from agents.board.model import AlertDoc, ArticleMeta, FeedItem

ArticleLookup = Callable[[str], ArticleMeta | None]


class AlertFeed:
    """At most ``capacity`` alerts, newest kept; waiters wake when one arrives.

    ``articles`` finds an alert's article when it is read, not when the alert arrives:
    the article's metadata may come in on another topic a moment later.
    """

    def __init__(self, capacity: int = 5000, articles: ArticleLookup | None = None) -> None:
        self.capacity = capacity
        self._articles = articles or (lambda _id: None)
        self._items: deque[FeedItem] = deque(maxlen=capacity)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seq = 0
        self._changed = asyncio.Condition()

    @property
    def last_seq(self) -> int:
        return self._seq

    def _with_article(self, item: FeedItem) -> FeedItem:
        article = self._articles(item.alert["article_id"])
        return replace(item, article=article) if article else item

    def items(self) -> list[FeedItem]:
        """Held alerts, oldest first."""
        return [self._with_article(i) for i in self._items]

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
        self._items.append(item)
        async with self._changed:
            self._changed.notify_all()
        return item

    async def follow(self, after: int) -> AsyncIterator[FeedItem]:
        """Items with ``seq > after``, oldest first, waiting for new ones until cancelled."""
        while True:
            fresh = [i for i in self._items if i.seq > after]
            for item in fresh:
                yield self._with_article(item)
                after = item.seq
            async with self._changed:
                if self._seq <= after:
                    await self._changed.wait()
