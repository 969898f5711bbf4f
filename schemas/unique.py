"""An article that passed validation and dedup, on its way to NLP."""

from __future__ import annotations

import faust


class UniqueArticle(faust.Record, serializer="json", include_metadata=False):
    """A first copy of a story (key: article id). ``text`` is the normalised body NLP reads."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: str | None = None
