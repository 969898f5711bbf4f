"""Alert records and their ids (Records to and from JSON: ``schemas.as_document``).

An alert id is a hash of what the alert says — entity, type, attribute, value — folded
so that spelling noise does not split one fact in two. A redelivered message, a second
worker, or a replay therefore reproduce the same id, and consumers can drop repeats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from schemas import Alert, AlertEntity, Evidence, PreviousValue
from streams.text import value_key


def alert_id(entity_id: str, type: str, attribute: str | None, value: str | None) -> str:
    """Deterministic id of an alert: the same (entity, type, attribute, value) -> same id."""
    parts = [value_key(p) if p else "" for p in (entity_id, type, attribute, value)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def evidence(article_id: str, sentence: str, source: str | None = None,
             attribution: str | None = None, qualifier: str | None = None) -> Evidence:
    """One sentence backing a value; ``qualifier`` is the hedge it reports it with."""
    return Evidence(article_id=article_id, sentence=sentence, source=source,
                    attribution=attribution, qualifier=qualifier)


def build_alert(type: str, entity: AlertEntity, article_id: str, detected_at: str,
                evidence: Iterable[Evidence], attribute: str | None = None,
                value: str | None = None,
                previous: Iterable[PreviousValue] = ()) -> Alert:
    """An Alert whose id follows from its content."""
    return Alert(alert_id=alert_id(entity.id, type, attribute, value), type=type, entity=entity,
                 article_id=article_id, detected_at=detected_at, evidence=list(evidence),
                 attribute=attribute, value=value, previous=list(previous))
