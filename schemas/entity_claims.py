"""What one article says about one watched entity, keyed by entity id.

Keying by entity id routes every update of one entity to one partition, so one
worker at a time owns an entity's fact profile.
"""

from __future__ import annotations

import faust


class ClaimRecord(faust.Record, serializer="json", include_metadata=False):
    """One claim: ``attribute`` of the entity is ``value``, as ``sentence`` says."""

    attribute: str
    value: str
    sentence: str
    attribution: str | None = None
    qualifier: str | None = None  # "reportedly" / "allegedly": reported, kept
    # a status told as background ("was kidnapped in 2023", "hostage Orlov"): history,
    # never a step back from a later status
    background: bool = False


class EntityClaims(faust.Record, serializer="json", include_metadata=False):
    """All claims about one watched entity from one article (key: entity id)."""

    entity_id: str
    entity_name: str
    article_id: str
    first_sentence: str
    claims: list[ClaimRecord] = []
    kind: str | None = None
    source: str | None = None
    published_at: str | None = None
