"""Message shapes of wirewatch: one module per message type, its JSON Schema beside it.

The Faust Records here are the only definition of what travels on a topic. The
``*.schema.json`` files are the contract for producers and alert consumers in any
language; ``tests/schemas`` keeps the two in agreement.
"""

from schemas.alert import Alert, AlertEntity, Evidence, PreviousValue
from schemas.article import Article
from schemas.dead_letter import DeadLetter
from schemas.duplicate import DuplicateNotice
from schemas.enriched import EnrichedArticle, EntityMention
from schemas.entity_claims import ClaimRecord, EntityClaims
from schemas.registry import SCHEMA_DIR, as_document, load_schema
from schemas.unique import UniqueArticle

__all__ = [
    "SCHEMA_DIR",
    "Alert",
    "AlertEntity",
    "Article",
    "ClaimRecord",
    "DeadLetter",
    "DuplicateNotice",
    "EnrichedArticle",
    "EntityClaims",
    "EntityMention",
    "Evidence",
    "PreviousValue",
    "UniqueArticle",
    "as_document",
    "load_schema",
]
