"""Retry delays: exponential, capped, with jitter so that workers do not retry in step."""

from __future__ import annotations

import random
from collections.abc import Iterator


def backoff(base: float = 0.05, cap: float = 5.0, factor: float = 2.0,
            jitter: float = 0.2, rng: random.Random | None = None) -> Iterator[float]:
    """Endless delays base, base*factor, ... up to cap, each +/- ``jitter`` of itself."""
    rng = rng or random.Random()
    delay = base
    while True:
        yield max(0.0, delay * (1 + rng.uniform(-jitter, jitter)))
        delay = min(cap, delay * factor)
