"""From a batch of unique articles and their annotations (entities, sentences and
mentions, found in the worker's spaCy process) to resolved entities and claims (pure;
runs in a thread), and from analysed articles to the messages the extract stage
publishes.

Whole batches, because spaCy's throughput comes from ``nlp.pipe`` over many texts. An
article is tokenised again in the worker only if it mentions a watched entity: claims
read a doc, the rest reads the annotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from schemas import ClaimRecord, EnrichedArticle, EntityClaims, EntityMention, UniqueArticle
from streams.claims import Claim, ClaimExtractor, Request
from streams.nlp import Annotation, annotated_doc
from streams.resolve import ResolvedEntity, Resolver


@dataclass(frozen=True)
class Analysis:
    """One article, what the spaCy process found in it and its canonical entities."""

    article: UniqueArticle
    annotation: Annotation
    entities: list[ResolvedEntity]

    def with_entities(self, entities: list[ResolvedEntity]) -> Analysis:
        return replace(self, entities=entities)


def analyse_batch(resolver: Resolver, articles: Sequence[UniqueArticle],
                  annotations: Sequence[Annotation]) -> list[Analysis]:
    """Canonical entities of each article's mentions; one Analysis per article, in order."""
    return [
        Analysis(article, annotation, resolver.resolve(list(annotation.mentions)))
        for article, annotation in zip(articles, annotations, strict=True)
    ]


# Sentences kept for one claim of one article (same attribute, value, attribution and
# qualifier): evidence enough for a desk, and a message that cannot outgrow the broker's
# request limit, however many times a long article repeats itself.
EVIDENCE_PER_CLAIM = 5


def bounded(claims: Sequence[Claim], per_claim: int = EVIDENCE_PER_CLAIM) -> list[Claim]:
    """The claims in order, at most ``per_claim`` sentences for each distinct claim."""
    seen: dict[tuple[str, str, str | None, str | None], int] = {}
    out = []
    for c in claims:
        key = (c.attribute, c.value, c.attribution, c.qualifier)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= per_claim:
            out.append(c)
    return out


def watched_events(analyses: Sequence[Analysis], extractor: ClaimExtractor
                   ) -> list[list[EntityClaims]]:
    """For each article, one entity-claims message per watched entity, with its claims.

    Only the sentences about a watched entity are parsed (by the extractor, those of the
    whole batch at once); the other people of the article are passed along so that their
    facts are not given to it.
    """
    asked: list[tuple[int, ResolvedEntity]] = []  # (article's index, entity)
    requests: list[Request] = []
    for i, analysis in enumerate(analyses):
        article, doc = analysis.article, None
        for entity in analysis.entities:
            if not entity.watched:
                continue
            if doc is None:
                doc = annotated_doc(extractor.nlp, article.text, analysis.annotation)
            others = [span for other in analysis.entities
                      if other.label == "PERSON" and other.id != entity.id for span in other.spans]
            asked.append((i, entity))
            requests.append((doc, entity.spans, others, article.published_at, entity.name))
    events: list[list[EntityClaims]] = [[] for _ in analyses]
    for (i, entity), claims in zip(asked, extractor.extract_many(requests), strict=True):
        article = analyses[i].article
        events[i].append(EntityClaims(
            entity_id=entity.id,
            entity_name=entity.name,
            kind=entity.kind,
            article_id=article.id,
            source=article.source,
            published_at=article.published_at,
            first_sentence=article.text[entity.sentences[0][0]:entity.sentences[0][1]].strip(),
            claims=[ClaimRecord(attribute=c.attribute, value=c.value, sentence=c.sentence,
                                attribution=c.attribution, qualifier=c.qualifier,
                                background=c.background and c.attribute == "status")
                    for c in bounded(claims)],
        ))
    return events


# What the enriched message keeps of one article: its watched entities and then the most
# mentioned others, each with its first sentences — so that a pathological article
# (thousands of distinct dates, one name in thousands of sentences) still makes a message
# the broker accepts.
MAX_ENTITIES = 200
MAX_SENTENCES = 50
MAX_FORMS = 20


def enriched_record(analysis: Analysis) -> EnrichedArticle:
    """The enriched-topic message for one analysed article (bounded, see MAX_ENTITIES)."""
    ranked = sorted(analysis.entities, key=lambda e: (not e.watched, -e.mentions))
    chosen = {id(e) for e in ranked[:MAX_ENTITIES]}
    kept = [e for e in analysis.entities if id(e) in chosen]  # in the article's order
    return EnrichedArticle(
        id=analysis.article.id,
        source=analysis.article.source,
        published_at=analysis.article.published_at,
        entities=[
            EntityMention(
                id=e.id, name=e.name, label=e.label, kind=e.kind, watched=e.watched,
                surface_forms=list(e.surface_forms[:MAX_FORMS]), titles=list(e.titles),
                mentions=e.mentions, sentences=[list(s) for s in e.sentences[:MAX_SENTENCES]],
            )
            for e in kept
        ],
    )
