"""The input message: one wire article as a producer publishes it."""

from __future__ import annotations

import faust


class Article(faust.Record, serializer="json", include_metadata=False):
    """A wire article. Only ``id`` and ``body`` are required; the rest helps attribution.

    Keyed by ``id`` on the articles topic so that re-sends of one article land on one
    partition and keep their order.
    """

    id: str
    body: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: str | None = None
    language: str | None = None
