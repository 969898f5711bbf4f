"""Fact profiles of watched entities and the rules that turn new claims into alerts.

Pure: a profile and an EntityClaims event in, the next profile and its alerts out. The
store (``streams.store.profiles``) makes the read-modify-write atomic per entity.

Rules, per (attribute, value) of one article (all its sentences for that value decide
together, and all are the alert's evidence, each with its attribution and qualifier):

* the article was applied before -> nothing changes, nothing is alerted (idempotent);
* the value is recorded already -> the profile gains the source, article and sentence;
  no alert (a second wire repeating a fact is corroboration, not news);
* the entity had no profile -> one ``new_entity`` alert; the article's claims fill the
  profile without ``new_detail`` or ``status_change`` alerts of their own;
* a new value of a multi-valued attribute, or of an attribute with no value yet ->
  ``new_detail``;
* a new value of a single-valued attribute that already has another value ->
  ``conflict``, carrying the earlier values with their sources and sentences. Inside one
  article, values sharing an attribution are narrative ("held in Gaza, later moved to
  Rafah" style noise) and are recorded without alert; values no attribution of which
  is shared (the writer says held, the captors say killed) conflict;
* ``status`` moves through stages (``status_stages`` in claim_rules.yaml: missing <
  held < released = rescued = killed), against the ESTABLISHED status only. The first
  status of a known person is a ``status_change`` from none. A higher stage from an
  article published no earlier than the current status was last seen is a
  ``status_change``; a lower stage from an article published no later than the current
  status was first seen is history (recorded, no alert); anything else — same stage
  with another value (released vs killed), or a newer article going back a stage — is a
  ``conflict``. Articles without ``published_at`` are placed at ``detected_at``;
* a contested status is no change. A status value is contested when it raised a
  conflict, or when the article only reports it hedged ("reportedly", "allegedly":
  some sentence hedges it and none states it plainly in the writer's voice): a hedged
  claim is a ``conflict`` beside an established status and a ``new_detail`` without
  one, never a ``status_change``. The profile keeps who claims it (``contested_by``).
  The ``status_change`` comes with the confirmation: a later article stating the value
  without hedge through another source, in a sentence that does not name the
  claimants (one that does retells their claim);
* the date of a status (``dates_status`` in claim_rules.yaml: ``released_on`` dates
  ``released``) rides on the ``status_change`` it dates: recorded in the profile, with no
  ``new_detail`` of its own, so one release is one alert;
* a different value that does not contradict (``conflict_rules.yaml``) is no conflict:
  the attribute is many-valued there (nationality), the two values are compatible
  (journalist and former military) or one holder is a more specific form of the other
  (a table, or an organ of the state the other names: ``new_detail``); they tell one
  event two ways (rescued, released), one date is the other told less precisely
  (2026-02, 2026-02-15) or with a year inferred from publication ("since May 4"),
  or two ages, from their articles' publication dates, imply birth windows that
  overlap (``birth_overlap``; recorded silently).
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from schemas import Alert, AlertEntity, ClaimRecord, EntityClaims, Evidence, PreviousValue
from streams.alerts import build_alert
from streams.claim_values import ClaimValues
from streams.tables import CLAIM_RULES, CONFLICT_RULES, table
from streams.text import value_key

_YEAR_SECONDS = 365.2425 * 86400
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(years?|months?|weeks?)?\s*(?:old)?\s*$")
_POSSESSIVE = re.compile(r"['\u2019]s?\b")
_AGE_UNITS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.2425}


def _pairs(raw: dict[str, list[list[str]]] | None) -> dict[str, frozenset[frozenset[str]]]:
    return {a: frozenset(frozenset(p) for p in pairs) for a, pairs in (raw or {}).items()}


@dataclass(frozen=True)
class Compatibility:
    """Different values that do not contradict, read from conflict_rules.yaml."""

    compatible: dict[str, frozenset[frozenset[str]]] = field(default_factory=dict)
    same_event: dict[str, frozenset[frozenset[str]]] = field(default_factory=dict)
    more_specific: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    state_organs: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    dates: frozenset[str] = frozenset()
    age_attribute: str = "age"
    birth_overlap: float = 0.1

    @classmethod
    def load(cls, path: Path | None = None) -> Compatibility:
        data = table(path or CONFLICT_RULES) or {}
        ages = data.get("ages") or {}
        return cls(
            compatible=_pairs(data.get("compatible")),
            same_event=_pairs(data.get("same_event")),
            more_specific={a: {k: frozenset(v) for k, v in (table or {}).items()}
                           for a, table in (data.get("more_specific") or {}).items()},
            state_organs={a: (spec["state"], frozenset(spec.get("organs") or ()))
                          for a, spec in (data.get("state_organs") or {}).items()},
            dates=frozenset(data.get("dates") or ()),
            age_attribute=ages.get("attribute", "age"),
            birth_overlap=float(ages.get("birth_overlap", 0.1)),
        )

    def relation(self, attribute: str, new: ValueRecord, old: ValueRecord) -> str | None:
        """"detail" (both true), "same" (one fact told two ways) or None (they differ)."""
        pair = frozenset((new.value, old.value))
        specific = self.more_specific.get(attribute, {})
        if pair in self.compatible.get(attribute, ()) or (
                old.value in specific.get(new.value, ()) or new.value in specific.get(
                    old.value, ())) or self._organ(attribute, new.value, old.value):
            return "detail"
        if pair in self.same_event.get(attribute, ()):
            return "same"
        if attribute in self.dates and (_coarser(new.value, old.value) or _year_yields(
                new, old)):
            return "same"
        if attribute == self.age_attribute and _same_birth(new, old, self.birth_overlap):
            return "same"
        return None

    def _organ(self, attribute: str, a: str, b: str) -> bool:
        """One holder is an organ of the state the other names ("Calderan authorities",
        "Calderan State Security Service")."""
        if attribute not in self.state_organs:
            return False
        state, organs = self.state_organs[attribute]
        for whole, part in ((a, b), (b, a)):
            nation, words = value_key(whole).split(), value_key(part).split()
            if len(nation) == 2 and nation[1] == state and len(words) > 1 and (
                    words[0] == nation[0] and organs & set(words[1:])):
                return True
        return False


def _year_written(rec: ValueRecord) -> bool:
    return any(rec.value[:4] in (e["sentence"] or "") for e in rec.evidence)


def _year_yields(new: ValueRecord, old: ValueRecord) -> bool:
    """Two dates in different years with the same month (and day, as precise as the
    coarser), one of them with a year its sentences never write: the inferred year
    yields to the other ("since May 4", resolved to the latest May 4)."""
    a, b = new.value.strip(), old.value.strip()
    if len(a) < 7 or len(b) < 7 or a[:4] == b[:4]:
        return False
    return (a[4:] == b[4:] or _coarser(a[4:], b[4:])) and not (
        _year_written(new) and _year_written(old))


def _coarser(a: str, b: str) -> bool:
    """One ISO date is the other with less precision ("2026-02", "2026-02-15")."""
    short, long = sorted((a.strip(), b.strip()), key=len)
    return bool(short) and long.startswith(short) and long[len(short):][:1] == "-"


def _age(age: str) -> tuple[float, float] | None:
    """An age in years, and the width of its unit in years (29 -> (29, 1); "9 months"
    -> (0.75, 1/12)): an age in whole units is a floor."""
    m = _AGE.match(age.lower())
    if m is None:
        return None
    unit = _AGE_UNITS[(m.group(2) or "year").rstrip("s")]
    return float(m.group(1)) * unit, unit


def _birth_window(rec: ValueRecord) -> tuple[float, float] | None:
    """When the person was born (in years), as the age says at each time it was
    reported: an age of a at time t is a birth in (t - a - unit, t - a]. The reports'
    windows meet; reports that cannot all be true (a stale copy) give their hull."""
    age = _age(rec.value)
    if age is None:
        return None
    years, unit = age
    windows = [(t - years - unit, t - years) for t in (
        _ts(w).timestamp() / _YEAR_SECONDS for w in dict.fromkeys(
            (rec.first_seen, rec.last_seen)) if w)]
    if not windows:
        return None
    lo, hi = max(w[0] for w in windows), min(w[1] for w in windows)
    if lo >= hi:
        lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    return lo, hi


def _same_birth(new: ValueRecord, old: ValueRecord, share: float) -> bool:
    """Two ages given at different dates agree when the birth windows they imply share
    at least ``share`` of the narrower one (29 in one year and 31 two years later: age
    progression; 23 and 24 three days apart: a birthday in those three days is too
    thin a chance, a contradiction)."""
    a, b = _birth_window(new), _birth_window(old)
    if a is None or b is None:
        return False
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= share * min(a[1] - a[0], b[1] - b[0])


@dataclass(frozen=True)
class AttributeRules:
    """Cardinality and status stages, read from claim_rules.yaml."""

    multi_valued: frozenset[str]
    status_stages: dict[str, int]
    status_dates: dict[str, frozenset[str]] = field(default_factory=dict)
    compatibility: Compatibility = field(default_factory=Compatibility)

    @classmethod
    def load(cls, path: Path | None = None,
             compatibility: Path | None = None) -> AttributeRules:
        data = table(path or CLAIM_RULES)
        attributes = data["attributes"]
        compatible = Compatibility.load(compatibility)
        multi = frozenset(a for a, spec in attributes.items() if spec.get("multi"))
        dates = {a: frozenset(spec["dates_status"]) for a, spec in attributes.items()
                 if spec.get("dates_status")}
        return cls(multi_valued=multi,
                   status_stages=dict(data.get("status_stages") or {}),
                   status_dates=dates, compatibility=compatible)


@cache
def _default_rules() -> AttributeRules:
    return AttributeRules.load()


@dataclass
class ValueRecord:
    """One value of one attribute and everything that supports it."""

    value: str
    sources: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    evidence: list[dict[str, str | None]] = field(default_factory=list)
    first_seen: str = ""
    last_seen: str = ""
    # who claims a status that is not established (hedged or conflicting); empty once
    # it is, or confirmed
    contested_by: list[str] = field(default_factory=list)

    @property
    def contested(self) -> bool:
        return bool(self.contested_by)

    @property
    def independent_sources(self) -> int:
        """Distinct sources (an article without a source counts as its own source)."""
        return len(set(self.sources))

    def add(self, ev: dict[str, str | None], source: str, when: str) -> None:
        if ev["article_id"] not in self.article_ids:
            self.article_ids.append(str(ev["article_id"]))
        if source not in self.sources:
            self.sources.append(source)
        if ev not in self.evidence:
            self.evidence.append(ev)
        self.first_seen = min(filter(None, (self.first_seen, when)), key=_ts)
        self.last_seen = max(filter(None, (self.last_seen, when)), key=_ts)


@dataclass
class Profile:
    """What the wires say about one entity: attribute -> values with their evidence."""

    entity_id: str
    name: str
    kind: str | None = None
    attributes: dict[str, list[ValueRecord]] = field(default_factory=dict)
    article_ids: list[str] = field(default_factory=list)
    first_seen: str = ""

    def values(self, attribute: str) -> list[str]:
        """Recorded values of an attribute, oldest first."""
        return [r.value for r in self.attributes.get(attribute, [])]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (includes each value's independent source count)."""
        data = asdict(self)
        for attr, records in self.attributes.items():
            for rec, out in zip(records, data["attributes"][attr], strict=True):
                out["independent_sources"] = rec.independent_sources
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        attributes = {
            attr: [ValueRecord(**{k: v for k, v in r.items() if k != "independent_sources"})
                   for r in records]
            for attr, records in (data.get("attributes") or {}).items()
        }
        return cls(entity_id=data["entity_id"], name=data["name"], kind=data.get("kind"),
                   attributes=attributes, article_ids=list(data.get("article_ids") or []),
                   first_seen=data.get("first_seen") or "")


