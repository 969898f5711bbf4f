"""Turn raw bytes from the articles topic into an Article, or say exactly why not.

The articles topic is read as raw bytes on purpose: decoding here, not in Faust's
serializer, means a malformed message becomes a value we can route to the dead-letter
topic with a reason, instead of an exception inside the stream.
"""

from __future__ import annotations

import unicodedata

import orjson

from schemas.article import Article
from streams.errors import InvalidArticle
from streams.normalize import has_text

_OPTIONAL_STRINGS = ("title", "source", "url", "published_at", "language")
# An id is a key in Redis, a Kafka key, a log field and a CLI argument: a few hundred
# characters is far more than any wire uses, and a bound keeps keys and logs small.
MAX_ID_CHARS = 256
# Control, format (zero-width, bidi overrides), surrogate and line/paragraph separator
# characters: invisible or layout-breaking in logs and keys, and no wire id needs them.
_REFUSED_IN_ID = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def check_id(article_id: str) -> str:
    """The id, stripped, or InvalidArticle("bad_id") when it is too long or holds a
    character no id should (see ``_REFUSED_IN_ID``)."""
    article_id = article_id.strip()
    if len(article_id) > MAX_ID_CHARS:
        raise InvalidArticle("bad_id", f"'id' has {len(article_id)} characters > {MAX_ID_CHARS}")
    for position, char in enumerate(article_id):
        if unicodedata.category(char) in _REFUSED_IN_ID:
            raise InvalidArticle("bad_id", f"'id' holds U+{ord(char):04X} at position {position}")
    return article_id


def decode_article(payload: bytes | None, *, max_bytes: int) -> Article:
    """Parse and check one message value; raise InvalidArticle with a reason otherwise."""
    if payload is None or not payload.strip():
        raise InvalidArticle("not_json", "empty message")
    if len(payload) > max_bytes:
        raise InvalidArticle("too_large", f"{len(payload)} bytes > limit of {max_bytes}")
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArticle("invalid_utf8", str(exc)) from None
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise InvalidArticle("not_json", str(exc)) from None
    if not isinstance(data, dict):
        raise InvalidArticle("not_object", f"expected a JSON object, got {type(data).__name__}")
    for name in ("id", "body"):
        if name not in data or data[name] is None:
            raise InvalidArticle("missing_field", f"'{name}' is required")
        if not isinstance(data[name], str):
            raise InvalidArticle("wrong_type", f"'{name}' must be a string")
    if not data["id"].strip():
        raise InvalidArticle("missing_field", "'id' is empty")
    article_id = check_id(data["id"])
    if not has_text(data["body"]):
        raise InvalidArticle("empty_body", "'body' has no letter or digit")
    for name in _OPTIONAL_STRINGS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise InvalidArticle("wrong_type", f"'{name}' must be a string or null")
    return Article(
        id=article_id,
        body=data["body"],
        **{name: data.get(name) for name in _OPTIONAL_STRINGS},
    )
