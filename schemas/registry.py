"""Where the JSON Schema files live and how to load them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson

SCHEMA_DIR = Path(__file__).resolve().parent


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return the parsed JSON Schema ``schemas/<name>.schema.json`` (cached)."""
    return orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())
