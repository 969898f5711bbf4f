"""Mentions of one article -> canonical entities, matched against the watchlist (pure).

The rule throughout: when in doubt, do not merge, and record the candidate. Merging two
people makes alerts wrong; leaving one person split only makes them noisier.

1. Mentions the watchlist ruler matched carry their watched id.
2. Person mentions are clustered longest name first. A full name joins the one cluster
   holding the same full name (any spelling, see :mod:`streams.names`). A partial name
   ("Orlov", "Abu Marzouk", "D. Orlov") joins a cluster only if exactly one cluster
   could own it and no other cluster resembles it ("Abbas" beside both "Mahmoud Abbas"
   and "Abbas Kamel" joins neither; both become candidates), leaving out the relatives
   the article introduces as such ("his wife, Lena Varga") when one person is left.
3. Clusters not yet watched are matched against the watchlist the same way: a full name
   must equal exactly one watched name; a partial-only cluster links to a watched person
   only if exactly one watched person could own it and nothing in the article competes;
   a first name alone links to the one watched person of that first name whose
   surname the article writes elsewhere (a family named once, then by first names),
   and a first name joins the one full name in the article it could be part of.
4. Organisation mentions that name a person the article or watchlist knows (the small
   model often tags "Orlov said" as ORG) join that person under the same rules; all
   other mentions are grouped by their folded name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.names import Relation, compare_tokens, name_tokens, names_match, relation_keys
from streams.nlp import Mention, kind_label
from streams.text import entity_id
from streams.watchlist import WatchedEntity, Watchlist

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
    keys: set[str] = field(default_factory=set)  # relation_keys offered by the forms

    def add(self, mention: Mention, tokens: tuple[str, ...]) -> None:
        self.mentions.append(mention)
        self.absorb({tokens})

    def absorb(self, forms: set[tuple[str, ...]]) -> None:
        for form in forms - self.forms:
            self.keys |= relation_keys(form)[0]
        self.forms |= forms

    def may_relate(self, wants: frozenset[str]) -> bool:
        """False when no name part of the cluster could match (see relation_keys)."""
        return not self.keys.isdisjoint(wants)

    @property
    def relative(self) -> bool:
        """Introduced as somebody's relative ("his wife, Aviva Varga")."""
        return any(m.relative for m in self.mentions)

    @property
    def full(self) -> bool:
        """Holds a name of two parts or more (not only surnames or initials)."""
        return any(len(f) >= 2 and all(len(t) > 1 for t in f) for f in self.forms)


def _relation(tokens: tuple[str, ...], forms: set[tuple[str, ...]]) -> Relation:
    """The strongest relation of a name to any of the forms (SAME > PARTIAL >
    RESEMBLES > DIFFERENT). Compared by identity: hashing an Enum runs Python code."""
    best = Relation.DIFFERENT
    for form in forms:
        found = compare_tokens(tokens, form).relation
        if found is Relation.SAME:
            return found
        if found is Relation.PARTIAL or (found is Relation.RESEMBLES
                                         and best is Relation.DIFFERENT):
            best = found
    return best


class _PeopleIndex:
    """Watched people by ``relation_keys``: a name is compared only with the watched
    people it could relate to, so resolution does not slow down as the watchlist grows."""

    def __init__(self, people: list[tuple[WatchedEntity, set[tuple[str, ...]]]]) -> None:
        self.people = people
        self._by_key: dict[str, set[int]] = {}
        for position, (_, forms) in enumerate(people):
            for form in forms:
                for key in relation_keys(form)[0]:
                    self._by_key.setdefault(key, set()).add(position)

    def near(self, names: set[tuple[str, ...]] | list[tuple[str, ...]],
             absent: set[str]) -> list[tuple[WatchedEntity, set[tuple[str, ...]]]]:
        """Watched people (in watchlist order, ids not in ``absent``) that one of
        ``names`` could relate to."""
        found: set[int] = set()
        for name in names:
            for key in relation_keys(name)[1]:
                found |= self._by_key.get(key, set())
        return [self.people[p] for p in sorted(found) if self.people[p][0].id not in absent]


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


def _relative(cluster: _Cluster, resembled: list[object], people: list[_Cluster],
              forms: dict[str, set[tuple[str, ...]]]) -> WatchedEntity | None:
    """The watched person a first name written alone stands for, when the article names
    their family: "Lina" beside "Tomas Varga" is the watched Lina Varga. Only if exactly
    one watched person with that first name has their surname elsewhere in the
    article (wires name a family once, then its members by first name)."""
    if any(len(f) > 1 for f in cluster.forms):
        return None
    written = {f[-1] for c in people if c is not cluster for f in c.forms if len(f[-1]) > 1}
    family = [
        e for e in resembled if isinstance(e, WatchedEntity)
        and any(len(f) > 1 and f[-1] in written for f in forms[e.id])
    ]
    return family[0] if len(family) == 1 else None


