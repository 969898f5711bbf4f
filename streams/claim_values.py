"""Canonical claim values: the many ways wires say one thing, folded to one value.

"freed", "set free" and "let go" must compare equal or every article would look like
news; "NLF" and "Northern Liberation Front" must compare equal or every article would
look like a conflict. The tables live in ``streams/data/claim_values.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from streams.tables import CLAIM_VALUES, table
from streams.text import value_key as fold

_SPACE = re.compile(r"\s+")
_LEADING_DET = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def clean_name(text: str) -> str:
    """A name as written, minus a leading article, possessive and stray punctuation."""
    text = _SPACE.sub(" ", text).strip(" .,;:'\"")
    text = _LEADING_DET.sub("", text)
    return re.sub(r"['’]s$", "", text).strip()


@dataclass(frozen=True)
class ClaimValues:
    """Lookup tables from ``claim_values.yaml``."""

    lexicons: dict[str, dict[str, str]]
    aliases: dict[str, str]
    canonical_names: tuple[str, ...]
    fuzzy_threshold: float
    branches: tuple[str, ...] = ()

    @classmethod
    @cache
    def load(cls, path: Path = CLAIM_VALUES) -> ClaimValues:
        """The tables of ``path`` (default: the packaged ``claim_values.yaml``), built
        once per process and path: claims and conflicts share them."""
        data: dict[str, Any] = table(path)
        aliases: dict[str, str] = {}
        for canonical, names in (data.get("aliases") or {}).items():
            for name in [canonical, *(names or [])]:
                aliases[fold(name)] = canonical
        lexicons = {
            attr: {fold(s): canonical for canonical, words in table.items()
                   for s in [canonical, *words]}
            for attr, table in data.items()
            if attr not in ("aliases", "fuzzy_threshold", "branches") and isinstance(table, dict)
        }
        return cls(lexicons=lexicons, aliases=aliases,
                   canonical_names=tuple(aliases), fuzzy_threshold=float(
                       data.get("fuzzy_threshold", 92)),
                   branches=tuple(fold(b) for b in data.get("branches") or ()))

    def lexicon(self, attribute: str, candidates: list[str]) -> str | None:
        """The canonical value of the first candidate phrase the attribute's table knows."""
        table = self.lexicons.get(attribute, {})
        for c in candidates:
            if (value := table.get(fold(c))) is not None:
                return value
        return None

    def known(self, text: str) -> bool:
        """Is this exactly a name or alias of the table (then NER's label does not matter)?"""
        return fold(text) in self.aliases

    def name(self, text: str) -> str:
        """Canonical organisation/place name: a group's branch is the group ("the Front's
        armed wing", "the armed wing of the Front"), then the alias table, then a fuzzy
        match, else as written."""
        group = self._group_of_branch(clean_name(text))
        if group is not None:
            return self.name(group)
        key = fold(text)
        if key in self.aliases:
            return self.aliases[key]
        if self.canonical_names and len(key) > 3:
            best = process.extractOne(key, self.canonical_names, scorer=fuzz.WRatio,
                                      score_cutoff=self.fuzzy_threshold)
            if best is not None:
                return self.aliases[best[0]]
        return clean_name(text)

    def _group_of_branch(self, text: str) -> str | None:
        for branch in self.branches:
            for pattern in (rf"^(?P<g>.+?)(?:['’]s|s['’]|['’])\s+{re.escape(branch)}$",
                            rf"^{re.escape(branch)}\s+of\s+(?P<g>.+)$"):
                if (m := re.match(pattern, text, re.IGNORECASE)) is not None:
                    return m["g"]
        return None

    def normalise(self, attribute: str, value: str) -> str:
        """Canonical form of any attribute value (used again when profiles merge)."""
        if attribute in self.lexicons:
            return self.lexicon(attribute, [value]) or value
        if attribute in ("held_by", "location"):
            return self.name(value)
        return value.strip()
