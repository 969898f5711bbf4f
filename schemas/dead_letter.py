"""A message that could not be processed, kept with the reason and its original bytes."""

from __future__ import annotations

import faust


class DeadLetter(faust.Record, serializer="json", include_metadata=False):
    """An input the pipeline refused. ``payload_b64`` holds the bytes exactly as received."""

    reason: str
    detail: str
    payload_b64: str
    topic: str
    partition: int
    offset: int
    received_at: str
    key_b64: str | None = None