def _ts(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _previous(records: list[ValueRecord]) -> list[PreviousValue]:
    return [PreviousValue(value=r.value, sources=list(r.sources),
                          evidence=[Evidence(**e) for e in r.evidence]) for r in records]


def apply_claims(profile: Profile | None, event: EntityClaims, detected_at: str,
                 rules: AttributeRules | None = None) -> tuple[Profile, list[Alert]]:
    """The profile after ``event`` and the alerts it raises (see module docstring)."""
    rules = rules or _default_rules()
    if profile is not None and event.article_id in profile.article_ids:
        return profile, []
    when = event.published_at or detected_at
    source = event.source or event.article_id
    entity = AlertEntity(id=event.entity_id, name=event.entity_name, kind=event.kind)
    alerts: list[Alert] = []
    is_new = profile is None
    if profile is None:
        profile = Profile(event.entity_id, event.entity_name, event.kind, first_seen=when)
        alerts.append(build_alert("new_entity", entity, event.article_id, detected_at, [
            Evidence(article_id=event.article_id, sentence=event.first_sentence,
                     source=event.source)]))
    else:
        profile = copy.deepcopy(profile)
    profile.article_ids.append(event.article_id)
    background = _background_only(event)
    for (attribute, value), evs in _by_value(event, rules).items():
        records = profile.attributes.setdefault(attribute, [])
        known = next((r for r in records if r.value == value), None)
        if known is not None:
            confirmed = attribute == "status" and _confirms(known, evs)
            for ev in evs:
                known.add(ev, source, when)
            if confirmed:  # a contested status stated now by another source
                known.contested_by = []
                others = [r for r in records if r is not known]
                if _status(known, _established(others), when, rules) == "status_change" and (
                        not is_new):
                    alerts.append(build_alert(
                        "status_change", entity, event.article_id, detected_at,
                        [Evidence(**ev) for ev in evs], attribute=attribute, value=value,
                        previous=_previous(others)))
            continue
        rec = ValueRecord(value)
        for ev in evs:
            rec.add(ev, source, when)
        others = list(records)
        records.append(rec)
        kind = _decide(attribute, rec, others, event.article_id, when, rules,
                       (attribute, value) in background)
        if attribute == "status":
            kind, contested = _standing(kind, rec, others)
            rec.contested_by = sorted({_source_key(e) for e in evs}) if contested else []
        if kind in ("new_detail", "status_change") and is_new:
            continue
        if kind is not None:
            previous = _previous(others) if kind in ("conflict", "status_change") else []
            alerts.append(build_alert(
                kind, entity, event.article_id, detected_at, [Evidence(**ev) for ev in evs],
                attribute=attribute, value=value, previous=previous))
    return profile, _without_dated_status(alerts, rules)


def _by_value(event: EntityClaims,
              rules: AttributeRules) -> dict[tuple[str, str], list[dict[str, str | None]]]:
    """The article's evidence per (attribute, normalised value), each sentence once; status
    values in stage order, so an article telling held then released reads as a story."""
    stage = rules.status_stages
    claims = sorted(event.claims, key=lambda c: stage.get(c.value, 0)
                    if c.attribute == "status" else 0)
    out: dict[tuple[str, str], list[dict[str, str | None]]] = {}
    for claim in claims:
        ev = {"article_id": event.article_id, "sentence": claim.sentence,
              "source": event.source, "attribution": claim.attribution,
              "qualifier": claim.qualifier}
        evs = out.setdefault(_value_key(claim), [])
        if ev not in evs:
            evs.append(ev)
    return out


def _value_key(claim: ClaimRecord) -> tuple[str, str]:
    """(attribute, normalised value) of a claim: how the profile groups its evidence."""
    return claim.attribute, ClaimValues.load().normalise(claim.attribute, claim.value)


def _background_only(event: EntityClaims) -> set[tuple[str, str]]:
    """The status values the article tells only as background ("X, who was kidnapped in
    2023, ..."): every claim of them is."""
    status = [c for c in event.claims if c.attribute == "status"]
    return {_value_key(c) for c in status} - {_value_key(c) for c in status if not c.background}


def _hedged(evs: list[dict[str, str | None]]) -> bool:
    """The article only reports the value as hearsay: some sentence hedges it
    ("reportedly", "allegedly") and none states it unhedged in the writer's own voice."""
    return any(e["qualifier"] for e in evs) and not any(
        e["qualifier"] is None and e["attribution"] is None for e in evs)


def _standing(kind: str | None, rec: ValueRecord,
              others: list[ValueRecord]) -> tuple[str | None, bool]:
    """A new status value's alert and whether it stays contested. A hedged claim never
    changes the status: against an established status it is a conflict, with none it is
    a detail; a value that conflicts with an established status is contested. Either
    waits for a confirmation. (A plain value against contested claims only is their
    conflict, and the status.)"""
    hedged = _hedged(rec.evidence)
    established = bool(_established(others))
    if kind == "status_change" and hedged:
        kind = "conflict" if established else "new_detail"
    return kind, hedged or kind == "conflict" and established


def _established(records: list[ValueRecord]) -> list[ValueRecord]:
    return [r for r in records if not r.contested]


def _key(text: str) -> str:
    """Folded words without possessives ("the NLF's wing" names "NLF")."""
    return value_key(_POSSESSIVE.sub("", text))


def _source_key(ev: dict[str, str | None]) -> str:
    """Who asserts a claim: its attribution, else the article's own source."""
    return _key(ev["attribution"] or f"wire {ev['source'] or ev['article_id']}")


def _same_source(a: str, b: str) -> bool:
    """One source named two ways ("the NLF", "the NLF's armed wing")."""
    return a == b or bool(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b)) or bool(
        re.search(rf"(?<!\w){re.escape(b)}(?!\w)", a))


