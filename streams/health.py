"""Is the worker making progress? A pure judgement over samples of the consumer group.

Faust users most often report a consumer that silently stops fetching, an endless
re-join after a broker restart, and a recovery that never finishes. All three look the
same from outside: messages wait (lag > 0) while the group's committed offsets stand
still. That is what turns health red, after ``stall_timeout`` seconds, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """The group's position at one moment: committed offsets summed, and messages waiting."""

    at: float
    committed: int
    lag: int


@dataclass(frozen=True)
class Health:
    """A verdict, with the figures behind it."""

    ok: bool
    reason: str
    lag: int
    idle_s: float

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "reason": self.reason, "lag": self.lag,
                "idle_s": round(self.idle_s, 1)}


class StallDetector:
    """Remembers when the group last moved; red when it has work and has not moved."""

    def __init__(self, stall_timeout: float) -> None:
        self.stall_timeout = stall_timeout
        self._last: Sample | None = None
        self._moved_at: float | None = None

    def observe(self, sample: Sample) -> Health:
        """Take a sample and judge."""
        if self._last is None or sample.committed != self._last.committed or sample.lag == 0:
            self._moved_at = sample.at
        self._last = sample
        idle = sample.at - (self._moved_at if self._moved_at is not None else sample.at)
        if sample.lag > 0 and idle >= self.stall_timeout:
            return Health(False, f"stalled: {sample.lag} messages waiting and no progress "
                                 f"for {idle:.0f}s (stall timeout {self.stall_timeout:g}s)",
                          sample.lag, idle)
        if sample.lag > 0:
            return Health(True, f"working: {sample.lag} messages waiting", sample.lag, idle)
        return Health(True, "idle: nothing waiting", 0, idle)
