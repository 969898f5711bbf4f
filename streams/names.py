"""Comparing personal names across spellings (pure).

A name is folded (accents, case, hyphens, punctuation), particles such as "al-" are
dropped, and each part is replaced by the representative of its spelling group from
``data/name_variants.yaml``. Two parts that are not in the table are still equal when
they are close in spelling AND in sound (Jaro-Winkler and metaphone agree, same first
letter, same kind of ending) — conservative on purpose: "Marzouk" and "Marzuki" are
different names, as are "Orlov" and "Orlova", and two parts the table knows as
different names ("Mohammed", "Mahmoud") are never equal.

:func:`compare` says how two names relate: the same full name, a partial form of the
other (surname alone, name without its first part, initial), a resemblance that must
not be merged (same first name only), or nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path

import jellyfish
import yaml
from rapidfuzz.distance import JaroWinkler
from unidecode import unidecode

DATA = Path(__file__).resolve().parent / "data"
TOKEN_EQUAL = 0.9  # Jaro-Winkler floor for two unlisted name parts to count as one
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")
_DROP = re.compile(r"[^a-z0-9 ]+")
_VOWEL_END = set("aeiouy")


class Relation(Enum):
    """How name ``a`` relates to name ``b``."""

    SAME = "same"  # same full name, perhaps spelled differently or without a middle part
    PARTIAL = "partial"  # a is a shorter form of b: surname, trailing parts, initials
    RESEMBLES = "resembles"  # a could be b's first name: record, never merge
    DIFFERENT = "different"


@dataclass(frozen=True)
class Comparison:
    relation: Relation
    score: float


@dataclass(frozen=True)
class _Table:
    canon: dict[str, str]
    known: frozenset[str]
    particles: frozenset[str]


@cache
def _table() -> _Table:
    raw = yaml.safe_load((DATA / "name_variants.yaml").read_text(encoding="utf-8"))
    canon = {}
    for group in raw["groups"]:
        for member in group:
            canon[member] = group[0]
    return _Table(canon, frozenset(canon), frozenset(raw.get("particles") or ()))


def fold(text: str) -> str:
    """ASCII, lower case, separators as single spaces, other punctuation removed."""
    text = unidecode(text).lower().replace("'", "").replace("`", "")
    return " ".join(_DROP.sub("", _SEPARATORS.sub(" ", text)).split())


@cache
def name_tokens(name: str) -> tuple[str, ...]:
    """Comparable parts of a name: folded, particles dropped, variants canonicalised."""
    table = _table()
    parts = fold(name).split()
    kept = [p for p in parts if p not in table.particles] or parts
    return tuple(table.canon.get(p, p) for p in kept)


# Name parts and names recur from article to article; comparing them is the resolver's
# and the registry's hot path, and the functions are pure: remember recent answers.
@lru_cache(maxsize=1 << 16)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two canonicalised name parts; >= TOKEN_EQUAL means the same part."""
    if a == b:
        return 1.0
    table = _table()
    jw = JaroWinkler.similarity(a, b)
    if a in table.known and b in table.known:
        return min(jw, 0.8)  # both listed, in different groups: different names
    sounds_alike = (
        a[0] == b[0]
        and (a[-1] in _VOWEL_END) == (b[-1] in _VOWEL_END)
        and sound(a) == sound(b)
    )
    return jw if sounds_alike else min(jw, 0.85)


@lru_cache(maxsize=1 << 16)
def sound(part: str) -> str:
    """Metaphone of a name part (two parts can be equal only if these agree)."""
    return jellyfish.metaphone(part)


