"""The one way wirewatch folds text into a key, and makes an id from a name.

Names, values and alert contents are compared and keyed by their folded form: ASCII
(unidecode), lower case, separators as single spaces, other punctuation dropped. So
"Abú-Marzouk", "abu marzouk" and "ABU MARZOUK" are one key, wherever a key is made.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from unidecode import unidecode

_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")
_DROP = re.compile(r"[^a-z0-9 ]+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an) ")


def fold(text: str) -> str:
    """ASCII, lower case, separators as single spaces, other punctuation removed."""
    text = unidecode(text).lower().replace("'", "").replace("`", "")
    return " ".join(_DROP.sub("", _SEPARATORS.sub(" ", text)).split())


def value_key(text: str) -> str:
    """The folded form of a value, without a leading article: "the Northern Front" and
    "northern front" are one value."""
    return _LEADING_ARTICLE.sub("", fold(text))


def entity_id(name: str) -> str:
    """Stable id of a canonical name: ``"Mousa Abú-Marzouk"`` -> ``"mousa-abu-marzouk"``.

    Never empty: a name that folds to nothing (only symbols, or characters unidecode
    does not know) gets ``u-`` and a digest of the name, so that two such names found by
    NER do not share one id."""
    folded = fold(name)
    if folded:
        return folded.replace(" ", "-")
    key = unicodedata.normalize("NFKC", " ".join(name.split())).casefold()
    return "u-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
