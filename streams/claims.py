"""Claims about one watched entity, read from the sentences that mention it.

Input is a spaCy ``Doc`` (NER-only is enough) and the character spans where the target
and other people are mentioned. Only the sentences that can hold a claim are parsed:
every sentence with a target mention, and each of the next ``FOLLOW`` sentences that
refers back with he/she/him/his/her or opens on an epithet ("The 34-year-old ...", "The
reporter ...") while no sentence from the mention on names anybody else (when the
mention's sentence names others, only an epithet in the next sentence, and only if the
target was named last), and the next
sentence when it opens on the set the mention's sentence named ("Both were ...", "The two
hostages ...", "The couple ...") and names nobody itself. Those are parsed
in one ``nlp.pipe`` call for all the targets of a batch (``extract_many``), or taken
from ``doc`` when it already carries a parse (a doc without sentence boundaries gets a
rule-based sentencizer, in place), then matched with
the DependencyMatcher rules of ``streams/data/claim_rules.yaml``. Parsed sentences are
kept in a small LRU so the several watched entities of one article parse them once.
Pronouns in a target sentence count as the target when nobody else is named there, or
when they come after the target and before anybody else.

Negated, hedged or unreal claims ("was not released", "denied holding", "it is unclear
whether", "efforts to free", "is due to be released") are DROPPED: they never produce the
value, and never its opposite. ``Claim.negated`` is therefore always False in the output;
the field exists so a caller building claims from elsewhere can say so. Reported speech
("reportedly", "allegedly", "is said to be held", "is believed to be held") is KEPT, with
``Claim.qualifier``.

A predicate about a group is about each member the target is one of: "Orlov and Varga
remain hostages", "the man, Orlov", "Orlov, one of the hostages killed", "among those
freed were Orlov and Varga". A value never reaches the target through another person or
another conjunct ("Orlov, 35, and Varga, 54"), nor a verb's value through its subject.
A status told in the past, or by a title ("hostage Orlov"), is background: dropped when
the article reports a later stage; otherwise each source's latest stage is kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IS_LOWER, ORTH
from spacy.language import Language
from spacy.matcher import DependencyMatcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span, Token

from streams.claim_values import ClaimValues, clean_name, fold
from streams.nlp import load_model
from streams.reldates import EXACTLY, resolve_date
from streams.tables import CLAIM_RULES, CLAIM_VALUES, table

PRONOUNS = frozenset({"he", "him", "his", "she", "her"})
# Sentences read for one person in one article: far more than any report says of one
# person, and a bound on the parse work a pathological article (thousands of sentences
# repeating one name) can cost — its claims are in its first sentences like any other's.
MAX_CANDIDATES = 200
FOLLOW = 2  # sentences after a mention that may refer back to it (pronoun or epithet)
_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "parataxis", "xcomp", "conj"})
_STOP_HEDGE_DEPS = frozenset({"relcl", "acl", "advcl"})
_SUBJ_DEPS = frozenset({"nsubj", "nsubjpass"})
_INHERIT_DEPS = frozenset({"conj", "xcomp", "advcl", "acomp"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_DROP_FROM_NAME = frozenset({"relcl", "acl", "appos", "punct", "advcl"})
_UNITS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"))}
_TENS = {w: 10 * i for i, w in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2)}
_YEARS = re.compile(r"^\d{1,3}$")
_YEAR_ONLY = re.compile(r"^\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}(-\d\d){0,2}$")
_MONTHS = re.compile(r"^\d{1,2}(\.5)?$")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_GROUP_DEPS = frozenset({"conj", "appos"})
_REPORTING = frozenset({"say", "report", "allege", "understand", "know", "confirm", "rumour",
                        "rumor", "believe", "think"})
_PARTITIVE = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                        "ten", "some", "several", "many", "each", "both", "all", "most",
                        "among", "members", "member", "rest", "first", "second", "third",
                        "last"})

for _ext in ("ww_target", "ww_about", "ww_refers", "ww_nation"):
    if not Token.has_extension(_ext):
        Token.set_extension(_ext, default=False)


@dataclass(frozen=True)
class Claim:
    """``attribute`` of the target is ``value``, as ``sentence`` says (per ``attribution``)."""

    attribute: str
    value: str
    sentence: str
    attribution: str | None
    negated: bool = False
    # a status told in the past ("was kidnapped in 2021"): background to a later stage
    background: bool = field(default=False, compare=False)
    # ... by a finite verb ("was kidnapped", not "kidnapped in May, Orlov"): a narrated
    # past, which the same source's present state ("is still missing") supersedes
    narrated: bool = field(default=False, compare=False)
    # reported speech kept as a claim: "reportedly", "allegedly" (lexicon `qualifiers`)
    qualifier: str | None = field(default=None, compare=False)


# What claims are asked of: a doc, the target's char spans in it, other people's, and
# when the article was published (relative dates).
#: (doc, the target's spans, other people's spans, published_at, the target's name)
Request = tuple[Doc, Sequence[tuple[int, int]], Sequence[tuple[int, int]], str | None,
                str | None]


@dataclass(frozen=True)
class _Article:
    """What ``_people`` reads of a whole article, read once for all its watched entities:
    each reading walks every token and entity of the doc."""

    text: str  # Doc.text joins every token at each access
    other_labels: frozenset[str]  # folded texts of its entities that are no person
    lower: frozenset[str]  # its words written in lower case

    @classmethod
    def of(cls, doc: Doc) -> _Article:
        text, words = doc.text, doc.to_array([ORTH, IS_LOWER])  # no Token object a token
        return cls(text,
                   frozenset(fold(text[e.start_char:e.end_char]) for e in doc.ents
                             if e.label_ not in ("PERSON", "")),
                   frozenset(doc.vocab.strings[int(orth)]
                             for orth in numpy.unique(words[words[:, 1] == 1, 0])))


@dataclass(frozen=True)
class _Candidate:
    text: str
    targets: tuple[tuple[int, int], ...]  # sentence-relative char spans
    others: tuple[tuple[int, int], ...]
    pronoun_is_target: bool
    span: Span  # the sentence in the article's doc


class ClaimExtractor:
    """Turns target mentions in a document into normalised claims (rules from YAML)."""

    def __init__(self, rules: Path | None = None, *, values: Path | None = None,
                 nlp: Language | None = None) -> None:
        data: dict[str, Any] = table(rules or CLAIM_RULES)
        self.attributes: dict[str, dict[str, Any]] = data["attributes"]
        lexicon = data.get("lexicon") or {}
        self._hedges = frozenset(lexicon.get("hedges") or ())
        self._speech = frozenset(lexicon.get("speech_verbs") or ())
        self._members = frozenset(lexicon.get("member_nouns") or ())
        self._former = frozenset(lexicon.get("former_modifiers") or ())
        self._group_heads = frozenset(lexicon.get("group_heads") or ())
        self._places = frozenset(lexicon.get("place_words") or ())
        self._institutions = frozenset(lexicon.get("institution_words") or ())
        self._attacks = frozenset(lexicon.get("attack_nouns") or ())
        self._state_nouns = frozenset(lexicon.get("state_nouns") or ())
        self._disputed: dict[str, str] = {
            word: name for name, words in (lexicon.get("disputed_speech") or {}).items()
            for word in words}
        self._qualifiers: dict[str, str] = {
            word: name for name, words in (lexicon.get("qualifiers") or {}).items()
            for word in [name, *words]}
        self._rules: dict[str, dict[str, Any]] = {r["id"]: r for r in data["rules"]}
        for rule in self._rules.values():
            if rule["attribute"] not in self.attributes:
                raise ValueError(f"rule {rule['id']}: unknown attribute {rule['attribute']}")
        self.values = ClaimValues.load(values or CLAIM_VALUES)
        self.status_stages: dict[str, int] = dict(data.get("status_stages") or {})
        self._nlp = nlp
        self._matcher: DependencyMatcher | None = None
        self._sentencizer = Sentencizer()
        self._parsed: OrderedDict[str, Doc] = OrderedDict()
        self._cache_size = 512
        self.sentences_parsed = 0

    @property
    def nlp(self) -> Language:
        """The parsing pipeline, loaded on first use."""
        if self._nlp is None:
            self._nlp = load_model()  # the full pipeline: rules need parse, lemmas, NER
        return self._nlp

    def _dependency_matcher(self) -> DependencyMatcher:
        if self._matcher is None:
            matcher = DependencyMatcher(self.nlp.vocab)
            for rule_id, rule in self._rules.items():
                matcher.add(rule_id, [rule["pattern"]])
            self._matcher = matcher
        return self._matcher

    # ------------------------------------------------------------------ sentences

    def candidates(self, doc: Doc, target_spans: Sequence[tuple[int, int]],
                   other_person_spans: Sequence[tuple[int, int]]) -> list[_Candidate]:
        """Sentences that may hold a claim about the target (see module docstring)."""
        if not doc.has_annotation("SENT_START"):
            doc = self._sentencizer(doc)
        sents = [s for s in map(_bare, doc.sents) if s is not None]
        target_spans, other_person_spans = sorted(target_spans), sorted(other_person_spans)
        out: list[_Candidate] = []
        lede = self._lede(sents, target_spans, other_person_spans)
        if lede is not None:
            out.append(lede)
        for i, sent in enumerate(sents):
            lo, hi = sent.start_char, sent.end_char
            targets = _inside(target_spans, lo, hi)
            if not targets:
                continue
            others = _inside(other_person_spans, lo, hi)
            earlier = _set_before(sents[i - 1]) if i > 0 and _names_a_set(sent) else None
            if earlier is not None and not any(  # "Two nationals are held. They are X and Y."
                    _inside(spans, sents[i - 1].start_char, sents[i - 1].end_char)
                    for spans in (target_spans, other_person_spans)):
                out.append(_Candidate(sents[i - 1].text, (earlier,), (), False, sents[i - 1]))
            out.append(_Candidate(sent.text, targets, others, not others, sent))
            group = _group_opening(sents[i + 1]) if i + 1 < len(sents) else None
            if group is not None and not any(  # the set is named here, not its members
                    _inside(spans, sents[i + 1].start_char, sents[i + 1].end_char)
                    for spans in (target_spans, other_person_spans)):
                out.append(_Candidate(sents[i + 1].text, (group,), (), False, sents[i + 1]))
                continue
            # with others named, only an epithet right after a sentence that names the
            # target last ("... no word of Varga or Daniel Orlov. The engineer was ...")
            last = not others or max(s for s, _ in targets) > max(s for s, _ in others)
            if not last:
                continue
            for nxt in sents[i + 1:i + 1 + (FOLLOW if not others else 1)]:
                if _inside(target_spans, nxt.start_char, nxt.end_char):
                    break  # the target again: its own candidate
                named = _inside(other_person_spans, nxt.start_char, nxt.end_char)
                epithet = self._epithet(nxt)
                if named:
                    # an epithet opening the sentence still stands for the person named
                    # last, whoever the sentence names after it ("The 34-year-old, ...,
                    # thanked Varga"), not when a name follows it ("The 61-year-old Varga")
                    if epithet is not None and all(s > epithet[1] + 1 for s, _ in named):
                        out.append(_Candidate(nxt.text, (epithet,), named, False, nxt))
                    break
                if epithet is not None:
                    out.append(_Candidate(nxt.text, (epithet,), (), False, nxt))
                elif not others and any(t.lower_ in PRONOUNS for t in nxt):
                    out.append(_Candidate(nxt.text, (), (), True, nxt))
        return out

    def _lede(self, sents: Sequence[Span], target_spans: Sequence[tuple[int, int]],
              other_person_spans: Sequence[tuple[int, int]]) -> _Candidate | None:
        """"A Calderan aid worker kidnapped in May has been freed. Daniel Orlov, 45, ...":
        a story opening on an indefinite person and naming nobody, whose next sentence
        opens on the target, tells of the target: the indefinite noun stands for the
        target in the opening sentence."""
        if len(sents) < 2:
            return None
        first = sents[0]
        named = sorted([*target_spans, *other_person_spans])
        second = sents[1]
        if not named or named[0] not in target_spans or not (
                second.start_char <= named[0][0] < second.end_char) or not _TITLE_ONLY.match(
                    second.doc.text[second.start_char:named[0][0]]):
            return None  # (the next sentence opens on the target: "On Monday, Orlov ...")
        words = list(first)
        for j, tok in enumerate(words):
            if tok.lower_ not in ("a", "an"):
                continue
            for noun in words[j + 1:j + 5]:
                if noun.is_punct and noun.text != "-":
                    break
                if self._role_word(noun) or noun.lower_ in _PERSON_NOUNS:
                    start = noun.idx - first.start_char
                    return _Candidate(first.text, ((start, start + len(noun.text)),), (),
                                      False, first)
        return None

    def _role_word(self, tok: Token) -> bool:
        """A word of the role lexicon that names a person ("reporter"), not a body
        ("army")."""
        return fold(tok.text) in self.values.lexicons.get("role", {}) and (
            tok.lower_ not in _BODIES)

    def _epithet(self, sent: Span) -> tuple[int, int] | None:
        """"The 61-year-old ...", "The reporter, 32, ...", "The Norvanian journalist ...",
        "Now 20, the Calderan-Norvanian remains ...": a sentence opening (after a short
        adverbial) on a definite role, age or demonym that stands for the person last
        named (the caller checks nobody else was named since). Returns the sentence-
        relative span of its head word."""
        words = list(sent)
        opening = next((k + 1 for k, w in enumerate(words[:5]) if w.text == ","), 0)
        if opening and len(words) > opening and words[opening].lower_ == "the":
            words = words[opening:]  # "Now 20, the Calderan-Norvanian remains ..."
        if not words or words[0].lower_ != "the":
            return _age_epithet_within(list(sent), sent.start_char)
        nations = self.values.lexicons.get("nationality", {})
        for j, tok in enumerate(words[1:6], start=1):
            after = words[j + 1] if j + 1 < len(words) else None
            demonym = fold(nations.get(fold(tok.text), "")) == fold(tok.text) and (
                after is not None and after.lower_ in _EPITHET_VERBS)
            # ("the Calderan remains", not "the Calderan army", nor a country: "the US had")
            if self._role_word(tok) or demonym or tok.lower_ == "old" and words[j - 1].text == "-":
                if after is not None and (after.lower_ in ("of", "'s", "’s")
                                          or after.text == "-"):
                    return None  # "the reporter of", "the journalist's", "the 29-year-"
                if _names_after(words[j + 1:j + 9]):
                    return None  # "The Calderan envoy in Vell, Ana Petrov, said": her title
                start = tok.idx - sent.start_char
                return (start, start + len(tok.text))
            if tok.is_punct and tok.text != "-":
                return None
        return None

    def _parse(self, found: Sequence[tuple[Doc, list[_Candidate]]]) -> list[list[Doc]]:
        """Parsed sentences of each (doc, candidates): from the doc when it has a parse,
        else from one ``nlp.pipe`` call over all the sentences not parsed recently
        (several watched entities of one article share sentences)."""
        # This call's sentences are held apart from the LRU, so trimming it never takes
        # one they need (an article may have more than the LRU holds); a hit is recent again.
        docs: dict[str, Doc] = {}
        texts = dict.fromkeys(c.text for doc, cands in found if not _parsed(doc) for c in cands)
        for text in texts:
            if text in self._parsed:
                self._parsed.move_to_end(text)
                docs[text] = self._parsed[text]
        todo = [text for text in texts if text not in docs]
        docs.update(zip(todo, self.nlp.pipe(todo), strict=True))
        self._parsed.update((text, docs[text]) for text in todo)
        self.sentences_parsed += len(todo)
        while len(self._parsed) > self._cache_size:
            self._parsed.popitem(last=False)
        return [[c.span.as_doc() for c in cands] if _parsed(doc) else [docs[c.text] for c in cands]
                for doc, cands in found]

    # ------------------------------------------------------------------ extraction

    def extract(self, doc: Doc, target_spans: Sequence[tuple[int, int]],
                other_person_spans: Sequence[tuple[int, int]],
                published_at: str | None, name: str | None = None) -> list[Claim]:
        """Claims about the target in ``doc``, in sentence order, without repeats.
        ``name``, the target's canonical name, lets "the <surname> family" stand for
        each member of it (``_family_spans``)."""
        return self.extract_many(
            [(doc, target_spans, other_person_spans, published_at, name)])[0]

    def extract_many(self, requests: Sequence[Request]) -> list[list[Claim]]:
        """``extract`` for each request, the sentences of all of them parsed in one
        ``nlp.pipe`` call: a call costs spaCy about as much again as the parse of the
        few sentences about one watched entity (BENCHMARKS.md), so a worker asks for a
        batch of articles at once. The claims are those of ``extract`` one by one."""
        found = []
        articles: dict[int, _Article] = {}  # by doc: the targets of an article share one
        for doc, target_spans, other_person_spans, _, name in requests:
            article = articles.get(id(doc)) or articles.setdefault(id(doc), _Article.of(doc))
            if other_person_spans:
                other_person_spans = self._people(article, other_person_spans)
            family = _family_spans(article.text, name) if name else []
            if family:
                target_spans = sorted({*target_spans, *family})
                other_person_spans = [o for o in other_person_spans if not any(
                    s <= o[0] < e for s, e in family)]
            cands = self.candidates(doc, target_spans, other_person_spans)[:MAX_CANDIDATES]
            found.append((doc, cands))
        out = []
        for (_, cands), sdocs, request in zip(found, self._parse(found), requests, strict=True):
            claims: dict[Claim, None] = {}  # ordered and without repeats, in linear time
            for cand, sdoc in zip(cands, sdocs, strict=True):
                claims.update(dict.fromkeys(self._sentence_claims(cand, sdoc, request[3])))
            out.append(_finest_dates(self._latest_status(self._drop_background(list(claims)))))
        return out

    def _people(self, article: _Article, spans: Sequence[tuple[int, int]]
                ) -> list[tuple[int, int]]:
        """The spans that name a person: NER now and then calls a country, a place or a
        capitalised common noun a person ("Caldera" tagged a place elsewhere in the
        article, "Kibbutz Nir Dalet", "Kidnappers" opening a sentence, "a former Marine").
        Such a span would keep the target's facts from the target, so it is no other
        person."""
        roles = self.values.lexicons.get("role", {})
        out = []
        for s, e in spans:
            text = article.text[s:e]
            words = text.split()
            if (fold(text) in article.other_labels
                    or any(w.lower() in self._places for w in words)
                    or len(words) == 1 and (text.lower() in article.lower
                                            or fold(text) in roles)):
                continue
            out.append((s, e))
        return out

    def _sentence_claims(self, cand: _Candidate, sdoc: Doc,
                         published_at: str | None) -> list[Claim]:
        sdoc = _places_of_article(cand.span, sdoc)
        others = _mark(sdoc, cand)
        nations = self.values.lexicons.get("nationality", {})
        for t in sdoc:
            t._.ww_nation = t.ent_type_ in ("NORP", "GPE") or fold(t.text) in nations or (
                fold(_singular(t) or "") in nations)  # "Calderans"
        found: list[Claim] = []
        for match_id, token_ids in self._dependency_matcher()(sdoc):
            rule = self._rules[self.nlp.vocab.strings[match_id]]
            names = [p["RIGHT_ID"] for p in rule["pattern"]]
            nodes = {n: sdoc[i] for n, i in zip(names, token_ids, strict=True)}
            claim = self._claim(rule, nodes, sdoc, others, published_at, cand.text.strip())
            if claim is None:
                continue
            for one in [claim, *self._conjoined(claim, rule, nodes.get("value"), sdoc, others,
                                                published_at)]:
                if one not in found:
                    found.append(one)
        found += [c for c in self._demonym_epithet(cand, sdoc) if c not in found]
        return self._latest_status(_most_specific(found, sdoc, self.values))

    def _demonym_epithet(self, cand: _Candidate, sdoc: Doc) -> list[Claim]:
        """"Now 20, the Calderan-Norvanian remains held": an epithet that is a demonym
        says the person's nationality (each half of a hyphenated one)."""
        out = []
        for s, e in cand.targets:
            span = sdoc.char_span(s, e, alignment_mode="expand")
            if span is None or len(span) != 1 or not span[0]._.ww_nation:
                continue
            tok = span[0]
            if not any(w.lower_ == "the" for w in sdoc[max(tok.i - 3, 0):tok.i]):
                continue  # a name that is a demonym ("Israel Cohen" as "Israel") is no epithet
            halves = [tok]
            while halves[0].i > 1 and halves[0].nbor(-1).text == "-" and (
                    halves[0].nbor(-2)._.ww_nation):
                halves.insert(0, halves[0].nbor(-2))
            for half in halves:
                value = self.values.lexicon("nationality", [half.text])
                if value is not None:
                    out.append(Claim("nationality", value, cand.text.strip(), None))
        return out

    def _conjoined(self, claim: Claim, rule: dict[str, Any], tok: Token | None, sdoc: Doc,
                   others: set[int], published_at: str | None) -> list[Claim]:
        """A many-valued attribute said of coordinated values holds each: "dual Calderan
        and Norvanian citizenship", "held in Vell and Dorva". A conjunct that names or
        holds a person is another person's, not a value."""
        if tok is None or not self.attributes[claim.attribute].get("multi"):
            return []
        out = []
        for conj in _coordinated(tok):
            if any(t._.ww_target or t.i in others or t.ent_type_ == "PERSON"
                   for t in conj.subtree):
                continue
            value = self._value(claim.attribute, rule, conj, sdoc, others, published_at)
            if value is not None and value != claim.value:
                out.append(replace(claim, value=value))
        return out

    def _claim(self, rule: dict[str, Any], nodes: dict[str, Token], sdoc: Doc,
               others: set[int], published_at: str | None, sentence: str) -> Claim | None:
        attribute = rule["attribute"]
        anchor = (nodes.get("trigger") or nodes.get("head") or nodes.get("target")
                  or nodes["about"])
        value_tok = nodes.get("value")
        if "head" in nodes and not _own(nodes["head"]):
            return None  # "Thai nationals and Calderans, Orlov": a conjunct, not the group
        if value_tok is not None and not _raised_subject(value_tok, anchor):
            # the value hangs below the anchor, or is the noun the target is apposed to
            low, high = (anchor, value_tok) if value_tok in anchor.ancestors else (
                value_tok, anchor)
            temporal = self.attributes[attribute].get("kind") == "date"
            if not _same_clause(low, high, temporal):
                return None
            if rule.get("detached"):  # set off by a comma: no other person lies between
                if not _closes_aside(nodes["comma"]):
                    return None
            elif _crosses_other(low, high, others, via_subject=bool(rule.get("via_subject"))):
                return None
        if any(node is not anchor and node in anchor.ancestors
               and _crosses_other(anchor, node, others)
               for node in (nodes.get("target"), nodes.get("about")) if node is not None):
            return None
        if "trigger" in nodes and self._negated_or_hedged(anchor):
            return None
        if "event" in nodes and self._negated_or_hedged(nodes["event"]):
            return None  # "may have been seized while reporting in Vell"
        if rule.get("intransitive") and any(c.dep_ == "dobj" for c in nodes["trigger"].children):
            return None  # "missing his left hand" is no disappearance
        if value_tok is not None and any(c.dep_ == "neg" for c in value_tok.children):
            return None
        value = self._value(attribute, rule, value_tok, sdoc, others, published_at)
        if value is None and value_tok is not None:
            value = self._listed_value(attribute, rule, value_tok, sdoc, others, published_at)
        if value is None:
            return None
        # a description of the person in the noun phrase ("reporter Orlov, 34,") is the
        # writer's voice; a predicate under a speech verb is the speaker's
        descriptive = self.attributes[attribute].get("descriptive") and (
            "trigger" not in nodes or nodes["trigger"].dep_ in ("amod", "compound", "nmod"))
        speaker = None if descriptive else self._attribution(anchor)
        source = speaker[0] if speaker else None
        if speaker is not None and speaker[1] == "ORG":
            source = self.values.name(speaker[0])
        past = attribute == "status" and _told_in_past(anchor)
        return Claim(attribute, value, sentence, source, background=attribute == "status" and (
            bool(rule.get("background")) or past), narrated=past and _finite(anchor),
            qualifier=self._qualifier(anchor))

    def _listed_value(self, attribute: str, rule: dict[str, Any], tok: Token, sdoc: Doc,
                      others: set[int], published_at: str | None) -> str | None:
        """"She is a woman, a civilian and alive": of the descriptions listed with a word
        the lexicon does not know (its conjuncts and appositions), the first it knows;
        none of another person's, nor past another person."""
        if tok.i in others or self.attributes[attribute].get("kind") != "lexicon":
            return None
        for item in (*tok.conjuncts, *(c for c in tok.children if c.dep_ == "appos")):
            if any(t._.ww_target or t.i in others for t in item.subtree) or any(
                    tok.i < i < item.i for i in others):
                continue
            value = self._value(attribute, rule, item, sdoc, others, published_at)
            if value is not None:
                return value
        return None

    def _value(self, attribute: str, rule: dict[str, Any], tok: Token | None, sdoc: Doc,
               others: set[int], published_at: str | None) -> str | None:
        spec = self.attributes[attribute]
        kind = spec.get("kind", "entity")
        if kind == "fixed":
            return str(rule["value"])
        assert tok is not None, f"rule {rule['id']} needs a 'value' node"
        if tok._.ww_target or tok.i in others and tok.ent_type_ in ("PERSON", ""):
            return None  # (a place the article's NER took for a person is no person)
        if tok.lower_ in _RELATIVE and tok.dep_ in _SUBJ_DEPS and tok.head.dep_ == "relcl":
            # "the Front, which is holding Orlov": the noun the clause describes
            return self._value(attribute, rule, tok.head.head, sdoc, others, published_at)
        if tok.pos_ == "PRON":  # "the NLF said it was holding Orlov": it = the speaker
            speaker = self._attribution(tok)
            if tok.lower_ not in ("it", "they") or not speaker or speaker[1] != "ORG":
                return None
            return self.values.name(speaker[0])
        if kind == "lexicon":
            if attribute == "nationality" and (self._service_of(tok) or _place_before_nation(tok)):
                return None
            value = self.values.lexicon(attribute, _phrases(tok))
            if attribute == "role" and (value is not None or tok.lemma_.lower() == "member") and (
                    self._in_military(tok)):
                value = "military"  # "a volunteer in / a member of the Calderan army" serves
            if value is not None and self._former_before(tok):
                return self.values.lexicon(attribute, [f"former {value}"]) or value
            return value
        if kind == "age":
            return _age(tok)
        ent = _entity(tok, sdoc)
        if kind == "date":
            return resolve_date(_whole_date(ent), published_at) if ent is not None else None
        if tok.lemma_.lower() in self._members:  # "members of / militants aligned with X"
            group = _group_of_members(tok)
            if group is not None:
                return self._value(attribute, rule, group, sdoc, others, published_at)
        if tok.lemma_.lower() in self._state_nouns:  # a holder, never a place name
            if attribute == "held_by":
                return self._state(tok)
            # "a Dorva prison" is in Dorva; "a Calderan prison" names no place
            town = next((c for c in tok.children if c.dep_ == "compound"
                         and c.ent_type_ in _PLACE_LABELS), None)
            return None if town is None else self._value(attribute, rule, town, sdoc, others,
                                                         published_at)
        if attribute == "location" and _container(tok):
            return None  # "his home in Dorva in the Karsk region": where Dorva lies
        if attribute == "location" and tok.lemma_.lower() in self._attacks:
            return None  # "killed in a Calderan strike": an attack, however NER tags it
        if attribute == "location" and ent is None and tok.lower_ in _GENERIC_PLACES:
            named = next((p for prep in tok.children if prep.dep_ == "prep" and prep.lower_ == "of"
                          for p in prep.children if p.dep_ == "pobj"), None) or next(
                (c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
            if named is not None:  # "the southern city of Vell", "the capital Vell"
                return self._value(attribute, rule, named, sdoc, others, published_at)
        labels = set(spec.get("labels") or ())
        if attribute == "location" and ent is not None and ent.root.lower_ in self._institutions:
            town = next((c for c in ent.root.children if c.dep_ in ("appos", "conj")
                         and c.pos_ == "PROPN" and c.i not in others and not c._.ww_target), None)
            place = _entity(town, sdoc) if town is not None else None
            if town is not None and place is not None:  # "the Girls' College, Dapchi": the town
                return self.values.name(_whole_name(town, place, others))
        if ent is not None:
            place = any(t.lower_ in self._places for t in ent)
            if not place and ent.label_ == "PERSON" and any(t.i in others for t in ent):
                return None  # another person
            name = _whole_name(tok, ent, others)
            if ent.label_ not in labels and not self.values.known(name) and not (
                    place and attribute == "location"):
                return None
            if attribute == "held_by" and self.values.lexicon("nationality", [name]):
                return self._authorities(name)  # "released by Caldera": its authorities
            return self.values.name(name)
        if _title_case(sdoc):
            return None  # a headline capitalises every word: no name without NER
        if attribute == "location" and any(c.dep_ == "poss" for c in tok.children):
            return None  # "his base", "the Front's camp": a place told by its owner, unnamed
        phrase = _left_phrase(tok)
        generic = self._members | self._group_heads
        while len(phrase) > 1 and phrase[-1].lemma_.lower() in generic:
            phrase = phrase[:-1]  # "Crimson Dawn fighters", "the Crimson Dawn terrorist group"
        if not any(t.pos_ == "PROPN" for t in phrase) or all(t.tag_ == "JJ" for t in phrase):
            if attribute == "held_by" and tok.lemma_.lower() in generic:
                return self._group_named_before(tok, sdoc, others)
            return None  # "armed men", "Islamist militants": no holder named
        return self.values.name(sdoc[phrase[0].i:phrase[-1].i + 1].text)

    def _group_named_before(self, tok: Token, sdoc: Doc, others: set[int]) -> str | None:
        """"The Front released a video of Orlov, who was abducted by the militant group":
        a definite armed group ("the terror group", "the militant group") stands for the one
        organisation the sentence named before it, unless that one is speaking; with none
        or several, for nobody."""
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) or not any(
                c.lower_ in _ARMED for c in tok.children if c.dep_ in ("amod", "compound")):
            return None
        named = [e for e in sdoc.ents if e.label_ == "ORG" and e.end <= tok.i and not any(
            t._.ww_target or t.i in others for t in e)]  # (NER calls people ORG now and then)
        if len(named) != 1 or named[0].root.dep_ in _SUBJ_DEPS and (
                named[0].root.head.lemma_.lower() in self._speech):
            return None  # (the speaker is not what it calls "the militant group")
        return self.values.name(clean_name(named[0].text))

    def _drop_background(self, claims: list[Claim]) -> list[Claim]:
        """An article telling "kidnapped in 2021 ... freed on Monday" (whoever says the
        latter) reports the release: a status told in the past below the article's
        latest stage is background, not a claim. So is a status a source narrates in the
        past beside the present state the same source gives ("was kidnapped in 2021 ... is
        still missing"): the present is that source's word on the person now. Present
        states stay, per source."""
        stage = self.status_stages
        statuses = [c for c in claims if c.attribute == "status"]
        top = max((stage[c.value] for c in statuses if c.value in stage), default=None)
        present: dict[str | None, set[str]] = {}
        for c in statuses:
            if not c.background:
                present.setdefault(c.attribution, set()).add(c.value)
        return [c for c in claims if not (c.background and c.attribute == "status" and (
            c.narrated and c.value not in present.get(c.attribution, {c.value})
            or top is not None and stage.get(c.value, top) < top))]

    def _service_of(self, tok: Token) -> bool:
        """A country's name on a military word ("a former Caldera marine", "the Caldera
        army"): the service of a state, not the person's citizenship (the adjective, "a
        Calderan soldier", is)."""
        military = {"military", "former_military"}
        return tok.ent_type_ == "GPE" and tok.dep_ in ("compound", "nmod", "amod") and (
            self.values.lexicon("role", [tok.head.text, tok.head.lemma_]) in military)

    def _in_military(self, tok: Token) -> bool:
        """A role word on a military body ("a volunteer in the Calderan army", "a
        reservist with the Defence Forces"): whatever the word says elsewhere, the person
        is in the military."""
        return any(prep.dep_ == "prep" and prep.lower_ in ("in", "with", "of")
                   and self.values.lexicon("role", _phrases(unit)) == "military"
                   for prep in tok.children for unit in prep.children if unit.dep_ == "pobj")

    def _former_before(self, tok: Token) -> bool:
        """"former" (or "ex-") just before the role word, wherever the parse hangs it:
        "former Calderan marine Orlov", "a former Norvanian navy marine"."""
        for prev in reversed(tok.doc[max(tok.i - 3, 0):tok.i]):
            if prev.lower_ in self._former:
                return True
            if not (prev._.ww_nation or prev.pos_ == "PROPN" or prev.is_punct):
                return False
        return False

    def _state(self, noun: Token) -> str | None:
        """A state's organ named by nationality ("the Calderan government", "a Calderan
        court", "Calderan custody"): the state's authorities, one holder whichever organ
        the article names. Without a nationality, no holder is named."""
        nation = next((c for c in noun.children if c.dep_ in ("amod", "compound", "nmod")
                       and c._.ww_nation and (c.ent_type_ == "NORP" or self.values.lexicon(
                           "nationality", [c.text]))), None)  # not "a Dorva prison"
        if nation is None:  # "authorities in Caldera", "police in Dorva, Caldera"
            nation = next((t for prep in noun.children if prep.dep_ == "prep"
                           and prep.lower_ == "in" for p in prep.children if p.dep_ == "pobj"
                           for t in (p, *(c for c in p.children if c.dep_ in ("appos", "conj")))
                           if self.values.lexicon("nationality", [t.text])), None)
        return self._authorities(nation.text) if nation is not None else None

    def _authorities(self, nation: str) -> str:
        """"<Nationality> authorities" for a country or its adjective ("Caldera",
        "Calderan"): a state holds people through its authorities."""
        canonical = self.values.lexicon("nationality", [nation]) or nation
        return f"{canonical} authorities"

    def _latest_status(self, claims: list[Claim]) -> list[Claim]:
        """One sentence narrating "kidnapped ... then released" states its latest status."""
        stage = self.status_stages
        ranked = [c for c in claims if c.attribute == "status" and c.value in stage]
        top = {c.attribution: max(stage[o.value] for o in ranked if o.attribution == c.attribution)
               for c in ranked}
        return [c for c in claims if c not in ranked or stage[c.value] == top[c.attribution]]

    # ------------------------------------------------------------------ polarity, source

    def _negated_or_hedged(self, trigger: Token) -> bool:
        """True when the trigger's clause, or a clause it is the complement of, is negated
        or hedged. Stops at relative/adverbial clauses, which assert independently."""
        tok, came_from = trigger, trigger
        while True:
            if tok.i != trigger.i and {tok.lemma_.lower(), tok.lower_} & self._hedges and not (
                    came_from.dep_ == "xcomp" and tok.tag_ == "VBN"
                    and tok.lower_ in self._qualifiers) and not (  # "is believed to be held"
                    tok.lower_ == "until" and came_from.dep_ == "pobj"):
                # ("until his disappearance in 2012" happened; "until he is freed" has not)
                return True
            for child in tok.children:
                if child.dep_ == "neg" or _irrealis_aux(child, tok):
                    return True
                if child.dep_ in ("aux", "advmod", "mark", "acomp") and (
                        child.lemma_.lower() in self._hedges or child.lower_ in self._hedges):
                    return True
            if tok.head.i == tok.i or tok.dep_ in _STOP_HEDGE_DEPS and not (
                    tok.dep_ == "acl" and tok.head.pos_ == "NOUN" and not tok.head._.ww_target):
                return False
            if tok.dep_ == "conj" and any(c.dep_ in _SUBJ_DEPS for c in tok.children):
                return False  # "it is unclear who ..., but Orlov is held": a clause of its own
            tok, came_from = tok.head, tok

    def _qualifier(self, trigger: Token) -> str | None:
        """"reportedly" / "allegedly" on the claim's clause ("is reportedly held", "is
        said to be held"), or "claimed" under a disputing speech verb ("X claimed that
        ..."), as the lexicon names it; None for a plain assertion."""
        tok = trigger
        while True:
            for child in tok.children:
                if child.dep_ in ("advmod", "amod") and child.lower_ in self._qualifiers:
                    return self._qualifiers[child.lower_]
            if tok.dep_ == "xcomp" and tok.head.tag_ == "VBN" and (
                    tok.head.lower_ in self._qualifiers):  # "is said / alleged to"
                return self._qualifiers[tok.head.lower_]
            if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in self._disputed:
                return self._disputed[tok.head.lemma_.lower()]  # "X claimed that ..."
            if tok.head.i == tok.i or tok.dep_ in _STOP_HEDGE_DEPS:
                return None
            tok = tok.head

    def _attribution(self, trigger: Token) -> tuple[str, str] | None:
        """Who asserts the claim: "according to Y", or the subject of a speech verb above
        (not when the claim sits in that subject: "the man holding X said" is the
        article's description of the man)."""
        tok = came_from = trigger
        while True:
            if tok.dep_ in _SUBJ_DEPS and tok.head.lemma_.lower() in self._speech:
                return None
            for child in tok.children:
                if child.lower_ == "according":
                    for to in child.children:
                        pobj = next((t for t in to.children if t.dep_ == "pobj"), None)
                        if pobj is not None:
                            return _speaker(pobj)
            if tok.i != trigger.i and tok.lemma_.lower() in self._speech and not (
                    came_from.dep_ == "advcl" and came_from.lemma_.lower() not in self._speech):
                # (not "reporting in Vell when he was seized": no speech of the seizure)
                # "Orlov is said to be held": a passive speech verb names no speaker
                subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                if subj is not None and subj._.ww_refers and came_from.dep_ == "ccomp" and not any(
                        c.dep_ in _SUBJ_DEPS for c in came_from.children):
                    # "Among those freed are Orlov and Varga, the agency said", parsed with
                    # the names as the speaker: the speaker is the apposition after them
                    subj = next((a for t in (subj, *subj.conjuncts) for a in t.children
                                 if a.dep_ == "appos"), None)
                if subj is not None:
                    return _speaker(subj)
            if tok.head.i == tok.i:
                return None
            tok, came_from = tok.head, tok


_GROUP_NOUNS = frozenset({"couple", "pair", "hostages", "captives", "men", "women", "brothers",
                          "sisters", "siblings", "boys", "girls", "children", "journalists",
                          "americans", "nationals", "citizens", "prisoners", "detainees",
                          "members"})
_GROUP_VERBS = frozenset({"were", "are", "had", "have", "remain", "remained", "appeared",
                          "appear", "looked", "seemed", "went", "disappeared", "vanished"})
# what may open a sentence before its subject's name: a short adverbial ("On Saturday, ")
# and a title
_GENERIC_PLACES = frozenset({"city", "town", "village", "capital", "region", "province",
                             "district", "county"})
_TITLE_ONLY = re.compile(r"^(?:\w+(?: \w+){0,3}, )?(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?$")
# nouns of a person that an opening sentence introduces before naming ("A Calderan
# hostage was freed")
_PERSON_NOUNS = frozenset({"hostage", "captive", "citizen", "national", "man", "woman",
                           "graduate", "native", "resident", "girl", "boy", "teenager",
                           "mother", "father", "grandmother", "grandfather", "prisoner",
                           "detainee"})
# role words that name a body, not a person: "The Calderan army said" is no epithet
_BODIES = frozenset({"army", "military", "troops", "forces", "force", "navy", "police"})
# words that follow a demonym standing for a person ("the Calderan was freed")
_EPITHET_VERBS = frozenset({"is", "was", "has", "had", "remains", "remained", "said", "says",
                            "told", "appeared", "appears", "became", "will", "would", "could",
                            "spent", "thanked", "described"})
_ARMED = frozenset({"terror", "terrorist", "militant", "armed", "jihadist", "extremist",
                    "islamist", "rebel", "insurgent"})
_CLAUSE_BREAKS = frozenset({"while", "but", "whereas", "although", "though"})
_COUNTS = frozenset({"two", "three", "four", "five"})


def _family_spans(text: str, name: str) -> list[tuple[int, int]]:
    """Char spans of "the <surname> family" ("the Orlov family were taken hostage"): the
    family is a set the target is one of, so its predicate is said of each member
    (whatever the set is used for else, "members of the Orlov family said", asserts
    nothing of them). A one-word name has no surname."""
    words = name.split()
    if len(words) < 2:
        return []
    pattern = rf"\b[Tt]he\s+({re.escape(words[-1])}\s+family)\b"
    return [m.span(1) for m in re.finditer(pattern, text)]


def _group_opening(sent: Span) -> tuple[int, int] | None:
    """"Both were seized ...", "The two hostages were ...", "The couple was ...": a
    sentence opening on the set the previous sentence named (the target among them) says
    its predicate of each. Returns the sentence-relative span of the set's word; "the
    family" is not one (it is as often the relatives who speak)."""
    words = [t for t in sent if not t.is_space][:5]
    if not words:
        return None
    if words[0].lower_ == "both" and len(words) > 2 and (
            words[1].lower_ in _GROUP_VERBS or words[1].lower_ in _GROUP_NOUNS
            and words[2].lower_ in _GROUP_VERBS):  # (the doc may carry no tags yet)
        head = words[0]
    elif words[0].lower_ == "the" and len(words) > 1 and (
            words[1].lower_ in ("couple", "pair") or words[1].lower_ in _COUNTS and any(
                w.lower_ in _GROUP_NOUNS for w in words[2:4])):
        head = next(w for w in words[1:] if w.lower_ in _GROUP_NOUNS | {"couple", "pair"})
    else:
        return None
    start = head.idx - sent.start_char
    return (start, start + len(head.text))


def _names_a_set(sent: Span) -> bool:
    """"They are Orlov and Varga", "'These are ...'": a sentence naming the members of a
    set the sentence before spoke of (its target among them)."""
    words = [t for t in sent if not t.is_space and not t.is_quote][:2]
    return len(words) == 2 and words[0].lower_ in ("they", "these", "those") and (
        words[1].lower_ in ("are", "were", "include", "included"))


def _set_before(sent: Span) -> tuple[int, int] | None:
    """The sentence-relative span of the first plural set noun of ``sent`` ("Two
    Calderan nationals are still held"), which the next sentence names member by member."""
    head = next((t for t in sent if t.lower_ in _GROUP_NOUNS and t.lower_ != "members"), None)
    if head is None:
        return None
    start = head.idx - sent.start_char
    return (start, start + len(head.text))


def _bare(sent: Span) -> Span | None:
    """A sentence without the paragraph breaks around it (None if that is all it is):
    the parser reads a break as a word of the sentence, and now and then misreads the
    words beside it."""
    doc, start, end = sent.doc, sent.start, sent.end
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end] if start < end else None


