"""The ``wirewatch`` command.

Global options become ``WIREWATCH_*`` env vars before any command reads the settings,
so flags and env vars are one mechanism and every process a command starts inherits
them.
"""

from __future__ import annotations

import os

import click

from streams.cli.board import board
from streams.cli.entity import entity
from streams.cli.io import alerts, produce
from streams.cli.run import demo, replay, stack, worker
from streams.cli.watch import watch


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--broker", help="Kafka URL (WIREWATCH_BROKER); unset: embedded Tansu broker.")
@click.option("--redis-url", help="Redis URL (WIREWATCH_REDIS_URL); unset: local or embedded.")
@click.option("--namespace", help="Redis key prefix (WIREWATCH_NAMESPACE).")
def main(broker: str | None, redis_url: str | None, namespace: str | None) -> None:
    """wirewatch: streaming ingest for news wires.

    Deduplicates articles, resolves names, tracks facts about watched entities and
    alerts on new and conflicting details.
    """
    from streams.settings import get_settings

    for name, value in (("BROKER", broker), ("REDIS_URL", redis_url), ("NAMESPACE", namespace)):
        if value:
            os.environ[f"WIREWATCH_{name}"] = value
    get_settings.cache_clear()


for command in (worker, produce, alerts, replay, demo, stack, watch, entity, board):
    main.add_command(command)
