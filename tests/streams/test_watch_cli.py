"""The ``watch`` command group against a real Redis under a unique namespace."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from uuid import uuid4

import orjson
import pytest
import redis
import redis.asyncio as aredis
from click.testing import CliRunner

from streams.cli.watch import watch
from streams.resolve import ResolvedEntity
from streams.store.registry import RedisRegistry

URL = os.environ.get("WIREWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def ns() -> Iterator[str]:
    client = redis.Redis.from_url(URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (redis.ConnectionError, OSError) as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"required service unavailable in CI: Redis at {URL}", pytrace=False)
        pytest.skip(f"Redis unreachable at {URL}: {exc}")
    namespace = f"wwtest:{uuid4().hex}"
    yield namespace
    keys = list(client.scan_iter(match=f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def run(ns: str, *args: str):
    return CliRunner().invoke(watch, ["--redis-url", URL, "--namespace", ns, *args])


def test_add_reports_what_was_seen_before(ns: str) -> None:
    async def seed() -> None:
        client = aredis.Redis.from_url(URL)
        await RedisRegistry(client, ns, 3600).record("a1", [ResolvedEntity(
            id="danil-orlov", name="Danil Orlov", label="PERSON", watched=False, kind=None,
            surface_forms=("Danil Orlov",), mentions=1, sentences=((0, 20),), spans=((0, 11),),
        )], seen_at=0.0)
        await client.aclose()

    asyncio.run(seed())
    added = run(ns, "add", "Daniel Orlov")
    assert added.exit_code == 0, added.output
    assert "seen before: danil-orlov (Danil Orlov; 1 articles, last 1970-01-01 00:00 UTC)" in (
        added.output)


def test_add_list_remove(ns: str) -> None:
    added = run(ns, "add", "Daniel Orlov", "--alias", "Danil Orlov", "--kind", "hostage")
    assert added.exit_code == 0, added.output
    assert "daniel-orlov" in added.output
    listed = run(ns, "list", "--json")
    doc = orjson.loads(listed.output)
    assert doc["version"] == 1
    assert doc["entities"] == [{"id": "daniel-orlov", "name": "Daniel Orlov",
                                "aliases": ["Danil Orlov"], "kind": "hostage"}]
    table = run(ns, "list")
    assert "Danil Orlov" in table.output and "version 1" in table.output
    assert run(ns, "remove", "Daniel Orlov").exit_code == 0
    assert orjson.loads(run(ns, "list", "--json").output)["entities"] == []
    missing = run(ns, "remove", "Daniel Orlov")
    assert missing.exit_code != 0 and "not on the watchlist" in missing.output


def test_unreachable_redis_is_a_clear_error() -> None:
    result = CliRunner().invoke(watch, ["--redis-url", "redis://127.0.0.1:1/0", "list"])
    assert result.exit_code != 0 and "cannot reach Redis" in result.output


@pytest.mark.parametrize("name", ["", "   ", "!!!", "...", "\U0001F525"])
def test_add_of_a_name_that_names_nobody_is_a_message(ns: str, name: str) -> None:
    result = run(ns, "add", name)
    # A ClickException exits 1 through SystemExit; an escaped error would be the exception.
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "Error: a watched" in result.output
    assert orjson.loads(run(ns, "list", "--json").output)["entities"] == []


def test_add_of_another_name_with_a_watched_id_is_refused(ns: str) -> None:
    assert run(ns, "add", "Pavel Volkov", "--kind", "hostage").exit_code == 0
    refused = run(ns, "add", "Павел Волков")
    assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit)
    assert "would share the id 'pavel-volkov'" in refused.output
    assert run(ns, "add", "pavel  volkov", "--alias", "Павел Волков").exit_code == 0
    [entity] = orjson.loads(run(ns, "list", "--json").output)["entities"]
    assert entity["aliases"] == ["Павел Волков"]
