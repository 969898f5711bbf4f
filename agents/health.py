"""Health and metrics pages of the worker, and the timer that samples progress.

``/health`` answers 200 while the group makes progress (or has nothing to do) and 503
with the reason once messages wait and committed offsets have stood still for
``WIREWATCH_STALL_TIMEOUT`` seconds. ``/metrics`` is Faust's Prometheus sensor page,
which also serves wirewatch's own counters. Both exist only when
``WIREWATCH_WEB_PORT`` is set; the web server binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import logging
import time

from faust.sensors.prometheus import setup_prometheus_sensors
from faust.web import Request, Response, View

from streams.app import app, settings
from streams.health import Health, Sample, StallDetector
from streams.kafka_io import GroupProbe

log = logging.getLogger(__name__)
INPUTS = [settings.topic_articles, settings.topic_unique, settings.topic_entity_claims]


class HealthMonitor:
    """The worker's latest verdict, and the probe and detector that produce it."""

    def __init__(self) -> None:
        self.detector = StallDetector(settings.stall_timeout)
        self.verdict = Health(True, "starting", 0, 0.0)
        self._probe: GroupProbe | None = None

    async def sample(self) -> Health:
        """Take one sample of the group and update the verdict."""
        try:
            if self._probe is None:
                probe = GroupProbe(settings, settings.app_id, INPUTS)
                await probe.start()
                self._probe = probe
            committed, lag = await self._probe.sample()
        except Exception as exc:  # the broker itself is unreachable: that is a verdict too
            health = Health(False, f"cannot read group offsets: {type(exc).__name__}: {exc}",
                            -1, 0)
        else:
            health = self.detector.observe(Sample(time.monotonic(), committed, lag))
        if health.ok != self.verdict.ok:
            log.warning("health %s: %s", "ok" if health.ok else "RED", health.reason)
        self.verdict = health
        return health


monitor = HealthMonitor()

if settings.web_port is not None:
    setup_prometheus_sensors(app)

    @app.timer(interval=max(1.0, settings.stall_timeout / 6))
    async def health_timer() -> None:
        await monitor.sample()

    @app.page("/health")
    async def health_page(web: View, request: Request) -> Response:
        health = monitor.verdict
        return web.json(health.to_dict(), status=200 if health.ok else 503)
