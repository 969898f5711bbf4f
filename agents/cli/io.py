"""Commands that talk to topics: produce, alerts."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import click
import orjson
from rich.console import Console

from agents.cli.render import AlertPrinter, alert_table
from streams.settings import Settings


def _configured(settings: Settings) -> Settings:
    if not settings.broker:
        raise click.UsageError(
            "no broker configured: set WIREWATCH_BROKER or --broker (`wirewatch stack` starts one)"
        )
    return settings


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def produce(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Publish .txt files (one article each) or .jsonl (one Article a line)."""
    from agents.kafka import ensure_topics, publish
    from agents.sources import expand, messages_from_files

    settings = _configured(settings)

    async def run() -> int:
        await ensure_topics(settings, settings.topic_names())
        return await publish(settings, settings.topic_articles,
                             messages_from_files(expand(paths)))

    count = asyncio.run(run())
    click.echo(f"published {count} messages to {settings.topic_articles}", err=True)


@click.command()
@click.option("--follow", "-f", is_flag=True, help="Keep reading new alerts.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def alerts(settings: Settings, follow: bool, as_json: bool) -> None:
    """Read the alerts topic (each alert once, by alert_id)."""
    from agents.kafka import read_topic

    settings = _configured(settings)
    seen: dict[str, dict] = {}
    printer = AlertPrinter(Console())

    async def run() -> None:
        async for raw in read_topic(settings, settings.topic_alerts, follow=follow):
            alert = orjson.loads(raw)
            if alert["alert_id"] in seen:
                continue
            seen[alert["alert_id"]] = alert
            if as_json:
                sys.stdout.buffer.write(orjson.dumps(alert) + b"\n")
                sys.stdout.flush()
            elif follow:
                printer(alert)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    if not as_json and not follow:
        Console().print(alert_table(list(seen.values())))
