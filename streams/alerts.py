"""Alert records and their ids.

An alert id is a hash of what the alert says — entity, type, attribute, value — folded
so that spelling noise does not split one fact in two. A redelivered message, a second
worker, or a replay therefore reproduce the same id, and consumers can drop repeats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from schemas import Alert, AlertEntity, Evidence, PreviousValue
from streams.claim_values import fold


def alert_id(entity_id: str, type: str, attribute: str | None, value: str | None) -> str:
    """Deterministic id of an alert: the same (entity, type, attribute, value) -> same id."""
    parts = [fold(p) if p else "" for p in (entity_id, type, attribute, value)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def evidence(article_id: str, sentence: str, source: str | None = None,
             attribution: str | None = None) -> Evidence:
    """One sentence backing a value."""
    return Evidence(article_id=article_id, sentence=sentence, source=source,
                    attribution=attribution)


def build_alert(type: str, entity: AlertEntity, article_id: str, detected_at: str,
                evidence: Iterable[Evidence], attribute: str | None = None,
                value: str | None = None,
                previous: Iterable[PreviousValue] = ()) -> Alert:
    """An Alert whose id follows from its content."""
    return Alert(alert_id=alert_id(entity.id, type, attribute, value), type=type, entity=entity,
                 article_id=article_id, detected_at=detected_at, evidence=list(evidence),
                 attribute=attribute, value=value, previous=list(previous))


def _evidence_dict(e: Evidence) -> dict[str, Any]:
    return {"article_id": e.article_id, "sentence": e.sentence, "source": e.source,
            "attribution": e.attribution}


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    """Plain JSON-able dict matching ``alert.schema.json`` (no Faust metadata)."""
    return {
        "alert_id": alert.alert_id, "type": alert.type,
        "entity": {"id": alert.entity.id, "name": alert.entity.name, "kind": alert.entity.kind},
        "article_id": alert.article_id, "detected_at": alert.detected_at,
        "evidence": [_evidence_dict(e) for e in alert.evidence],
        "attribute": alert.attribute, "value": alert.value,
        "previous": [{"value": p.value, "sources": list(p.sources),
                      "evidence": [_evidence_dict(e) for e in p.evidence]}
                     for p in alert.previous],
    }


def alert_from_dict(data: dict[str, Any]) -> Alert:
    """Inverse of :func:`alert_to_dict`, rebuilding the nested records."""
    return Alert(
        alert_id=data["alert_id"], type=data["type"], entity=AlertEntity(**data["entity"]),
        article_id=data["article_id"], detected_at=data["detected_at"],
        evidence=[Evidence(**e) for e in data["evidence"]],
        attribute=data.get("attribute"), value=data.get("value"),
        previous=[PreviousValue(value=p["value"], sources=list(p["sources"]),
                                evidence=[Evidence(**e) for e in p["evidence"]])
                  for p in data.get("previous") or []],
    )
