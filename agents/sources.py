"""Read article files for publishing: ``.txt`` (one article a file) and ``.jsonl``.

A ``.txt`` file becomes an Article with id = file stem, title = its first non-empty
line and body = the whole text. A ``.jsonl`` line is published as it is: it is the
pipeline's job, not the producer's, to refuse a bad one (dead letter), so a test corpus
can carry deliberately broken lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson


def txt_article(path: Path) -> dict[str, str]:
    """The Article fields of one plain-text file."""
    text = path.read_text(encoding="utf-8")
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return {"id": path.stem, "title": title, "body": text, "source": path.parent.name or None}


def _key_of(line: bytes) -> bytes:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return b""
    value = data.get("id") if isinstance(data, dict) else None
    return str(value).encode() if value is not None else b""


def messages_from_files(paths: Iterable[Path]) -> Iterator[tuple[bytes, bytes]]:
    """``(key, value)`` pairs in file order; keys are article ids."""
    for path in paths:
        path = Path(path)
        if path.suffix == ".jsonl":
            for raw in path.read_bytes().splitlines():
                if raw.strip():
                    yield _key_of(raw), raw
        elif path.suffix == ".txt":
            article = txt_article(path)
            yield article["id"].encode(), orjson.dumps(article)
        else:
            raise ValueError(f"{path}: expected a .txt or .jsonl file")


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory stands for its .txt and .jsonl files, sorted."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".txt", ".jsonl")))
        else:
            out.append(path)
    return out
