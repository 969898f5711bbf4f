import orjson
import pytest

from streams.errors import InvalidArticle
from streams.validate import decode_article

LIMIT = 1024


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "not_json"),
        (None, "not_json"),
        (b"   ", "not_json"),
        (b"not json at all", "not_json"),
        (b"[1, 2]", "not_object"),
        (b"null", "not_object"),
        (b'"a string"', "not_object"),
        (b'{"body": "text"}', "missing_field"),
        (b'{"id": "a1"}', "missing_field"),
        (b'{"id": null, "body": "text"}', "missing_field"),
        (b'{"id": "  ", "body": "text"}', "missing_field"),
        (b'{"id": 5, "body": "text"}', "wrong_type"),
        (b'{"id": "a1", "body": ["text"]}', "wrong_type"),
        (b'{"id": "a1", "body": "text", "source": 3}', "wrong_type"),
        (b'{"id": "a1", "body": "caf\xc3\x28"}', "invalid_utf8"),
        (b'{"id": "a1", "body": "  \\n "}', "empty_body"),
        (orjson.dumps({"id": "a1", "body": "x" * LIMIT}), "too_large"),
        (orjson.dumps({"id": "w\x1f1", "body": "text"}), "bad_id"),
        (orjson.dumps({"id": "w\x001", "body": "text"}), "bad_id"),
        (orjson.dumps({"id": "w\n1", "body": "text"}), "bad_id"),
        (orjson.dumps({"id": "w\u202e1", "body": "text"}), "bad_id"),
        (orjson.dumps({"id": "w\u20281", "body": "text"}), "bad_id"),
        (orjson.dumps({"id": "w" * 257, "body": "text"}), "bad_id"),
        (orjson.dumps({"id": "a1", "body": "\u200f\u200b\ufeff\u2060 \u200e\u00a0"}),
         "empty_body"),
        (orjson.dumps({"id": "a1", "body": "\U0001F525\U0001F4F0 \u2764\ufe0f !!! ..."}),
         "empty_body"),
        (orjson.dumps({"id": "a1", "body": "\x07\x1b\u3000\u2029"}), "empty_body"),
    ],
)
def test_bad_input_has_a_reason(payload, reason):
    with pytest.raises(InvalidArticle) as info:
        decode_article(payload, max_bytes=LIMIT)
    assert info.value.reason == reason
    assert info.value.detail


def test_valid_article_keeps_its_fields():
    article = decode_article(
        orjson.dumps({"id": " w-1 ", "body": "Text.", "source": "Northwire",
                      "published_at": "2026-04-02T08:00:00Z", "extra": 1}),
        max_bytes=LIMIT,
    )
    assert (article.id, article.body, article.source) == ("w-1", "Text.", "Northwire")
    assert article.published_at == "2026-04-02T08:00:00Z"
    assert article.title is None


def test_an_id_of_the_longest_length_and_any_script_is_kept():
    for article_id in ("w" * 256, "Отчёт-12", "記事-7", "a b:c/d"):
        payload = orjson.dumps({"id": article_id, "body": "Text."})
        assert decode_article(payload, max_bytes=LIMIT).id == article_id


def test_a_body_with_one_letter_or_digit_among_invisibles_is_kept():
    for body in ("\u200f5\u200b", "\ufeffЖ", "\U0001F525 x"):
        payload = orjson.dumps({"id": "a1", "body": body})
        assert decode_article(payload, max_bytes=LIMIT).body == body
