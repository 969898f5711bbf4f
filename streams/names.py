"""Comparing personal names across spellings (pure).

A name is folded (accents, case, hyphens, punctuation), particles such as "al-" are
dropped, each part is rewritten by the transliteration families of
``data/name_variants.yaml`` ("Kharloff", "Charlow" -> "harlov") and replaced by the
representative of its spelling group there. Two parts that are not in the table are
still equal when they are close in spelling AND in sound (Jaro-Winkler and metaphone
agree, same first letter, same kind of ending), or when a long part (seven letters or
more) differs by one typing slip away from its first letter and its ending —
conservative on purpose: "Marzouk" and "Marzuki" are different names, as are "Orlov"
and "Orlova", and two parts the table knows as different names ("Mohammed",
"Mahmoud") are never equal. A short form ("Sasha", "Dima", "Dani") equals the full
first names the table lists it for.

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
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from unidecode import unidecode

from streams.text import fold

DATA = Path(__file__).resolve().parent / "data"
TOKEN_EQUAL = 0.9  # Jaro-Winkler floor for two unlisted name parts to count as one
_VOWEL_END = set("aeiouy")
# A nickname written inside a name: Daniel ("Dani") Orlov, Daniel 'Dani' Orlov.
_NICKNAME = re.compile(
    r"""\s*(?:\(\s*["'“‘]?[^()"“”]{1,24}?["'”’]?\s*\)|["“][^"“”]{1,24}["”])\s*""")


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


TYPO_LENGTH = 7  # parts this long may differ by one slip (not in the first letter or ending)


@dataclass(frozen=True)
class _Table:
    canon: dict[str, str]  # spelling (and its skeleton) -> skeleton of the group's first
    known: frozenset[str]  # canonical parts of listed names and short forms
    particles: frozenset[str]
    rewrites: tuple[tuple[re.Pattern[str], str, int], ...]
    short: dict[str, frozenset[str]]  # short form -> canonical full names
    members: dict[str, tuple[str, ...]]  # canonical part -> listed spellings


def _skeleton(part: str, rewrites: tuple[tuple[re.Pattern[str], str, int], ...]) -> str:
    """A part rewritten by the transliteration families that apply to its length."""
    for pattern, replacement, shortest in rewrites:
        if len(part) >= shortest:
            part = pattern.sub(replacement, part)
    return part


@cache
def _table() -> _Table:
    raw = yaml.safe_load((DATA / "name_variants.yaml").read_text(encoding="utf-8"))
    rewrites = tuple((re.compile(rule[0]), rule[1], rule[2] if len(rule) > 2 else 4)
                     for rule in raw.get("spellings") or ())
    canon: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for group in raw["groups"]:
        rep = _skeleton(group[0], rewrites)
        for member in group:
            for form in (member, _skeleton(member, rewrites)):
                canon.setdefault(form, rep)
            members.setdefault(rep, []).append(member)
    short: dict[str, set[str]] = {}
    for full, forms in (raw.get("diminutives") or {}).items():
        full_key = canon.get(full) or _skeleton(full, rewrites)
        members.setdefault(full_key, []).append(full)
        for form in forms:
            key = _skeleton(form, rewrites)
            short.setdefault(key, set()).add(full_key)
            members.setdefault(key, []).append(form)
    known = frozenset(canon.values()) | frozenset(short) | frozenset(
        f for fulls in short.values() for f in fulls)
    return _Table(canon, known, frozenset(raw.get("particles") or ()), rewrites,
                  {k: frozenset(v) for k, v in short.items()},
                  {k: tuple(dict.fromkeys(v)) for k, v in members.items()})


@lru_cache(maxsize=1 << 16)
def canonical_part(part: str) -> str:
    """A folded name part as compared: transliteration rewrites, then its group."""
    table = _table()
    if part in table.canon:
        return table.canon[part]
    skeleton = _skeleton(part, table.rewrites)
    return table.canon.get(skeleton, skeleton)


@cache
def name_tokens(name: str) -> tuple[str, ...]:
    """Comparable parts of a name: a nickname inside it dropped, folded, particles
    dropped, variants canonicalised."""
    table = _table()
    parts = fold(_NICKNAME.sub(" ", name)).split()
    kept = [p for p in parts if p not in table.particles] or parts
    return tuple(canonical_part(p) for p in kept)


# Name parts and names recur from article to article; comparing them is the resolver's
# and the registry's hot path, and the functions are pure: remember recent answers.
@lru_cache(maxsize=1 << 16)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two canonicalised name parts; >= TOKEN_EQUAL means the same part."""
    if a == b:
        return 1.0
    table = _table()
    if a in table.short.get(b, ()) or b in table.short.get(a, ()):
        return TOKEN_EQUAL  # a short form and a full name it stands for
    jw = JaroWinkler.similarity(a, b)
    if a in table.known and b in table.known:
        return min(jw, 0.8)  # both listed, in different groups: different names
    if _one_slip(a, b):
        return max(jw, TOKEN_EQUAL)
    sounds_alike = (
        a[0] == b[0]
        # a vowel ending is part of the name: "Orlov"/"Orlova", "Novotny"/"Novotna"
        and (a[-1] == b[-1] or (a[-1] not in _VOWEL_END and b[-1] not in _VOWEL_END))
        and sound(a) == sound(b)
    )
    return jw if sounds_alike else min(jw, 0.85)


def _one_slip(a: str, b: str) -> bool:
    """Long parts one keystroke apart (a letter dropped, added, changed or two swapped)
    with the same first letter and the same last two: "Kessling" and "Kesling". Endings
    are excluded because they make other names ("Hamdan", "Hamdani"; "-ov", "-ova")."""
    if min(len(a), len(b)) < TYPO_LENGTH or abs(len(a) - len(b)) > 1:
        return False
    if a[0] != b[0] or a[-2:] != b[-2:]:
        return False
    return DamerauLevenshtein.distance(a[1:-2], b[1:-2]) <= 1


def slip_key(part: str) -> str | None:
    """Index key shared by parts that ``_one_slip`` may call equal (their sound may
    differ: "Kessling", "Kesling")."""
    return f"t{part[0]}{part[-2:]}" if len(part) >= TYPO_LENGTH - 1 else None


@lru_cache(maxsize=1 << 16)
def sound(part: str) -> str:
    """Metaphone of a name part (two parts can be equal only if these agree)."""
    return jellyfish.metaphone(part)


@lru_cache(maxsize=1 << 16)
def relation_keys(tokens: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """What a name offers an index, and what it looks up in one.

    Every relation but DIFFERENT needs a pair of parts that are equal (so they sound
    alike: same metaphone; or a short form and its full name; or long parts one slip
    apart) or an initial and a part it begins. A name is indexed under the sound of
    each part and of the full names a short form stands for ("s"), the slip key of long
    parts ("t"), each initial ("i") and each first letter ("f"); it looks up the same
    sounds and slip keys, its initials among first letters and its first letters among
    initials. Two names whose keys do not meet are DIFFERENT, so an index
    on these keys skips comparisons without changing any answer.
    """
    offers, wants = set(), set()
    table = _table()
    for t in tokens:
        if len(t) > 1:
            heard = {"s" + sound(t)} | {"s" + sound(f) for f in table.short.get(t, ())}
            slip = slip_key(t)
            if slip:
                heard.add(slip)
            offers |= heard
            wants |= heard
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
    """Other spellings of ``name`` from the variant table (first ``limit``): listed
    spellings of each part, short forms of a first name, hyphens also written as
    spaces. Used to widen watchlist patterns."""
    table = _table()
    pieces = re.split(r"([\s\-]+)", unidecode(name).lower())
    first = next((i for i, p in enumerate(pieces) if p.strip(" -")), None)
    options = []
    for i, piece in enumerate(pieces):
        if not piece.strip(" -"):
            options.append([piece])
            continue
        key = canonical_part(piece)
        spellings = [piece, *table.members.get(key, ())]
        if i == first:
            spellings += [s for short, fulls in table.short.items() if key in fulls
                          for s in table.members.get(short, ())]
        options.append(list(dict.fromkeys(spellings)))
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
