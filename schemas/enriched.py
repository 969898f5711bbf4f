"""An article with its entities resolved: what the extract stage publishes."""

from __future__ import annotations

import faust


class EntityMention(faust.Record, serializer="json", include_metadata=False):
    """One canonical entity as it occurs in one article.

    ``sentences`` are character offsets ``[start, end)`` into the article's normalised text
    of the sentences that mention it.
    """

    id: str
    name: str
    label: str
    surface_forms: list[str]
    mentions: int
    sentences: list[list[int]]
    watched: bool = False
    kind: str | None = None
    titles: list[str] = []


class EnrichedArticle(faust.Record, serializer="json", include_metadata=False):
    """Entities of one unique article (key: article id)."""

    id: str
    entities: list[EntityMention]
    source: str | None = None
    published_at: str | None = None
