import orjson

from agents.sources import expand, messages_from_files


def test_txt_file_is_one_article(tmp_path):
    path = tmp_path / "story-17.txt"
    path.write_text("\n  Headline here\n\nBody line one.\nBody line two.\n", encoding="utf-8")
    [(key, value)] = list(messages_from_files([path]))
    article = orjson.loads(value)
    assert key == b"story-17"
    assert article["id"] == "story-17"
    assert article["title"] == "Headline here"
    assert "Body line two." in article["body"]


def test_jsonl_lines_pass_through_even_when_broken(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"id": "a", "body": "x"}\n\nnot json\n{"id": 3, "body": "y"}\n')
    messages = list(messages_from_files([path]))
    assert [k for k, _ in messages] == [b"a", b"", b"3"]
    assert messages[1][1] == b"not json"


def test_directory_expands_to_sorted_article_files(tmp_path):
    for name in ("b.txt", "a.jsonl", "notes.md"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in expand([tmp_path])] == ["a.jsonl", "b.txt"]
