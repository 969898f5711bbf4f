"""The rule and value tables in ``streams/data``, each read and parsed once per process.

Claim extraction and the conflict rules read the same files (``claim_rules.yaml`` for
attributes and status stages, ``claim_values.yaml`` for canonical values); both take
them from here, so a process parses each file once and both always agree. Callers
treat what they get as read-only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
CLAIM_RULES = DATA / "claim_rules.yaml"
CLAIM_VALUES = DATA / "claim_values.yaml"
CONFLICT_RULES = DATA / "conflict_rules.yaml"


@cache
def table(path: Path) -> Any:
    """The parsed YAML of ``path`` (cached: do not modify it)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
