"""Errors wirewatch raises on purpose, and the reasons a message can be refused.

    WirewatchError
    ├── InvalidArticle(reason, detail)   an input message that can never be processed
    ├── ConfigError                      a configuration that can never work: fail at start
    │   └── WatchlistError               a watchlist file or entry that cannot be used
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
    "empty_body", "bad_id", "processing_error",
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
    """A configuration that can never work: retrying cannot help, so the process says
    what is wrong in one line and exits non-zero instead of counting it as an outage."""


class WatchlistError(ConfigError, ValueError):
    """A watchlist file, or an entity on it, that cannot be used; the message names the
    file or the entry. Also a ValueError: it is a bad value, whatever the caller."""


class StackError(WirewatchError):
    """A broker or Redis server that could not be started or reached."""


class PipelineError(WirewatchError):
    """A run of the pipeline that cannot finish (an agent crashed): the message says
    which stage and why."""
