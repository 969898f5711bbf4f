"""The output message: something about a watched entity that a person must look at."""

from __future__ import annotations

import faust


class AlertEntity(faust.Record, serializer="json", include_metadata=False):
    """The canonical entity an alert is about."""

    id: str
    name: str
    kind: str | None = None


class Evidence(faust.Record, serializer="json", include_metadata=False):
    """One sentence that supports a value, and where it came from."""

    article_id: str
    sentence: str
    source: str | None = None
    attribution: str | None = None
    qualifier: str | None = None  # "reportedly" / "allegedly": reported, not established


class PreviousValue(faust.Record, serializer="json", include_metadata=False):
    """A value recorded earlier for the same attribute, with what supported it."""

    value: str
    sources: list[str]
    evidence: list[Evidence]


class Alert(faust.Record, serializer="json", include_metadata=False):
    """An alert on the alerts topic (key: the entity id).

    ``alert_id`` is derived from what the alert says (entity, type, attribute, value),
    never from time or arrival order, so the same fact can never yield two ids.
    """

    alert_id: str
    type: str
    entity: AlertEntity
    article_id: str
    detected_at: str
    evidence: list[Evidence]
    attribute: str | None = None
    value: str | None = None
    previous: list[PreviousValue] = []
