"""Outcomes of each stage, for whoever listens in-process (replay progress, metrics).

Agents call ``emit`` once per outcome; listeners must be cheap and never raise into the
stream.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from schemas import EntityClaims

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What one stage did with one message.

    ``stage`` is ``ingest`` (``kind``: unique | duplicate | dead_letter), ``extract``
    (``count``: entity-claims messages sent, ``claims``: those messages, so a replay can
    report every claim extracted) or ``profile`` (``alert_ids`` sent).
    """

    stage: str
    kind: str
    article_id: str | None = None
    count: int = 0
    alert_ids: tuple[str, ...] = ()
    claims: tuple[EntityClaims, ...] = ()
    seconds: float = 0.0
    detail: dict = field(default_factory=dict)


Listener = Callable[[Outcome], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Add a listener; returns the function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def emit(outcome: Outcome) -> None:
    """Tell every listener; a failing listener is logged, never raised."""
    for listener in _listeners:
        try:
            listener(outcome)
        except Exception:
            log.exception("outcome listener failed")
