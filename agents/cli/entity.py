"""``wirewatch entity NAME``: what the wires say about one entity, with sources."""

from __future__ import annotations

import click
import orjson
from rich.console import Console
from rich.table import Table

from agents.cli.redis_call import redis_call
from agents.redis.profiles import RedisProfileStore
from streams.conflicts import Profile
from streams.settings import Settings


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
@click.pass_obj
def entity(settings: Settings, name: str, as_json: bool) -> None:
    """Print the fact profile of NAME (entity id or name) with its sources."""
    profile = redis_call(settings, lambda client: RedisProfileStore(
        client, settings.namespace).find(name))
    if profile is None:
        raise click.ClickException(f"no profile for {name!r}")
    if as_json:
        click.echo(orjson.dumps(profile.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        Console().print(render(profile))
