"""Outcomes of each stage, for whoever listens in-process (replay progress, metrics).

Each worker has its own ``Observers``: agents call ``emit`` once per outcome; listeners
must be cheap and are never allowed to raise into the stream.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

log = logging.getLogger(__name__)
Stage = Literal["ingest", "extract", "profile"]


@dataclass(frozen=True)
class Outcome:
    """What one stage did with one message.

    ``stage`` is ``ingest`` (``kind``: unique | duplicate | dead_letter), ``extract``
    (``kind``: enriched | dead_letter; ``count``: entity-claims messages sent,
    ``claims``: what they said) or ``profile`` (``kind``: updated | dead_letter;
    ``alert_ids`` sent).
    """

    stage: Stage
    kind: str
    article_id: str | None = None
    count: int = 0
    alert_ids: tuple[str, ...] = ()
    seconds: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    claims: tuple[dict[str, Any], ...] = ()


Listener = Callable[[Outcome], None]


class Observers:
    """The listeners of one worker."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, outcome: Outcome) -> None:
        """Tell every listener; a failing listener is logged, never raised."""
        for listener in list(self._listeners):
            try:
                listener(outcome)
            except Exception:
                log.exception("outcome listener failed")