def _names_after(words: Sequence[Token]) -> bool:
    """A comma and then a capitalised name ("..., Ana Petrov,"): the noun phrase before it
    is that person's title."""
    for k, tok in enumerate(words[:-1]):
        if tok.text == "," and words[k + 1].is_title and words[k + 1].is_alpha and (
                k + 2 < len(words) and words[k + 2].is_title):
            return True
    return False


def _parsed(doc: Doc) -> bool:
    """A doc that carries its own parse and entities: its sentences are read as they are."""
    return doc.has_annotation("DEP") and doc.has_annotation("ENT_IOB")


def _inside(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> tuple[tuple[int, int], ...]:
    """The ``spans`` (sorted) within ``lo..hi``, relative to ``lo``: a bisection, so an
    article of thousands of sentences is not scanned once per sentence."""
    out = []
    for i in range(bisect_left(spans, (lo, lo)), len(spans)):
        s, e = spans[i]
        if s >= hi:
            break
        if e <= hi:
            out.append((s - lo, e - lo))
    return tuple(out)


def _mark(sdoc: Doc, cand: _Candidate) -> set[int]:
    """Set ``ww_target`` / ``ww_about`` on the sentence; return the other people's tokens."""
    others: set[int] = set()
    for s, e in cand.others:
        span = sdoc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            others.update(t.i for t in span)
    for t in sdoc:
        t._.ww_target = False
    for s, e in cand.targets:
        span = sdoc.char_span(s, e, alignment_mode="expand")
        for t in span or ():
            t._.ww_target = True
    for t in sdoc:
        if t._.ww_target and t.lower_ == "family" and not _family_includes_target(t, others):
            for w in (t, *(c for c in t.children if c._.ww_target)):
                w._.ww_target = False
    # a pronoun is the target when nobody else is named in the sentence, or when it comes
    # after the target and before anybody else ("Orlov was 31 when he was taken by Varga's
    # men"; not "Varga told Orlov he ...")
    after = min((s for s, _ in cand.targets), default=0)
    before = min((s for s, _ in cand.others), default=len(sdoc.text) + 1)
    for t in sdoc:
        if t.lower_ in PRONOUNS and (cand.pronoun_is_target or cand.targets
                                     and after < t.idx < before):
            t._.ww_target = True
        # so does an age epithet there ("the Front, holding Orlov, said the 52-year-old
        # engineer is a spy"): reported speech names the person it speaks of so
        if cand.targets and after < t.idx < before and _age_epithet(t) and not any(
                c._.ww_target for a in t.ancestors for c in a.children if c.dep_ in _SUBJ_DEPS):
            t._.ww_target = True  # (not when the target speaks: "Orlov said the 45-year-old")
    _plural_pronouns(sdoc, others)
    for t in sdoc:
        t._.ww_refers = False
    for t in sdoc:
        if t._.ww_target:
            _set_refers(t)
    for t in sdoc:
        t._.ww_about = _about(t)
    return others


def _plural_pronouns(sdoc: Doc, others: set[int]) -> None:
    """"The captors of Orlov and Varga murdered them", "... by their captors": a plural
    pronoun after a coordination that holds the target, nobody else named between, stands
    for the coordination (the target one of them)."""
    head = next((t for t in sdoc if t._.ww_target and not t.head._.ww_target), None)
    if head is None:
        return
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    members = [head, *head.conjuncts]
    if len(members) < 2:
        return
    end = max(t.i for m in members for t in m.subtree if t.dep_ not in ("relcl", "acl"))
    for t in sdoc[end + 1:]:
        if t.i in others:
            return
        if t.lower_ in ("they", "them", "their"):
            t._.ww_target = True


def _family_includes_target(family: Token, others: set[int]) -> bool:
    """Is the target one of "the Orlov family" here? Not when the sentence names the
    target beside the family ("the family were taken with their father Daniel"), nor
    when the family's own phrase names its members and the target is not among them
    ("the Orlov family, including Ari and Mira, ...")."""
    inside = {t.i for t in family.subtree}
    own = {family.i, *(c.i for c in family.children if c._.ww_target)}
    named = [t for t in family.doc if t._.ww_target and t.i not in own]
    if any(t.i not in inside for t in named):
        return False
    return bool(named) or not any(i in inside for i in others)


def _age_epithet_within(words: Sequence[Token], offset: int) -> tuple[int, int] | None:
    """"This is the first time the 23-year-old has been seen": an age epithet inside the
    sentence ("the <n>-year-old" followed by no name) stands for the person named last as
    one opening it does. Sentence-relative span of "old", or None."""
    for j in range(len(words) - 4):
        if words[j].lower_ == "the" and words[j + 1].like_num and [
                w.text for w in words[j + 2:j + 5]] == ["-", "year", "-"] and (
                j + 5 < len(words) and words[j + 5].lower_ == "old"):
            after = words[j + 6:j + 8]
            if after and (after[0].text in ("-", "'s", "’s") or after[0].is_title):
                return None  # "the 23-year-old Varga", "the 23-year-old's"
            start = words[j + 5].idx - offset
            return (start, start + 3)
    return None


def _age_epithet(tok: Token) -> bool:
    """The subject "the 52-year-old (engineer)": a definite noun phrase of an age and no
    name, standing for a person ("the 52-year-old Varga" is Varga)."""
    if tok.dep_ not in _SUBJ_DEPS or tok.pos_ not in ("NOUN", "ADJ"):
        return False
    words = list(tok.subtree)
    return (words[0].lower_ == "the" and not any(w.pos_ == "PROPN" for w in words)
            and any(w.lower_ == "old" and w.i > 0 and tok.doc[w.i - 1].text == "-"
                    for w in words if w.i <= tok.i))


def _set_refers(tok: Token) -> None:
    """Mark the nouns that stand for the target or a set holding it: the target; a noun
    whose conjuncts or appositions do ("Orlov and Varga", "the man, Orlov", "her sons,
    Ari and Tomas"); an apposition of one ("Orlov, a teacher"); the set a partitive
    apposition picks from ("Orlov, one of the hostages killed"); and the set a list
    "including" him is drawn from ("Calderan hostages, including Orlov and Varga")."""
    tok._.ww_refers = True
    head = tok.head
    if tok.dep_ in _SUBJ_DEPS:  # "Orlov is one of the hostages held in Vell"
        for verb in (head, *(c for c in head.children if c.dep_ == "xcomp")):
            if verb.lemma_ == "be":
                for attr in verb.children:
                    if attr.dep_ == "attr" and not attr._.ww_refers:
                        _set_refers(attr)
    if tok.dep_ == "attr" and head.lemma_ == "be":  # "The last hostage still held is Orlov"
        for subj in head.children:
            if subj.dep_ == "nsubj" and subj.pos_ in ("NOUN", "ADJ", "NUM") and not (
                    subj._.ww_refers):
                _set_refers(subj)
    if head.i != tok.i and tok.dep_ in _GROUP_DEPS and not head._.ww_refers:
        _set_refers(head)
    if tok.dep_ == "appos" and head.pos_ == "NOUN" and head.dep_ == "pobj" and (
            head.head.lower_ == "with" and head.head.head.lower_ in _PERSON_NOUNS
            and not head.head.head._.ww_refers):
        # "another hostage with Calderan citizenship, Orlov": the parser hangs the name on
        # the last noun before its comma; it names the person the phrase describes
        _set_refers(head.head.head)
    if tok.dep_ == "pobj" and head.lower_ in ("including", "like"):
        # "Calderan hostages, including Orlov", "freed Calderans including Orlov": a set
        # holding him (not "freed from custody, including Orlov")
        sets = [head.head] if head.head.pos_ != "VERB" else [
            c for c in head.head.children if c.dep_ == "dobj"]
        for group in sets:
            if group.tag_ in ("NNS", "NNPS"):
                group._.ww_refers = True
    for child in tok.children:
        if (child.dep_ == "appos" and not child._.ww_refers and not child._.ww_target
                and child.pos_ != "PROPN"):  # "Orlov, a teacher", not "Orlov, Varga"
            _set_refers(child)
        if child.dep_ == "prep" and child.lower_ in ("of", "among") and (
                tok.lower_ in _PARTITIVE or tok.pos_ == "NUM"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and not pobj._.ww_refers:
                    pobj._.ww_refers = True


def _own(head: Token) -> bool:
    """Does a clause on this noun speak of the target? A clause on "Orlov and Varga"
    hangs on Orlov and may be his alone: only the target's own noun, or one standing
    for it that is not the head of a coordination."""
    return bool(head._.ww_target or head._.ww_refers and not any(
        c.dep_ == "conj" for c in head.children))


def _among_with_target(noun: Token) -> bool:
    """"Among those freed were Orlov and Varga" / "Orlov is among the prisoners held":
    ``noun`` is the object of "among" on a verb whose subject (or attribute) stands for
    the target."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "among" or prep.head.i == prep.i:
        return False
    verb = prep.head
    if any(c.dep_ == "neg" or c.tag_ == "MD" for c in verb.children):
        return False  # "Orlov is not / may be / will be among those freed"
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "attr", "nsubjpass")]
    if any(c._.ww_refers for c in _as_too(verb)):
        return True  # "Orlov is among those freed, as is Varga"
    if subjects or verb.lemma_ != "be" or verb.i < prep.i:
        return any(c._.ww_refers for c in subjects)
    # "Among those freed are Orlov and Varga, the agency said": the parser, taking the
    # names for the speaker's subject, left the inverted copula without one; the names
    # are then those written after it, up to the speech verb or the next clause
    for tok in noun.doc[verb.i + 1:]:
        if tok.text == ";" or tok.lower_ in _CLAUSE_BREAKS or tok.pos_ == "VERB":
            return False
        if tok._.ww_target:
            return True
    return False


def _coordinated(tok: Token) -> list[Token]:
    """The values coordinated with ``tok``. Of "dual Calderan and Norvanian citizen" the
    parser coordinates the first adjective with the second's noun: a nationality's
    conjunct noun stands for its own nationality modifier, and a modifier's noun for its
    conjunct, so that either half finds the other."""
    found = list(tok.conjuncts)
    if not tok._.ww_nation:
        return found
    if tok.dep_ in ("amod", "compound"):
        found += [c for c in tok.head.conjuncts if c._.ww_nation]
    return [m for c in found for m in ([c] if c._.ww_nation else [
        k for k in c.children if k.dep_ in ("amod", "compound") and k._.ww_nation])]


def _told_in_past(trigger: Token) -> bool:
    """A verb (with its auxiliaries, or the verb it complements: "remains held") in a
    past form and no present tense: "was kidnapped", "had been held", "kidnapped in May,
    Orlov ...". A bare "-ing" form or adjective tells a state, not a past ("Orlov still
    missing in Vell", a headline's dropped copula)."""
    if trigger.pos_ not in ("VERB", "AUX"):
        return False
    verbs = [trigger]
    if trigger.dep_ in ("xcomp", "acomp", "oprd") and trigger.head.i != trigger.i:
        verbs.append(trigger.head)
    tags = {t.tag_ for v in verbs for t in [v, *v.children] if t is v or t.dep_ in (
        "aux", "auxpass")}
    return bool(tags & {"VBD", "VBN"}) and not tags & {"VBZ", "VBP", "MD"}


def _finest_dates(claims: list[Claim]) -> list[Claim]:
    """An article telling one date twice, "his abduction in 2012" and "vanished in August
    2012", tells it once: the coarser form adds nothing to the finer one it agrees with."""
    dates = {(c.attribute, c.value) for c in claims if _ISO_DATE.match(c.value)}
    return [c for c in claims if not any(
        a == c.attribute and v != c.value and v.startswith(c.value + "-") for a, v in dates)]


def _most_specific(claims: list[Claim], sdoc: Doc, values: ClaimValues) -> list[Claim]:
    """Of the places one sentence gives the target, drop a place the sentence itself
    names as where another of them lies ("... in Caldera: authorities in Dorva, Caldera,
    detained Orlov" is Dorva): the smaller place says more, the larger adds nothing."""
    places = {c.value for c in claims if c.attribute == "location"}
    if len(places) < 2:
        return claims
    containers = {values.name(ent.text) for ent in sdoc.ents if _container(ent.root)}
    drop = {p for p in places & containers if places - {p}}
    return [c for c in claims if not (c.attribute == "location" and c.value in drop)]


def _raised_subject(value: Token, anchor: Token) -> bool:
    """The value is the subject of the verb the anchor complements: "the Front is
    believed / said to be holding Orlov", "the Front, which is thought to hold Orlov"."""
    return (anchor.dep_ == "xcomp" and value.dep_ in _SUBJ_DEPS
            and value.head.i == anchor.head.i != anchor.i)


def _finite(verb: Token) -> bool:
    """The verb or an auxiliary of it is finite ("was kidnapped", "disappeared"), not a
    bare participle ("kidnapped in May, Orlov ...", a headline's "Orlov Freed")."""
    return verb.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _irrealis_aux(child: Token, verb: Token) -> bool:
    """An infinitive ("efforts to free", "failing to release", "due to be released") or a
    base-form auxiliary ("insisted he be released") makes a predicate unreal — unless the
    infinitive is "the first/last/only ... to be held", which states a fact."""
    if child.dep_ not in ("aux", "auxpass"):
        return False
    if verb.dep_ == "xcomp" and verb.head.lemma_ in _REPORTING:
        return False  # "is said / reported to be held": reported speech, not irrealis
    if child.tag_ == "TO":
        return not (verb.dep_ in ("relcl", "acl") and any(
            c.lower_ in ("first", "last", "only", "second") for c in verb.head.children))
    return child.tag_ == "VB"


def _container(tok: Token) -> bool:
    """A place said only to locate another place: the "Karsk region" of "Dorva in the
    Karsk region" or of "his home in Dorva in the Karsk region", the "Caldera" of "Dorva,
    Caldera". Wire copy gives the town a person was held in, then where the town lies."""
    head = tok.head
    if tok.dep_ == "appos":
        return head.ent_type_ in _PLACE_LABELS
    if tok.dep_ != "pobj" or head.lower_ not in ("in", "of") or head.head.i == head.i:
        return False
    owner = head.head
    if owner.ent_type_ in _PLACE_LABELS:
        return True
    return any(prep.dep_ == "prep" and prep.i < head.i and prep.lower_ in ("in", "at", "near")
               and any(p.dep_ == "pobj" and p.ent_type_ in _PLACE_LABELS for p in prep.children)
               for prep in owner.children)


def _places_of_article(sent: Span, sdoc: Doc) -> Doc:
    """The sentence's parse with the places the whole article knows: parsed alone, the
    sentence may call a town a person ("the tunnels under Dorva") that the article's
    entities, read over every mention, call a place (``streams.nlp.places_named_as_people``).
    The parse is shared between articles, so a relabelled one is a copy."""
    base = sent.start_char
    places = {(e.start_char - base, e.end_char - base) for e in sent.ents
              if e.label_ in _PLACE_LABELS}
    if not any(e.label_ == "PERSON" and (e.start_char, e.end_char) in places
               for e in sdoc.ents):
        return sdoc
    sdoc = sdoc.copy()
    sdoc.ents = [Span(sdoc, e.start, e.end, label="GPE")
                 if e.label_ == "PERSON" and (e.start_char, e.end_char) in places else e
                 for e in sdoc.ents]
    return sdoc


def _closes_aside(comma: Token) -> bool:
    """The comma ends an aside (an apposition, "his brother, Ari Kessling, 27,", or a date,
    "on May 2, 2023,"), so what follows it goes back to the verb; after a plain noun
    ("alongside two aid workers, from Caldera") it may still describe that noun."""
    if comma.i == 0:
        return False
    prev = comma.doc[comma.i - 1]
    return prev.ent_type_ == "DATE" or any(t.dep_ == "appos" for t in (prev, *prev.ancestors))


def _crosses_other(value: Token, anchor: Token, others: set[int],
                   via_subject: bool = False) -> bool:
    """The value reaches the anchor through another person or another conjunct: "Orlov
    and 80-year-old Varga", "Orlov, 35, and Norvanian engineer Varga" give Orlov nothing
    of Varga's; nor does a verb's date reach it through the subject ("Orlov, a nurse in
    Caldera since 1991, was kidnapped in May") unless the rule reads the value there
    (``via_subject``: "authorities in Dorva detained Orlov")."""
    verb = anchor.pos_ in ("VERB", "AUX") and not via_subject
    tok = value
    while tok.i != anchor.i:
        if tok.i != value.i and (tok.i in others or tok.dep_ == "conj" and not tok._.ww_target
                                 or verb and tok.dep_ in _SUBJ_DEPS):
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _age(tok: Token) -> str | None:
    """Years ("34", "34-year-old") or, for infants, months ("10-month-old" -> "10 months")."""
    if tok.dep_ == "nummod" and not tok.head.lower_.startswith(("year", "month")) and (
            tok.head.tag_ in ("NNS", "NNPS") or not tok.text[0].isdigit()):
        return None  # "three hostages", "three Orlov" of a list: a count
    number = _spelled(tok)
    if tok.head.lower_ == "birthday":  # "his 31st birthday"
        number = number.rstrip("stndrh")
    unit = tok.head.lower_ if tok.head.i != tok.i else ""
    if unit.startswith("month") or any(t.lower_.startswith("month")
                                       for t in tok.doc[tok.i + 1:tok.i + 3]):
        return f"{number} months" if _MONTHS.match(number) else None
    return number if _YEARS.match(number) and 0 < int(number) <= 120 else None


def _spelled(tok: Token) -> str:
    """A number as digits: "34" stays, "four" -> 4, "twenty-nine" (either half) -> 29;
    anything else comes back as written (and fails the caller's digit check)."""
    word, doc = tok.lower_, tok.doc
    if word in _TENS:
        tens, units = _TENS[word], 0
        if tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-":
            units = _UNITS.get(doc[tok.i + 2].lower_, 0) if _UNITS.get(
                doc[tok.i + 2].lower_, 10) < 10 else 0
        return str(tens + units)
    if word in _UNITS:
        if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "of":
            return tok.text  # "one of the hostages": a partitive, no number of years
        if (_UNITS[word] < 10 and tok.i >= 2 and doc[tok.i - 1].text == "-"
                and doc[tok.i - 2].lower_ in _TENS):
            return str(_TENS[doc[tok.i - 2].lower_] + _UNITS[word])
        return str(_UNITS[word])
    return tok.text


def _about(tok: Token, depth: int = 0) -> bool:
    """Is the target the (own or inherited) subject of this predicate?"""
    if depth > 6:
        return False
    if _companion_refers(tok) or any(s._.ww_refers for s in _as_too(tok)):
        return True
    subj = next((c for c in tok.children if c.dep_ in _SUBJ_DEPS), None)
    if subj is not None:
        if subj._.ww_refers or any(c._.ww_target for c in subj.conjuncts):
            return True
        if subj.lower_ in _RELATIVE and tok.dep_ == "relcl":
            return _own(tok.head) or _plural(tok) and _in_group_with_target(tok.head)
        return False
    if tok.dep_ in ("acl", "relcl"):
        return _own(tok.head) or _among_with_target(tok.head)
    if tok.dep_ in _INHERIT_DEPS and tok.head.i != tok.i:
        return _about(tok.head, depth + 1)
    obj = _object_as_subject(tok)
    return obj is not None and (obj._.ww_refers or any(c._.ww_target for c in obj.conjuncts))


def _object_as_subject(verb: Token) -> Token | None:
    """"The Front asserted Orlov and Varga were killed": without "that", the parser makes
    the names the object of the speech verb and leaves the finite clause after them with no
    subject; the object before it is that subject."""
    if verb.dep_ != "ccomp" or not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return None
    return next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)


def _as_too(verb: Token) -> list[Token]:
    """The subjects of "..., as was Varga" / "as are X and Y" on ``verb``: what the verb
    says of its subject it says of them."""
    return [s for c in verb.children if c.dep_ == "advcl" and c.lemma_ == "be" and any(
                m.dep_ == "mark" and m.lower_ == "as" for m in c.children)
            for s in c.children if s.dep_ in _SUBJ_DEPS]


def _companion_refers(verb: Token) -> bool:
    """"Varga was seized alongside Orlov", "... freed, along with Orlov, on Monday", "held
    together with Orlov": what the verb says of its subject it says of the companion."""
    together = any(c.dep_ == "advmod" and c.lower_ in ("together", "along") for c in verb.children)
    for prep in verb.children:
        if prep.dep_ != "prep":
            continue
        if prep.lower_ == "alongside" or prep.lower_ == "with" and together:
            objs = [c for c in prep.children if c.dep_ == "pobj"]
        elif prep.lower_ in ("along", "together"):
            objs = [p for w in prep.children if w.lower_ == "with"
                    for p in w.children if p.dep_ == "pobj"]
        else:
            continue
        if any(o._.ww_refers or any(c._.ww_target for c in o.conjuncts) for o in objs):
            return True
    return False


def _plural(verb: Token) -> bool:
    """The clause's verb agrees with a plural ("who were taken", "who have been held")."""
    return any(t.tag_ == "VBP" or t.lower_ in ("were", "are", "have")
               for t in (verb, *(c for c in verb.children if c.dep_ in ("aux", "auxpass"))))


def _in_group_with_target(noun: Token) -> bool:
    """The noun is the last of a coordination (or of the apposition naming a set) the
    target is in: "Orlov and Varga, who were kidnapped in May" hangs the clause on Varga
    but its plural says it of both; "her sons, Ari and Tomas, who were ..." of each."""
    group = noun
    while True:
        if any(c._.ww_target or c._.ww_refers for c in (group, *group.conjuncts)):
            return True
        if group.dep_ not in _GROUP_DEPS or group.head.i == group.i:
            return False
        group = group.head


def _same_clause(value: Token, anchor: Token, temporal: bool = False) -> bool:
    """The value hangs on the anchor without crossing into a nested clause; a date may
    cross into a "when" clause, whose time is the anchor's ("seized when the Front
    attacked on 7 May")."""
    tok = value
    while tok.i != anchor.i:
        if tok.i != value.i and tok.dep_ in _CLAUSE_DEPS and tok.pos_ in ("VERB", "AUX") and not (
                temporal and tok.dep_ == "advcl" and any(
                    c.lower_ == "when" and c.dep_ == "advmod" for c in tok.children)):
            return False
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return True


def _entity(tok: Token, sdoc: Doc) -> Span | None:
    if not tok.ent_type_:
        return None
    return next((e for e in sdoc.ents if e.start <= tok.i < e.end), None)


def _entity_part(tok: Token, ent: Span) -> str:
    """The part of an entity that is the value token's own name: NER sometimes swallows
    a following "in Rafah" into "the Front in Rafah"; the parse tells the two apart."""
    def own(t: Token) -> bool:
        while t.i != tok.i:
            if t.dep_ in ("prep", "pobj", "cc", "conj") or t.head.i == t.i:
                return False
            t = t.head
        return True
    mine = [t for t in ent if own(t)]
    return ent.doc[mine[0].i:mine[-1].i + 1].text if mine else ent.text


def _title_case(sdoc: Doc) -> bool:
    """A headline ("Orlov Seen in New Video"): most longer words capitalised."""
    words = [t for t in sdoc if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words)


def _whole_name(tok: Token, ent: Span, others: set[int]) -> str:
    """The name the value token ends: the entity's own part (``_entity_part``), with a
    possessive owner ("the Crimson Dawn's Northern Command") or the proper nouns NER left
    out before it ("Crimson Dawn | Northern Command") joined back."""
    doc = ent.doc
    owner = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PROPN"
                  and c.i < ent.start and not c._.ww_target and c.i not in others), None)
    if owner is not None:
        return doc[owner.left_edge.i:ent.end].text
    if tok.i == ent.end - 1:
        lead = [t for t in _left_phrase(tok) if t.i < ent.start]
        while lead and not (lead[0].pos_ == "PROPN" and lead[0].dep_ in ("compound", "nmod")):
            lead = lead[1:]
        if lead and all(t.pos_ in ("PROPN", "PUNCT") for t in lead):
            return doc[lead[0].i:ent.end].text
    return _entity_part(tok, ent)


