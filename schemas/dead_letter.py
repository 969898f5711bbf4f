"""A message that could not be processed, kept with the reason, the stage and (a bounded
prefix of) its original bytes."""

from __future__ import annotations

import faust


class DeadLetter(faust.Record, serializer="json", include_metadata=False):
    """A message the pipeline could not process.

    ``payload_b64`` holds the bytes exactly as received, or their first
    ``WIREWATCH_DEAD_LETTER_PAYLOAD_BYTES`` when ``payload_truncated``; size and SHA-256
    are of the whole value, so a dead letter can always be sent and still be matched to
    its original.
    """

    reason: str
    detail: str
    stage: str
    payload_b64: str
    payload_size: int
    payload_sha256: str
    payload_truncated: bool
    topic: str
    partition: int
    offset: int
    received_at: str
    error_type: str | None = None
    key_b64: str | None = None
