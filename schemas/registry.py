"""Where the JSON Schema files live and how to load them, and the one way a Record
becomes the plain JSON document its schema describes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import faust
import orjson

SCHEMA_DIR = Path(__file__).resolve().parent


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return the parsed JSON Schema ``schemas/<name>.schema.json`` (cached)."""
    return orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())


def as_document(record: faust.Record) -> dict[str, Any]:
    """The record as its JSON Schema describes it: what it is on its topic, as a dict
    (nested records included). ``Type.from_data(document)`` is the way back."""
    return orjson.loads(record.dumps(serializer="json"))