@lru_cache(maxsize=1 << 16)
def relation_keys(tokens: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """What a name offers an index, and what it looks up in one.

    Every relation but DIFFERENT needs a pair of parts that are equal (so they sound
    alike: same metaphone) or an initial and a part it begins. A name is indexed under
    the sound of each part ("s"), each initial ("i") and each first letter ("f"); it
    looks up the sound of its parts, its initials among first letters and its first
    letters among initials. Two names whose keys do not meet are DIFFERENT, so an index
    on these keys skips comparisons without changing any answer.
    """
    offers, wants = set(), set()
    for t in tokens:
        if len(t) > 1:
            offers.add("s" + sound(t))
            wants.add("s" + sound(t))
        else:
            offers.add("i" + t)
            wants.add("f" + t)
        offers.add("f" + t[0])
        wants.add("i" + t[0])
    return frozenset(offers), frozenset(wants)


def _equal(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return False
    return token_similarity(a, b) >= TOKEN_EQUAL


def _initial(a: str, b: str) -> bool:
    return len(a) == 1 and b.startswith(a)


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> list[int] | None:
    """Positions in ``long`` that the parts of ``short`` match in order (greedy from the
    end, so a shared surname anchors the match), or None."""
    positions: list[int] = []
    j = len(long) - 1
    for part in reversed(short):
        while j >= 0 and not (_equal(part, long[j]) or _initial(part, long[j])):
            j -= 1
        if j < 0:
            return None
        positions.append(j)
        j -= 1
    return positions[::-1]


@lru_cache(maxsize=1 << 16)
def compare_tokens(a: tuple[str, ...], b: tuple[str, ...]) -> Comparison:
    """How the name with parts ``a`` relates to the name with parts ``b``."""
    if not a or not b:
        return Comparison(Relation.DIFFERENT, 0.0)
    if a == b:
        return Comparison(Relation.SAME, 1.0)
    if len(a) == len(b):
        sims = [token_similarity(x, y) for x, y in zip(a, b, strict=True)]
        if all(_equal(x, y) for x, y in zip(a, b, strict=True)):
            return Comparison(Relation.SAME, min(sims))
        if all(_equal(x, y) or _initial(x, y) or _initial(y, x) for x, y in zip(a, b,
                                                                               strict=True)):
            return Comparison(Relation.PARTIAL, 0.8)
    if len(a) < len(b):
        positions = _subsequence(a, b)
        if positions is not None and positions[-1] == len(b) - 1:
            initials = any(len(x) == 1 for x in a)
            if positions[0] == 0 and len(a) >= 2 and not initials:
                return Comparison(Relation.SAME, 0.9)  # only a middle part dropped
            return Comparison(Relation.PARTIAL, 0.8)
        if _equal(a[0], b[0]) and len(a) == 1:
            return Comparison(Relation.RESEMBLES, 0.6)  # first name alone
    if len(a) > len(b):
        flipped = compare_tokens(b, a)
        if flipped.relation is Relation.SAME:
            return flipped
    if _equal(a[-1], b[-1]):
        return Comparison(Relation.DIFFERENT, 0.45)  # same surname, another person
    shared = any(_equal(x, y) for x in a for y in b)
    base = JaroWinkler.similarity(" ".join(a), " ".join(b))
    return Comparison(Relation.DIFFERENT, round(min(base, 0.8) * (0.5 if shared else 0.4), 3))


def compare(a: str, b: str) -> Comparison:
    """How name ``a`` relates to name ``b`` (not symmetric: PARTIAL means a is shorter)."""
    return compare_tokens(name_tokens(a), name_tokens(b))


def names_match(a: str, b: str) -> float:
    """Score 0..1 that two names denote one person, taken in either direction.

    >= 0.9: the same full name (variants, accents, hyphens, case, a dropped middle part);
    0.8: one is a partial form of the other (surname, initials) — merge only when
    nothing else in the context could claim it; 0.6: one could be the other's first
    name; below 0.5: different names.
    """
    return max(compare(a, b).score, compare(b, a).score)


def spelling_variants(name: str, limit: int = 16) -> list[str]:
    """Other spellings of ``name`` from the variant table (first ``limit``), hyphens
    also written as spaces. Used to widen watchlist patterns."""
    table = _table()
    groups: dict[str, list[str]] = {}
    for member, rep in table.canon.items():
        groups.setdefault(rep, []).append(member)
    pieces = re.split(r"([\s\-]+)", unidecode(name).lower())
    options = [
        groups.get(table.canon.get(p, ""), [p]) if p.strip(" -") else [p] for p in pieces
    ]
    out: dict[str, None] = {}
    for combo in itertools.islice(itertools.product(*options), limit):
        variant = "".join(combo)
        out[variant] = None
        out[re.sub(r"\s*-\s*", " ", variant)] = None
    return list(out)


def blocking_key(name: str) -> str | None:
    """Key under which names that might be one person meet: metaphone of the
    canonicalised last part ("Marzouk", "Marzuk", "Marzook" share one)."""
    tokens = name_tokens(name)
    if not tokens:
        return None
    return jellyfish.metaphone(tokens[-1]) or tokens[-1]
