"""Errors wirewatch raises on purpose, and the reasons a message can be refused.

    WirewatchError
    ├── InvalidArticle(reason, detail)   an input message that can never be processed
    ├── ConfigError                      a setting or file that makes starting pointless
    └── StackError                       a broker or Redis that could not be started or reached
"""

from __future__ import annotations

from typing import Literal, get_args

# Why a message went to the dead-letter topic: what ``InvalidArticle`` says of input
# that can never be processed, and ``processing_error`` for a message whose processing
# raised in some stage (after its retries). ``schemas/dead_letter.schema.json`` lists
# the same values; a test keeps them equal.
DeadLetterReason = Literal[
    "not_json", "not_object", "invalid_utf8", "missing_field", "wrong_type", "too_large",
    "empty_body", "processing_error",
]
DEAD_LETTER_REASONS: tuple[str, ...] = get_args(DeadLetterReason)


class WirewatchError(Exception):
    """Base of every error wirewatch raises on purpose."""


class InvalidArticle(WirewatchError):
    """An input message that can never be processed; it goes to the dead-letter topic."""

    def __init__(self, reason: DeadLetterReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: DeadLetterReason = reason
        self.detail = detail


class ConfigError(WirewatchError):
    """A configuration that cannot work (a missing watchlist, a wrong password): the
    process says so in one line and exits, instead of retrying for ever."""


class StackError(WirewatchError):
    """A broker or Redis server that could not be started or reached."""
