"""Shared test helpers.

Services (Redis, the Tansu broker) are real. Where one is missing, a test skips with
the reason on a developer machine, and fails under ``CI=true``: CI must never go green
by skipping the integration tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip (developer machine) or fail (CI) because a real service is missing."""
    if IN_CI:
        pytest.fail(f"required service unavailable in CI: {reason}", pytrace=False)
    pytest.skip(reason)
