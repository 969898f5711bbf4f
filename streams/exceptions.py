"""Errors wirewatch raises on purpose.

    WirewatchError
    ├── InvalidArticle(reason, detail)   an input message that can never be processed
    └── StackError                       a broker or Redis that could not be started or reached
"""

from __future__ import annotations


class WirewatchError(Exception):
    """Base of every error wirewatch raises on purpose."""


class InvalidArticle(WirewatchError):
    """An input message that can never be processed; it goes to the dead-letter topic.

    ``reason`` is one of the machine-readable reasons in ``schemas/dead_letter.schema.json``.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class StackError(WirewatchError):
    """A broker or Redis server that could not be started or reached."""
