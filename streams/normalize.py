"""Text normalisation before dedup and NLP.

Wire copies of one story differ in what is around the story: a dateline, a byline, a
share footer, a copyright line, curly or straight quotes. Stripping those first lets
dedup compare the story itself, and keeps NLP off text that says nothing. The patterns
are data (``streams/data/boilerplate.yaml``) so an analyst can add a feed's footer
without touching code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PATTERNS = Path(__file__).resolve().parent / "data" / "boilerplate.yaml"
# "\r\n\r\n" matches too (\s takes the "\r"); a pattern that opens with a literal
# lets the regex engine skip ahead instead of trying every character.
_PARAGRAPHS = re.compile(r"\n\s*\n")
# "...in 2012.The discovery": a scraper that dropped the space after a full stop glues two
# sentences into one word. Two lower-case letters or digits before the stop, a capital
# and a lower-case letter after it: not "U.S.Army", "Mr.Orlov" or "www.site.com".
_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9]{2})([.!?])(?=[A-Z][a-z])")
# "...Goldberg-PolinHamas": a caption glued to the next word. Four lower-case letters
# before the capital and two after: not "McDonald", "MacArthur", "YouTube", "JavaScript".
_GLUED_WORDS = re.compile(r"(?<=[a-z]{4})(?=[A-Z][a-z]{2})")
_ENDS_SENTENCE = frozenset('.!?:;,"\')]-')
# words after which a line goes on with the same sentence ("released by" / "Hamas ...")
_CONTINUES = frozenset({"the", "a", "an", "of", "to", "by", "and", "or", "in", "on", "at",
                        "for", "from", "with", "as", "that", "his", "her", "their", "its",
                        "is", "was", "were", "be", "been", "has", "have", "had", "said",
                        "says", "told", "after", "before", "since", "into", "near", "mr",
                        "mrs", "ms", "dr"})
# No boilerplate line is this long; longer lines are story text and skip the patterns.
_LONGEST_BOILERPLATE = 240
_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u200b": "",
})


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate patterns."""

    lines: re.Pattern[str]
    leading: tuple[re.Pattern[str], ...]
    trailing: tuple[re.Pattern[str], ...]


@cache
def load_boilerplate(path: Path = PATTERNS) -> Boilerplate:
    """Compile the pattern file once per process."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    lines = "|".join(f"(?:{p})" for p in data.get("lines", []))
    return Boilerplate(
        # A bullet before a boilerplate line ("• By Anna Lee") does not save it.
        lines=re.compile(rf"\s*(?:[•·▪]\s*)?(?:{lines})\s*", re.IGNORECASE),
        # Datelines are upper case by convention: match them case-sensitively.
        leading=tuple(re.compile(p) for p in data.get("leading", [])),
        trailing=tuple(re.compile(p, re.IGNORECASE) for p in data.get("trailing_fragments", [])),
    )


def _heading(line: str, following: str) -> bool:
    """A line that ends without punctuation, of a few words, and not on a word that
    continues a sentence, before a line opening on a capital: a headline, a subhead or a
    caption the page puts on its own line ("Hostages freed from Vell" / "Three ...").
    Joined to the next line it would become one sentence with it."""
    words = line.split()
    return (len(words) <= 14 and line[-1] not in _ENDS_SENTENCE and following[:1].isupper()
            and words[-1].lower() not in _CONTINUES)


def _clean_paragraph(text: str, patterns: Boilerplate) -> str:
    kept = []
    for line in text.split("\n"):
        line = " ".join(_GLUED_WORDS.sub(" ", _GLUED_SENTENCE.sub(r"\1 ", line)).split())
        if line and (len(line) > _LONGEST_BOILERPLATE or not patterns.lines.fullmatch(line)):
            kept.append(line)
    paragraph = "".join(line + ("\n\n" if k + 1 < len(kept) and _heading(line, kept[k + 1])
                                else " ") for k, line in enumerate(kept)).strip()
    for pattern in patterns.trailing:
        paragraph = pattern.sub("", paragraph).rstrip()
    return paragraph


def has_text(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit: a body of only invisible characters
    (bidi marks, zero-width spaces, a BOM), spaces, punctuation or emoji says nothing to
    analyse and is an ``empty_body``. Works on raw and on normalised text."""
    return any(char.isalnum() for char in text)


def normalize(text: str, patterns: Boilerplate | None = None) -> str:
    """The story text: NFKC, plain quotes and dashes, folded whitespace, a space after a
    full stop or between two words that lost it, paragraphs kept as blank-line breaks
    (and a heading line as a paragraph of its own), boilerplate lines and the leading
    dateline removed. Returns "" when nothing is left."""
    patterns = patterns or load_boilerplate()
    if not text.isascii():  # both steps are no-ops on ASCII, the common case
        text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    paragraphs = [_clean_paragraph(p, patterns) for p in _PARAGRAPHS.split(text)]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs:
        for pattern in patterns.leading:
            stripped = pattern.sub("", paragraphs[0], count=1) if pattern.match(
                paragraphs[0]) else paragraphs[0]
            if stripped != paragraphs[0]:
                paragraphs[0] = stripped
                break
        paragraphs = [p for p in paragraphs if p.strip()]
    return "\n\n".join(paragraphs)
