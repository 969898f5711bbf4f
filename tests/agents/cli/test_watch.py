"""The ``watch`` command group against a real Redis under a unique namespace."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from click.testing import CliRunner

from agents.cli import main
from agents.redis.registry import RedisRegistry
from streams.resolve import ResolvedEntity


def run(url: str, ns: str, *args: str):
    return CliRunner().invoke(main, ["watch", "--redis-url", url, "--namespace", ns, *args])


@pytest.fixture
def cli(redis_db_url: str, namespace: str):
    """``cli(*args)``: the watch command on this test's database and namespace, run in a
    thread (it runs an event loop of its own)."""
    return lambda *args: asyncio.to_thread(run, redis_db_url, namespace, *args)


async def test_add_reports_what_was_seen_before(cli, redis_client, namespace) -> None:
    await RedisRegistry(redis_client, namespace, 3600).record("a1", [ResolvedEntity(
        id="danil-orlov", name="Danil Orlov", label="PERSON", watched=False, kind=None,
        surface_forms=("Danil Orlov",), mentions=1, sentences=((0, 20),), spans=((0, 11),),
    )], seen_at=0.0)
    added = await cli("add", "Daniel Orlov")
    assert added.exit_code == 0, added.output
    assert "seen before: danil-orlov (Danil Orlov; 1 articles, last 1970-01-01 00:00 UTC)" in (
        added.output)


async def test_add_list_remove(cli) -> None:
    added = await cli("add", "Daniel Orlov", "--alias", "Danil Orlov", "--kind", "hostage")
    assert added.exit_code == 0, added.output
    assert "daniel-orlov" in added.output
    listed = await cli("list", "--json")
    doc = orjson.loads(listed.output)
    assert doc["version"] == 1
    assert doc["entities"] == [{"id": "daniel-orlov", "name": "Daniel Orlov",
                                "aliases": ["Danil Orlov"], "kind": "hostage"}]
    table = await cli("list")
    assert "Danil Orlov" in table.output and "version 1" in table.output
    assert (await cli("remove", "Daniel Orlov")).exit_code == 0
    assert orjson.loads((await cli("list", "--json")).output)["entities"] == []
    missing = await cli("remove", "Daniel Orlov")
    assert missing.exit_code != 0 and "not on the watchlist" in missing.output


def test_unreachable_redis_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["watch", "--redis-url", "redis://127.0.0.1:1/0", "list"])
    assert result.exit_code != 0 and "cannot reach Redis" in result.output


@pytest.mark.parametrize("name", ["", "   ", "!!!", "...", "\U0001F525"])
async def test_add_of_a_name_that_names_nobody_is_a_message(cli, name: str) -> None:
    result = await cli("add", name)
    # A ClickException exits 1 through SystemExit; an escaped error would be the exception.
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "Error: a watched" in result.output
    assert orjson.loads((await cli("list", "--json")).output)["entities"] == []


async def test_add_of_another_name_with_a_watched_id_is_refused(cli) -> None:
    assert (await cli("add", "Pavel Volkov", "--kind", "hostage")).exit_code == 0
    refused = await cli("add", "Павел Волков")
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)
    assert "would share the id 'pavel-volkov'" in refused.output
    assert (await cli("add", "pavel  volkov", "--alias", "Павел Волков")).exit_code == 0
    [entity] = orjson.loads((await cli("list", "--json")).output)["entities"]
    assert entity["aliases"] == ["Павел Волков"]
