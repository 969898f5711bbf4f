"""``wirewatch entity NAME``: what the wires say about one entity, with sources."""

from __future__ import annotations

import asyncio

import click
import orjson
import redis.asyncio as redis
from rich.console import Console
from rich.table import Table

from streams.conflicts import Profile
from streams.settings import get_settings
from streams.store.profiles import RedisProfileStore


async def _find(name: str, url: str, namespace: str) -> Profile | None:
    client = redis.Redis.from_url(url)
    try:
        return await RedisProfileStore(client, namespace).find(name)
    finally:
        await client.aclose()


def render(profile: Profile) -> Table:
    """The profile as a table: one row per value, its sources and first evidence."""
    table = Table(title=f"{profile.name} ({profile.entity_id})"
                  + (f" — {profile.kind}" if profile.kind else ""))
    for column in ("attribute", "value", "sources", "first seen", "last seen", "evidence"):
        table.add_column(column, overflow="fold")
    for attribute, records in sorted(profile.attributes.items()):
        for rec in records:
            ev = rec.evidence[0] if rec.evidence else {}
            said = f" — {ev['attribution']}" if ev.get("attribution") else ""
            table.add_row(attribute, rec.value,
                          f"{rec.independent_sources}: {', '.join(rec.sources)}",
                          rec.first_seen, rec.last_seen, f"{ev.get('sentence', '')}{said}")
    return table


@click.command("entity")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="print the profile as JSON")
def entity(name: str, as_json: bool) -> None:
    """Print the fact profile of NAME (entity id or name) with its sources."""
    settings = get_settings()
    profile = asyncio.run(_find(name, settings.redis_client_url(), settings.namespace))
    if profile is None:
        raise click.ClickException(f"no profile for {name!r}")
    if as_json:
        click.echo(orjson.dumps(profile.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        Console().print(render(profile))