def _confirms(known: ValueRecord, evs: list[dict[str, str | None]]) -> bool:
    """This article confirms a contested value: it states it without hedge, through a
    source other than those of the contested claim, in a sentence that does not name
    them (one that does retells the claim: "the army said it was checking the NLF's
    claim that ...")."""
    if not known.contested or _hedged(evs):
        return False
    claimants = known.contested_by
    for ev in evs:
        if ev["qualifier"] is not None:
            continue
        who = _source_key(ev)
        sentence = _key(ev["sentence"] or "")
        if not any(_same_source(who, c) for c in claimants) and not any(
                re.search(rf"(?<!\w){re.escape(c)}(?!\w)", sentence) for c in claimants):
            return True
    return False


def _without_dated_status(alerts: list[Alert], rules: AttributeRules) -> list[Alert]:
    """Drop a date's ``new_detail`` when this article's ``status_change`` is what it dates."""
    changed_to = {a.value for a in alerts if a.type == "status_change"}
    return [a for a in alerts if not (
        a.type == "new_detail" and rules.status_dates.get(a.attribute or "", frozenset())
        & changed_to)]


def _decide(attribute: str, rec: ValueRecord, others: list[ValueRecord], article_id: str,
            when: str, rules: AttributeRules, background: bool = False) -> str | None:
    """Alert type for a value not recorded before, or None for a silent record.
    ``background``: the article tells the status only as background (see ``_status``)."""
    if attribute in rules.multi_valued or not others:
        return _status(rec, [], when, rules) if attribute == "status" else "new_detail"
    relations = {id(o): rules.compatibility.relation(attribute, rec, o) for o in others}
    if "same" in relations.values():  # a fact recorded already, told another way
        return None
    others = [o for o in others if relations[id(o)] is None]
    if not others:  # true beside every value recorded
        return "new_detail"
    mine = _attributions(rec, article_id)
    same_article = [o for o in others if o.article_ids == [article_id]]
    if any(not _attributions(o, article_id) & mine for o in same_article):
        return "conflict"
    prior = [o for o in others if o not in same_article]
    if not prior:
        return None
    if attribute != "status":
        return "conflict"
    return _status(rec, prior, when, rules, background)


def _status(rec: ValueRecord, prior: list[ValueRecord], when: str,
            rules: AttributeRules, background: bool = False) -> str | None:
    """A status value against the established (uncontested) ones recorded before: the
    first status is a change from none; a higher stage from an article no older than the
    current status is a change, a lower one from an article no newer than its first
    report, or told only as background ("Varga, who was kidnapped in 2023, ..." after his
    release), is history; anything else is a conflict. With contested claims only, a
    contradicting value is their conflict."""
    established = _established(prior)
    if not established:
        return "conflict" if prior else "status_change"
    stage = rules.status_stages
    current = max(established, key=lambda o: _ts(o.last_seen))
    new, cur = stage.get(rec.value), stage.get(current.value)
    if new is None or cur is None:
        return "conflict"
    if new > cur and _ts(when) >= _ts(current.last_seen):
        return "status_change"
    if new < cur and (background or _ts(when) <= _ts(current.first_seen)):
        return None
    return "conflict"


def _attributions(rec: ValueRecord, article_id: str) -> set[str | None]:
    return {e["attribution"] for e in rec.evidence if e["article_id"] == article_id}
