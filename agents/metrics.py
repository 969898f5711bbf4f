"""Prometheus metrics of the pipeline, fed by stage outcomes.

Registered in the default registry, so they are served beside Faust's own Prometheus
sensors on the worker's ``/metrics`` page.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram

ARTICLES = Counter("wirewatch_articles_total", "Messages read from the articles topic")
UNIQUE = Counter("wirewatch_unique_articles_total", "Articles that passed dedup")
DUPLICATES = Counter("wirewatch_duplicates_total", "Articles dropped as copies", ["kind"])
DEAD_LETTERS = Counter("wirewatch_dead_letters_total", "Messages refused", ["reason"])
ALERTS = Counter("wirewatch_alerts_total", "Alerts sent", ["type"])
RETRIES = Counter("wirewatch_retries_total", "Calls retried during an outage", ["what"])
STAGE_SECONDS = Histogram(
    "wirewatch_stage_seconds", "Time spent in a stage per message", ["stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


def record(outcome: Any) -> None:
    """Count one stage outcome (an ``agents.observe.Outcome``)."""
    STAGE_SECONDS.labels(outcome.stage).observe(outcome.seconds)
    if outcome.kind == "dead_letter":
        DEAD_LETTERS.labels(outcome.detail.get("reason", "unknown")).inc()
    if outcome.stage == "ingest":
        ARTICLES.inc()
        if outcome.kind == "unique":
            UNIQUE.inc()
        elif outcome.kind == "duplicate":
            DUPLICATES.labels(outcome.detail.get("kind") or "exact").inc()
    elif outcome.stage == "profile":
        for alert_type in outcome.detail.get("alert_types", ()):
            ALERTS.labels(alert_type).inc()