def _without_relatives(tokens: tuple[str, ...], options: list[tuple[object, set[tuple[str, ...]]]]
                       ) -> list[tuple[object, set[tuple[str, ...]]]]:
    """A surname the article's person shares with the relatives it introduces as such
    ("Tomas Varga ... his wife, Lena Varga ... Varga said") names that person: wires
    write a relative by full name or first name, the person the story is about by
    surname. Only when exactly one of the people it could be is no relative."""
    related = [(o, f) for o, f in options if _relation(tokens, f) is not Relation.DIFFERENT]
    if len(related) < 2:
        return options
    principals = [o for o, _ in related if not (isinstance(o, _Cluster) and o.relative)]
    if len(principals) != 1:
        return options
    return [(o, f) for o, f in options if not (isinstance(o, _Cluster) and o.relative)]


def _first_name_of(cluster: _Cluster, rivals: list[_Cluster | str]) -> WatchedEntity | None:
    """The watched person a first name written alone stands for when the article also
    writes that person's full name: "Lina Varga ... Lina said", "Lina and Tomas Varga".
    Across articles a first name only resembles a full name (never merged); within one
    article it is the wire's way of naming a person, provided that nobody else in it
    could be meant: the only person cluster the name relates to is that one, by its first
    name."""
    if len(rivals) != 1 or any(len(f) > 1 for f in cluster.forms):
        return None
    person = rivals[0]
    if not isinstance(person, _Cluster) or person.watched is None:
        return None
    (first,) = next(iter(cluster.forms))
    if not any(len(f) > 1 and _relation((first,), {f}) is Relation.RESEMBLES
               for f in person.forms):
        return None
    return person.watched


class Resolver:
    """Resolves the mentions of one article; holds only the (immutable) watchlist."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self._forms = {e.id: {name_tokens(n) for n in e.names} - {()} for e in watchlist}
        self._watched_people = _PeopleIndex([
            (e, self._forms[e.id]) for e in watchlist if kind_label(e.kind) == "PERSON"
        ])

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
                    cluster.absorb(self._forms[watched.id])
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
        wants = relation_keys(tokens)[1]
        options: list[tuple[object, set[tuple[str, ...]]]] = [
            (c, c.forms) for c in people if c.may_relate(wants)]
        if not allow_new:
            options += self._watched_people.near([tokens], present)
        options = _without_relatives(tokens, options)
        owner, doubts = _owner(tokens, options, allow_partial=m.label in PARTIAL_LABELS)
        if isinstance(owner, WatchedEntity):
            cluster = _Cluster(owner)
            cluster.absorb(self._forms[owner.id])
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
            options = self._watched_people.near(cluster.forms, present)
            named = _first_name_of(cluster, cluster.candidates)
            if named is not None:
                owner, doubts = named, []
                cluster.candidates = []
            elif cluster.full:
                tokens = max(cluster.forms, key=len)
                owner, doubts = _owner(tokens, options, allow_partial=False)
            elif cluster.candidates:
                owner, doubts = None, [e for e, f in options if any(
                    _relation(t, f) is not Relation.DIFFERENT for t in cluster.forms)]
            else:
                tokens = max(cluster.forms, key=len)
                wants = relation_keys(tokens)[1]
                rivals = [c for c in people if c is not cluster and c.may_relate(wants)
                          and _relation(tokens, c.forms) is not Relation.DIFFERENT]
                owner, doubts = _owner(tokens, options)
                if owner is None and not rivals:
                    owner = _relative(cluster, doubts, people, self._forms)
                    doubts = [] if owner else doubts
                if rivals:
                    owner, doubts = None, [*doubts, *([owner] if owner else [])]
            if isinstance(owner, WatchedEntity):
                cluster.watched = owner
                cluster.absorb(self._forms[owner.id])
            cluster.candidates += doubts

    def _entities(self, all_clusters: list[_Cluster]) -> list[ResolvedEntity]:
        names = {id(c): _canonical(c.mentions) for c in all_clusters if not c.watched}
        ids = {id(c): c.watched.id if c.watched else entity_id(names[id(c)])
               for c in all_clusters}
        by_id: dict[str, _Cluster] = {}
        for c in all_clusters:  # one entity per id: e.g. "Orlov" as PERSON and as ORG
            first = by_id.setdefault(ids[id(c)], c)
            if first is not c:
                names.pop(id(first), None)  # its name is now that of all their mentions
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
            labels: dict[str, int] = {}
            for m in ms:
                labels[m.label] = labels.get(m.label, 0) + 1
            if c.watched:
                label = kind_label(c.watched.kind)
            elif c.person and "PERSON" in labels:
                label = "PERSON"
            else:
                label = max(labels, key=labels.__getitem__)  # ties: the first written
            out.append(ResolvedEntity(
                id=own,
                name=c.watched.name if c.watched else names.get(id(c)) or _canonical(ms),
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


def _canonical(mentions: list[Mention]) -> str:
    """The longest full form written in the article (most parts, then most letters,
    then first written)."""
    return max(mentions, key=lambda m: (len(name_tokens(m.name)), len(m.name),
                                        -m.start_char)).name
