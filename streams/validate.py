"""Turn raw bytes from the articles topic into an Article, or say exactly why not.

The articles topic is read as raw bytes on purpose: decoding here, not in Faust's
serializer, means a malformed message becomes a value we can route to the dead-letter
topic with a reason, instead of an exception inside the stream.
"""

from __future__ import annotations

import orjson

from schemas.article import Article
from streams.errors import InvalidArticle

_OPTIONAL_STRINGS = ("title", "source", "url", "published_at", "language")


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
    if not data["body"].strip():
        raise InvalidArticle("empty_body", "'body' is empty")
    for name in _OPTIONAL_STRINGS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise InvalidArticle("wrong_type", f"'{name}' must be a string or null")
    return Article(
        id=data["id"].strip(),
        body=data["body"],
        **{name: data.get(name) for name in _OPTIONAL_STRINGS},
    )
