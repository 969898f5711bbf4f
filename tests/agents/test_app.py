"""The app's worker consumer takes its fetch wait from the settings, not Faust's 1.5 s."""

from __future__ import annotations

from agents.app import create_app
from streams.settings import Settings


async def test_worker_consumer_fetch_wait_comes_from_settings():
    app = create_app(Settings(app_id="wirewatch-test-fetch", fetch_max_wait=0.2))
    thread = app.consumer._thread
    consumer = thread._create_worker_consumer(app.transport)
    try:
        assert consumer._fetch_max_wait_ms == 200
    finally:
        await consumer.stop()
