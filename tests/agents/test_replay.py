"""A replay's progress collects every claim the extract stage reports."""

from __future__ import annotations

from agents.extract import claim_rows
from agents.observe import Outcome
from agents.replay import Progress
from schemas import ClaimRecord, EntityClaims


def test_extract_outcome_claims_are_listed_per_article() -> None:
    event = EntityClaims(entity_id="daniel-orlov", entity_name="Daniel Orlov", article_id="w1",
                         first_sentence="Daniel Orlov is held.", claims=[
                             ClaimRecord(attribute="status", value="held",
                                         sentence="Daniel Orlov is held.", attribution=None)])
    progress = Progress(published=1)
    progress.record(Outcome("extract", "enriched", "w1", count=1, claims=claim_rows(event)))
    assert progress.claims == [{"article_id": "w1", "entity_id": "daniel-orlov",
                                "entity": "Daniel Orlov", "attribute": "status",
                                "value": "held", "attribution": None, "qualifier": None,
                                "sentence": "Daniel Orlov is held."}]
    assert progress.pending_claims == 1