def _whole_date(ent: Span) -> str:
    """A date NER cut in two ("Oct. 7" | ", 2023"), or one of those halves: joined."""
    doc = ent.doc
    ents = [e for e in doc.ents if e.label_ in ("DATE", "TIME")]
    i = ents.index(ent) if ent in ents else -1
    start, end = ent.start, ent.end
    if 0 <= i < len(ents) - 1 and ents[i + 1].start <= end + 1 and (
            ents[i + 1].start == end or doc[end].text == ",") and _YEAR_ONLY.match(
                ents[i + 1].text.strip(", ")):
        end = ents[i + 1].end
    if i > 0 and ents[i - 1].end >= start - 1 and (
            ents[i - 1].end == start or doc[start - 1].text == ",") and _YEAR_ONLY.match(
                ent.text.strip(", ")):
        start = ents[i - 1].start
    # "Exactly four years ago", "four years ago to the day": NER leaves the words that
    # make it an anniversary (a day, not a year) outside the entity
    if start > 0 and doc[start - 1].lower_ in EXACTLY:
        start -= 1
    if doc[end:end + 3].text.lower() == "to the day":
        end += 3
    elif end < len(doc) and doc[end].lower_ == "today" and doc[end - 1].lower_ == "ago":
        end += 1
    return doc[start:end].text  # (not "Wednesday, nearly two weeks": a year completes a date)


