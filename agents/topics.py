"""Every topic wirewatch reads or writes, declared once on an app.

=====================  ==========  ==========================================
topic                  key         value
=====================  ==========  ==========================================
articles (in)          article id  raw bytes, decoded by ``streams.validate``
unique                 article id  ``UniqueArticle`` (passed dedup)
duplicates             article id  ``DuplicateNotice`` (what dedup decided)
enriched               article id  ``EnrichedArticle`` (resolved entities)
entity-claims          entity id   ``EntityClaims`` (per watched entity)
alerts (out)           entity id   ``Alert``
dead-letter            original    ``DeadLetter``
=====================  ==========  ==========================================

Keys are chosen so per-article work keeps an article's re-sends in order, and per-entity
work (the fact profile) sees one entity's updates on one partition, one at a time. The
names come from the settings (``Settings.topic_names`` lists them for creation).
"""

from __future__ import annotations

from dataclasses import dataclass

import faust

from schemas import (
    Alert,
    DeadLetter,
    DuplicateNotice,
    EnrichedArticle,
    EntityClaims,
    UniqueArticle,
)
from streams.settings import Settings


@dataclass(frozen=True)
class Topics:
    """Handles on the declared topics of one app."""

    articles: faust.TopicT
    unique: faust.TopicT
    duplicates: faust.TopicT
    enriched: faust.TopicT
    entity_claims: faust.TopicT
    alerts: faust.TopicT
    dead_letter: faust.TopicT


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    """Declare the topics on ``app`` with the configured names and partition count."""
    p = settings.partitions

    def topic(name: str, value_type: type | None, **kwargs: object) -> faust.TopicT:
        return app.topic(name, value_type=value_type, key_type=str, partitions=p, **kwargs)

    return Topics(
        articles=app.topic(
            settings.topic_articles, key_type=bytes, value_type=bytes,
            key_serializer="raw", value_serializer="raw", partitions=p,
        ),
        unique=topic(settings.topic_unique, UniqueArticle),
        duplicates=topic(settings.topic_duplicates, DuplicateNotice),
        enriched=topic(settings.topic_enriched, EnrichedArticle),
        entity_claims=topic(settings.topic_entity_claims, EntityClaims),
        alerts=topic(settings.topic_alerts, Alert),
        dead_letter=topic(settings.topic_dead_letter, DeadLetter),
    )
