"""``wirewatch watch``: edit the runtime watchlist in Redis.

Changes bump the watchlist version, so running workers pick them up without a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import click
import orjson
from rich.console import Console
from rich.table import Table

from agents.cli.redis_call import redis_call
from agents.redis.registry import RedisRegistry
from streams.errors import WatchlistError
from streams.registry import RegistryEntry
from streams.settings import Settings
from streams.text import entity_id
from streams.watchlist import WatchedEntity

T = TypeVar("T")


def _run(ctx: click.Context, fn: Callable[[RedisRegistry], Awaitable[T]]) -> T:
    """Run one registry call on a fresh connection."""
    settings: Settings = ctx.obj
    ttl = int(settings.retention_days * 86400)
    return redis_call(settings, lambda client: fn(RedisRegistry(client, settings.namespace,
                                                                ttl)))


@click.group(name="watch")
@click.option("--redis-url", default=None, help="Redis URL (default: settings, then local).")
@click.option("--namespace", default=None, help="Redis key prefix (default: settings).")
@click.pass_context
def watch(ctx: click.Context, redis_url: str | None, namespace: str | None) -> None:
    """Add, remove and list watched entities."""
    overrides = {k: v for k, v in (("redis_url", redis_url), ("namespace", namespace)) if v}
    ctx.obj = ctx.obj.but(**overrides) if ctx.obj is not None else Settings().but(**overrides)


@watch.command()
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name it goes by (repeatable).")
@click.option("--kind", default=None, help="e.g. hostage, official, militia.")
@click.pass_context
def add(ctx: click.Context, name: str, aliases: tuple[str, ...], kind: str | None) -> None:
    """Watch NAME."""
    try:
        entity = WatchedEntity(name.strip(), tuple(a.strip() for a in aliases), kind)
    except WatchlistError as exc:
        raise click.ClickException(str(exc)) from None

    async def go(reg: RedisRegistry) -> tuple[int, list[RegistryEntry]]:
        version = await reg.add_watch(entity)
        seen = {e.id: e for n in entity.names for e in await reg.lookup(n) if e.id != entity.id}
        return version, list(seen.values())

    try:
        version, seen = _run(ctx, go)
    except WatchlistError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"watching {entity.id} (watchlist version {version})")
    for e in seen:
        when = datetime.fromtimestamp(e.last_seen, UTC).strftime("%Y-%m-%d %H:%M")
        click.echo(f"  seen before: {e.id} ({e.name}; {e.articles} articles, last {when} UTC)")


@watch.command()
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Stop watching NAME (a name or an id)."""
    target = entity_id(name)

    async def go(reg: RedisRegistry) -> int | None:
        if (await reg.watchlist()).get(target) is None:
            return None
        return await reg.remove_watch(target)

    version = _run(ctx, go)
    if version is None:
        raise click.ClickException(f"not on the watchlist: {target}")
    click.echo(f"removed {target} (watchlist version {version})")


@watch.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Show the watchlist."""
    async def go(reg: RedisRegistry):
        return await reg.watchlist(), await reg.watch_version()

    watchlist, version = _run(ctx, go)
    if as_json:
        doc = {"version": version, "entities": [
            {"id": e.id, "name": e.name, "aliases": list(e.aliases), "kind": e.kind}
            for e in watchlist
        ]}
        click.echo(orjson.dumps(doc).decode())
        return
    table = Table(title=f"watchlist (version {version})")
    for column in ("id", "name", "aliases", "kind"):
        table.add_column(column)
    for e in watchlist:
        table.add_row(e.id, e.name, ", ".join(e.aliases), e.kind or "")
    Console().print(table)
