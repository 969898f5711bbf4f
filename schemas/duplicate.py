"""What dedup decided about a copy, published so the decision is visible downstream."""

from __future__ import annotations

import faust


class DuplicateNotice(faust.Record, serializer="json", include_metadata=False):
    """An article dropped before NLP as a copy of ``duplicate_of`` (key: article id)."""

    article_id: str
    duplicate_of: str
    similarity: float
    kind: str
    source: str | None = None
