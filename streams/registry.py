"""The entity registry's policy: which entities it keeps, and when a name seen in a new
article is an entity already registered. Pure; the stores (``streams.store.registry``,
``agents.redis.registry``) apply it to what they hold.

An unwatched entity takes a registered id only when exactly one registered entity holds
the same full name; a resemblance is recorded as a candidate, never merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from streams.names import Relation, blocking_key, compare
from streams.names import names_match as score
from streams.resolve import ResolvedEntity

REGISTERED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SAME_SCORE = 0.9  # names_match at or above which two full names are one entity
DOUBT_SCORE = 0.6  # at or above: recorded as a candidate, not merged


@dataclass
class RegistryEntry:
    """What the registry knows of one entity."""

    id: str
    name: str
    label: str
    kind: str | None = None
    watched: bool = False
    aliases: dict[str, int] = field(default_factory=dict)
    first_seen: float = 0.0
    last_seen: float = 0.0
    articles: int = 0


def choose(entity: ResolvedEntity, found: list[RegistryEntry]) -> ResolvedEntity:
    """Map an unwatched entity onto the one registered entity that holds the same full
    name (taking its id, name and, if watched, its kind); otherwise keep it and record
    the registered ids it resembled as candidates."""
    best: list[RegistryEntry] = []
    doubts: list[str] = []
    for other in found:
        if other.id == entity.id:
            continue
        names = [other.name, *other.aliases]
        top = max(score(entity.name, n) for n in names)
        same = any(compare(entity.name, n).relation is Relation.SAME for n in names)
        if same and top >= SAME_SCORE:
            best.append(other)
        elif top >= DOUBT_SCORE:
            doubts.append(other.id)
    if len(best) == 1 and not doubts:
        (other,) = best
        if other.watched:
            return replace(entity, id=other.id, name=other.name, watched=True,
                           kind=other.kind, label=other.label)
        return replace(entity, id=other.id, name=other.name)
    extra = tuple(x for x in [*(b.id for b in best), *doubts] if x not in entity.candidates)
    return replace(entity, candidates=entity.candidates + extra) if extra else entity


def resembling(name: str, entries: list[RegistryEntry]) -> list[RegistryEntry]:
    scored = [(max(score(name, n) for n in [e.name, *e.aliases]), e) for e in entries]
    return [e for s, e in sorted(scored, key=lambda x: (-x[0], x[1].id)) if s >= DOUBT_SCORE]


def registered(e: ResolvedEntity) -> bool:
    """Whether the registry keeps this entity: watched ones, and people, organisations,
    places and groups."""
    return e.watched or e.label in REGISTERED_LABELS


def plan(entities: list[ResolvedEntity]) -> list[tuple[int, str]]:
    """(index, blocking key) of the entities that canonicalize may remap."""
    out = []
    for i, e in enumerate(entities):
        key = blocking_key(e.name) if registered(e) and not e.watched else None
        if key:
            out.append((i, key))
    return out


def keep_apart(entities: list[ResolvedEntity],
               mapped: list[ResolvedEntity]) -> list[ResolvedEntity]:
    """Two entities of one article never map onto one id: keep such pairs apart."""
    ids = [e.id for e in mapped]
    return [
        m if m.id == e.id or ids.count(m.id) == 1 and m.id not in {x.id for x in entities}
        else replace(e, candidates=tuple(dict.fromkeys((*e.candidates, m.id))))
        for e, m in zip(entities, mapped, strict=True)
    ]
