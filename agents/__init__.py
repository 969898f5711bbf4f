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

from agents import extract, ingest, profile
from agents.context import topics
from streams.app import app

__all__ = ["app", "extract", "ingest", "profile", "topics"]
