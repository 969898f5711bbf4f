"""Mentions of one article -> canonical entities, matched against the watchlist (pure).

The rule throughout: when in doubt, do not merge, and record the candidate. Merging two
people makes alerts wrong; leaving one person split only makes them noisier.

1. Mentions the watchlist ruler matched carry their watched id.
2. Person mentions are clustered longest name first. A full name joins the one cluster
   holding the same full name (any spelling, see :mod:`streams.names`). A partial name
   ("Orlov", "Abu Marzouk", "D. Orlov") joins a cluster only if exactly one cluster
   could own it and no other cluster resembles it ("Abbas" beside both "Mahmoud Abbas"
   and "Abbas Kamel" joins neither; both become candidates).
3. Clusters not yet watched are matched against the watchlist the same way: a full name
   must equal exactly one watched name; a partial-only cluster links to a watched person
   only if exactly one watched person could own it and nothing in the article competes.
4. Organisation mentions that name a person the article or watchlist knows (the small
   model often tags "Orlov said" as ORG) join that person under the same rules; all
   other mentions are grouped by their folded name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from streams.names import Relation, compare_tokens, name_tokens, names_match
from streams.nlp import Mention, kind_label
from streams.watchlist import WatchedEntity, Watchlist, entity_id

__all__ = ["ResolvedEntity", "Resolver", "names_match"]

# Labels whose mentions may be a partial name of a person: PERSON, plus those the small
# model gives bare surnames ("Orlov said" -> ORG); other labels join a person only by
# the same full name.
PARTIAL_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "PRODUCT"})
FULL_LABELS = PARTIAL_LABELS | {"GPE", "NORP", "LOC", "FAC"}


@dataclass(frozen=True)
class ResolvedEntity:
    """One canonical entity as it occurs in one article."""

    id: str
    name: str
    label: str
    watched: bool
    kind: str | None
    surface_forms: tuple[str, ...]
    mentions: int
    sentences: tuple[tuple[int, int], ...]
    spans: tuple[tuple[int, int], ...]
    titles: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()


@dataclass(eq=False)
class _Cluster:
    watched: WatchedEntity | None = None
    mentions: list[Mention] = field(default_factory=list)
    forms: set[tuple[str, ...]] = field(default_factory=set)
    candidates: list[_Cluster | str] = field(default_factory=list)
    person: bool = True

    def add(self, mention: Mention, tokens: tuple[str, ...]) -> None:
        self.mentions.append(mention)
        self.forms.add(tokens)

    @property
    def full(self) -> bool:
        """Holds a name of two parts or more (not only surnames or initials)."""
        return any(len(f) >= 2 and all(len(t) > 1 for t in f) for f in self.forms)


def _relation(tokens: tuple[str, ...], forms: set[tuple[str, ...]]) -> Relation:
    """The strongest relation of a name to any of the forms."""
    order = (Relation.SAME, Relation.PARTIAL, Relation.RESEMBLES)
    found = {compare_tokens(tokens, f).relation for f in forms}
    return next((r for r in order if r in found), Relation.DIFFERENT)


def _owner(tokens: tuple[str, ...], options: list[tuple[object, set[tuple[str, ...]]]],
           allow_partial: bool = True) -> tuple[object | None, list[object]]:
    """The one option this name belongs to, else None and the options it resembled.

    One option holding the same full name wins. Failing that, a partial name ("Orlov",
    "Abu Marzouk") belongs to an option only if that is the one option it could be
    part of and no other option resembles it.
    """
    relations = [(opt, _relation(tokens, forms)) for opt, forms in options]
    same = [o for o, r in relations if r is Relation.SAME]
    if len(same) == 1:
        return same[0], []
    if same or not allow_partial:
        return None, same
    owners = [o for o, r in relations if r is Relation.PARTIAL]
    rivals = [o for o, r in relations if r is Relation.RESEMBLES]
    if len(owners) == 1 and not rivals:
        return owners[0], []
    return None, owners + rivals


class Resolver:
    """Resolves the mentions of one article; holds only the (immutable) watchlist."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self._forms = {e.id: {name_tokens(n) for n in e.names} - {()} for e in watchlist}
        self._watched_people = [
            (e, self._forms[e.id]) for e in watchlist if kind_label(e.kind) == "PERSON"
        ]

    def resolve(self, mentions: list[Mention]) -> list[ResolvedEntity]:
        """Canonical entities of one article, in order of first mention."""
        clusters: dict[str, _Cluster] = {}  # watched id -> cluster
        people: list[_Cluster] = []
        fixed: list[_Cluster] = []  # watched non-person entities: matched by the ruler only
        later: list[tuple[Mention, tuple[str, ...]]] = []
        for m in mentions:
            tokens = name_tokens(m.name)
            if not tokens:
                continue
            watched = self.watchlist.get(m.entity_id) if m.entity_id else None
            if watched is not None:
                cluster = clusters.get(watched.id)
                if cluster is None:
                    cluster = clusters[watched.id] = _Cluster(watched)
                    cluster.forms |= self._forms[watched.id]
                    person = kind_label(watched.kind) == "PERSON"
                    (people if person else fixed).append(cluster)
                cluster.add(m, tokens)
            elif m.label == "PERSON":
                later.append((m, tokens))
        for m, tokens in sorted(later, key=lambda x: (-len(x[1]), x[0].start_char)):
            self._place(m, tokens, people, allow_new=True)
        self._link_watchlist(people)
        others: dict[tuple[str, ...], _Cluster] = {}
        for m in mentions:
            tokens = name_tokens(m.name)
            if not tokens or m.entity_id or m.label == "PERSON":
                continue
            if m.label in FULL_LABELS and self._place(m, tokens, people, allow_new=False):
                continue
            others.setdefault(tokens, _Cluster(person=False)).add(m, tokens)
        return self._entities([*people, *fixed, *others.values()])

    def _place(self, m: Mention, tokens: tuple[str, ...], people: list[_Cluster],
               allow_new: bool) -> bool:
        """Put a mention in its person cluster; False if it belongs to none (non-person
        mentions then stay out). Watched people not yet in the article count as owners."""
        present = {c.watched.id for c in people if c.watched}
        options: list[tuple[object, set[tuple[str, ...]]]] = [(c, c.forms) for c in people]
        if not allow_new:
            options += [(e, f) for e, f in self._watched_people if e.id not in present]
        owner, doubts = _owner(tokens, options, allow_partial=m.label in PARTIAL_LABELS)
        if isinstance(owner, WatchedEntity):
            cluster = _Cluster(owner)
            cluster.forms |= self._forms[owner.id]
            people.append(cluster)
            owner = cluster
        if isinstance(owner, _Cluster):
            owner.add(m, tokens)
            return True
        if not allow_new:
            return False
        cluster = _Cluster()
        cluster.add(m, tokens)
        cluster.candidates += doubts
        people.append(cluster)
        return True

    def _link_watchlist(self, people: list[_Cluster]) -> None:
        """Give unwatched person clusters their watched identity where unambiguous."""
        for cluster in [c for c in people if c.watched is None]:
            present = {c.watched.id for c in people if c.watched}
            options = [(e, f) for e, f in self._watched_people if e.id not in present]
            if cluster.full:
                tokens = max(cluster.forms, key=len)
                owner, doubts = _owner(tokens, options, allow_partial=False)
            elif cluster.candidates:
                owner, doubts = None, [e for e, f in options if any(
                    _relation(t, f) is not Relation.DIFFERENT for t in cluster.forms)]
            else:
                tokens = max(cluster.forms, key=len)
                rivals = [c for c in people if c is not cluster
                          and _relation(tokens, c.forms) is not Relation.DIFFERENT]
                owner, doubts = _owner(tokens, options)
                if rivals:
                    owner, doubts = None, [*doubts, *([owner] if owner else [])]
            if isinstance(owner, WatchedEntity):
                cluster.watched = owner
                cluster.forms |= self._forms[owner.id]
            cluster.candidates += doubts

    def _entities(self, all_clusters: list[_Cluster]) -> list[ResolvedEntity]:
        ids = {id(c): self._id(c) for c in all_clusters}
        by_id: dict[str, _Cluster] = {}
        for c in all_clusters:  # one entity per id: e.g. "Orlov" as PERSON and as ORG
            first = by_id.setdefault(ids[id(c)], c)
            if first is not c:
                first.mentions += c.mentions
                first.candidates += c.candidates
                first.person = first.person or c.person
        out = []
        for c in sorted(by_id.values(), key=lambda c: min(m.start_char for m in c.mentions)):
            ms = sorted(c.mentions, key=lambda m: m.start_char)
            own = ids[id(c)]
            candidates = [
                ids[id(x)] if isinstance(x, _Cluster) else x.id for x in c.candidates
            ]
            labels = Counter(m.label for m in ms)
            if c.watched:
                label = kind_label(c.watched.kind)
            elif c.person and "PERSON" in labels:
                label = "PERSON"
            else:
                label = labels.most_common(1)[0][0]
            out.append(ResolvedEntity(
                id=own,
                name=c.watched.name if c.watched else _canonical(ms),
                label=label,
                watched=c.watched is not None,
                kind=c.watched.kind if c.watched else None,
                surface_forms=tuple(dict.fromkeys(m.text for m in ms)),
                mentions=len(ms),
                sentences=tuple(dict.fromkeys((m.sent_start, m.sent_end) for m in ms)),
                spans=tuple((m.start_char, m.end_char) for m in ms),
                titles=tuple(dict.fromkeys(m.title for m in ms if m.title)),
                candidates=tuple(dict.fromkeys(x for x in candidates if x != own)),
            ))
        return out

    @staticmethod
    def _id(c: _Cluster) -> str:
        return c.watched.id if c.watched else entity_id(_canonical(c.mentions))


def _canonical(mentions: list[Mention]) -> str:
    """The longest full form written in the article (most parts, then most letters,
    then first written)."""
    ordered = sorted(mentions, key=lambda m: m.start_char)
    return max(ordered, key=lambda m: (len(name_tokens(m.name)), len(m.name))).name
