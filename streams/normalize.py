"""Text normalisation before dedup and NLP (Unicode, whitespace)."""

from __future__ import annotations

import re
import unicodedata

_PARAGRAPHS = re.compile(r"\n\s*\n")


def normalize(text: str) -> str:
    """NFKC text with whitespace folded and paragraph breaks kept as blank lines."""
    text = unicodedata.normalize("NFKC", text)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPHS.split(text))
    return "\n\n".join(p for p in paragraphs if p)
