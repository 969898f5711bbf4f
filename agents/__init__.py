"""Faust agents: thin async wiring from topics through ``streams`` to topics and Redis.

Topology (one agent per stage, each named for it)::

    articles ──ingest──▶ unique ──extract──▶ enriched
       │   (validate,          (spaCy NER,    └──▶ entity-claims ──profile──▶ alerts
       │    normalise,          resolution,          (key: entity)   (fact profile,
       │    dedup in Redis)     claims)                               conflict rules)
       ├──▶ duplicates
       └──▶ dead-letter

Importing this package registers every agent on ``streams.app.app``.
"""

from agents import extract, health, ingest, profile
from agents.context import topics
from agents.observe import subscribe
from streams import metrics
from streams.app import app

subscribe(metrics.record)

__all__ = ["app", "extract", "health", "ingest", "profile", "topics"]
