"""Fingerprints of normalised article text, and what dedup decided."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """Exact-copy hash of an article's token stream."""

    exact: str
    signature: bytes = b""
    bands: tuple[str, ...] = ()


class Fingerprinter:
    """Computes fingerprints."""

    def __init__(self, num_perm: int = 128, bands: int = 32, shingle: int = 5) -> None:
        self.num_perm, self.bands, self.shingle = num_perm, bands, shingle

    def fingerprint(self, text: str) -> Fingerprint:
        tokens = " ".join(_WORDS.findall(text.casefold()))
        return Fingerprint(exact=hashlib.blake2b(tokens.encode(), digest_size=16).hexdigest())


@dataclass(frozen=True)
class DedupDecision:
    """Whether an article is a copy, and of what."""

    article_id: str
    duplicate_of: str | None
    similarity: float
    kind: Literal["exact", "near"] | None

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None
