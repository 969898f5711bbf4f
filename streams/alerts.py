"""Deterministic alert ids."""

from __future__ import annotations

import hashlib


def alert_id(entity_id: str, type: str, attribute: str | None, value: str | None) -> str:
    key = "\x1f".join((entity_id, type, attribute or "", (value or "").casefold()))
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
