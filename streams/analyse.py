"""From a batch of unique articles to resolved entities and claims (pure; runs in a thread).

The extract agent hands a whole batch here so that spaCy sees it through one
``nlp.pipe`` call: batching is where spaCy's throughput comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from schemas import EnrichedArticle, EntityClaims, EntityMention, UniqueArticle
from streams.nlp import extract_mentions
from streams.resolve import ResolvedEntity, Resolver


@dataclass(frozen=True)
class Analysis:
    """What one article says: its entities and, per watched entity, its claims."""

    article: UniqueArticle
    entities: list[ResolvedEntity]
    watched: list[EntityClaims]


def analyse_batch(
    nlp: Language, resolver: Resolver, articles: Sequence[UniqueArticle], batch_size: int
) -> list[Analysis]:
    """Run the pipeline over the batch; one Analysis per article, in order."""
    results = []
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        entities = resolver.resolve(extract_mentions(doc))
        watched = [
            EntityClaims(
                entity_id=e.id,
                entity_name=e.name,
                kind=e.kind,
                article_id=article.id,
                source=article.source,
                published_at=article.published_at,
                first_sentence=article.text[e.sentences[0][0]:e.sentences[0][1]].strip(),
                claims=[],
            )
            for e in entities
            if e.watched
        ]
        results.append(Analysis(article, entities, watched))
    return results


def enriched_record(analysis: Analysis) -> EnrichedArticle:
    """The enriched-topic message for one analysed article."""
    return EnrichedArticle(
        id=analysis.article.id,
        source=analysis.article.source,
        published_at=analysis.article.published_at,
        entities=[
            EntityMention(
                id=e.id, name=e.name, label=e.label, kind=e.kind, watched=e.watched,
                surface_forms=list(e.surface_forms), titles=list(e.titles),
                mentions=e.mentions, sentences=[list(s) for s in e.sentences],
            )
            for e in analysis.entities
        ],
    )
