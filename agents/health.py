"""Health of a worker, and the timer and pages that show it.

``/health`` answers 200 while the group makes progress (or has nothing to do) and 503
with the reason once messages wait and committed offsets have stood still for
``WIREWATCH_STALL_TIMEOUT`` seconds, or at once when an agent has crashed. ``/metrics``
is Faust's Prometheus sensor page, which also serves wirewatch's own counters. Both
exist only when ``WIREWATCH_WEB_PORT`` is set; the web server binds to 127.0.0.1 unless
told otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from faust.web import Request, Response, View

from agents.kafka import GroupProbe
from streams.health import Health, Sample, StallDetector
from streams.settings import Settings

if TYPE_CHECKING:
    import faust

    from agents.resume import BrokerWatch

log = logging.getLogger(__name__)


class HealthMonitor:
    """The worker's latest verdict, and the probe and detector that produce it."""

    def __init__(self, settings: Settings, app: faust.App,
                 crashes: Mapping[str, BaseException], broker: BrokerWatch | None = None,
                 ) -> None:
        self.settings, self.app, self.crashes, self.broker = settings, app, crashes, broker
        self.inputs = [settings.topic_articles, settings.topic_unique,
                       settings.topic_entity_claims]
        self.detector = StallDetector(settings.stall_timeout)
        self.verdict = Health(True, "starting", 0, 0.0)
        self._probe: GroupProbe | None = None

    def crashed(self) -> str | None:
        """The first agent that crashed, with its exception, if any did (``crashes`` is
        the worker's record: Faust sets no crash reason on an agent)."""
        for name, reason in self.crashes.items():
            return f"agent {name} crashed: {type(reason).__name__}: {reason}"
        return None

    async def sample(self) -> Health:
        """Take one sample of the group and update the verdict."""
        crash = self.crashed()
        try:
            if self._probe is None:
                probe = GroupProbe(self.settings, self.settings.app_id, self.inputs)
                await probe.start()
                self._probe = probe
            committed, lag = await self._probe.sample()
        except Exception as exc:  # the broker itself is unreachable: that is a verdict too
            health = Health(False, f"cannot read group offsets: {type(exc).__name__}: {exc}",
                            -1, 0)
        else:
            health = self.detector.observe(Sample(time.monotonic(), committed, lag))
        if self.broker is not None and self.broker.problem is not None:
            health = Health(False, self.broker.problem, health.lag, health.idle_s)
        elif self.broker is not None and self.broker.notice is not None:
            health = Health(health.ok, f"{health.reason}; {self.broker.notice}", health.lag,
                            health.idle_s)
        if crash is not None:
            health = Health(False, crash, health.lag, health.idle_s)
        if health.ok != self.verdict.ok:
            log.warning("health %s: %s", "ok" if health.ok else "RED", health.reason)
        self.verdict = health
        return health

    async def stop(self) -> None:
        if self._probe is not None:
            await self._probe.stop()
            self._probe = None

    def install(self) -> None:
        """The timer that samples, and the ``/health`` page, on the app."""
        interval = max(1.0, self.settings.stall_timeout / 6)

        @self.app.timer(interval=interval, name="wirewatch.health")
        async def health_timer() -> None:
            await self.sample()

        @self.app.page("/health")
        async def health_page(web: View, request: Request) -> Response:
            health = self.verdict
            return web.json(health.to_dict(), status=200 if health.ok else 503)