def _group_of_members(tok: Token) -> Token | None:
    """The group of "members of X", "militants aligned with X" (not "militants from X":
    where they come from is no group)."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((p for p in child.children if p.dep_ == "pobj"), None)
        if child.dep_ == "acl" and child.lemma_ in ("align", "link", "affiliate", "tie",
                                                    "loyal", "belong"):
            return next((p for prep in child.children if prep.dep_ == "prep"
                         for p in prep.children if p.dep_ == "pobj"), None)
    return None


def _left_phrase(tok: Token) -> list[Token]:
    """The noun and the modifiers before it, as written ("the Palestinian Crimson Dawn
    cell" -> Palestinian Crimson Dawn cell), without a leading determiner or punctuation."""
    words = [t for t in tok.doc[tok.left_edge.i:tok.i + 1]]
    while words[:-1] and (words[0].dep_ in ("det", "predet", "punct", "case")
                          or words[0].pos_ == "PRON"):
        words = words[1:]
    return words


def _place_before_nation(tok: Token) -> bool:
    """A country's name right before a nationality word, with no hyphen or "and" between
    ("... abduction in Haiti American nurse Orlov", a heading glued to its sentence): the
    country is where something happened; the nationality is the word after it."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return (nxt is not None and (tok.ent_type_ == "GPE" or tok.tag_ == "NNP")
            and nxt._.ww_nation and nxt.tag_ == "JJ" and tok.whitespace_ != "")


def _phrases(tok: Token) -> list[str]:
    """Candidate phrases for a lexicon lookup, longest first."""
    cut = {t.i for c in tok.children if c.dep_ in ("relcl", "appos", "acl")
           for t in c.subtree}
    subtree = [t for t in tok.subtree if t.i not in cut and t.dep_ != "punct"]
    mods = [t for t in tok.lefts if t.dep_ in ("compound", "amod")]
    # "Christian humanitarian worker": "humanitarian worker" before "worker"
    chains = [" ".join(t.text for t in [*mods[i:], tok]) for i in range(len(mods))]
    single = _singular(tok)
    return [" ".join(t.text for t in subtree), *chains, tok.text, tok.lemma_,
            *([single] if single else [])]


def _singular(tok: Token) -> str | None:
    """A plural noun written without its "s" ("Calderans", "journalists"), the form the
    lexicons list; None for any other token."""
    return tok.text[:-1] if tok.tag_ in ("NNS", "NNPS") and tok.text.endswith("s") else None


# what a source issues: "a statement by the Front said" is the Front speaking
_UTTERANCES = frozenset({"statement", "communique", "communiqué", "announcement", "report",
                         "video", "message", "post", "release"})


def _speaker(tok: Token) -> tuple[str, str] | None:
    """(cleaned name, entity label or "") of a speaker token; None for a pronoun."""
    if tok.lower_ in _UTTERANCES:
        tok = next((p for prep in tok.children if prep.lower_ in ("by", "from", "of")
                    for p in prep.children if p.dep_ == "pobj"), tok)
    name = _name_of(tok)
    return (name, tok.ent_type_) if name else None


def _name_of(tok: Token) -> str | None:
    """A speaker's cleaned name: the named entity, else the noun phrase without clauses."""
    if tok.pos_ == "PRON":
        return None
    if tok.ent_type_:
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None:
            return clean_name(ent.text)
    words: list[Token] = []
    for t in tok.subtree:
        if any(a.dep_ in _DROP_FROM_NAME and a in tok.subtree and a.i != tok.i
               for a in [t, *t.ancestors]) or t.dep_ == "det" and t.head.i == tok.i:
            continue
        words.append(t)
    return clean_name(" ".join(t.text for t in words)) or None
