"""``wirewatch entity NAME`` against a profile stored in a real Redis."""

from __future__ import annotations

import asyncio

import orjson
from click.testing import CliRunner

from agents.cli import main
from agents.redis.profiles import RedisProfileStore
from schemas import ClaimRecord, EntityClaims
from streams.conflicts import apply_claims
from streams.settings import Settings


async def test_entity_command_prints_profile(redis_factory, redis_db_url, monkeypatch) -> None:
    connect, namespace = redis_factory
    ev = EntityClaims(entity_id="daniel-orlov", entity_name="Daniel Orlov", article_id="a1",
                      first_sentence="Daniel Orlov is held.", source="Wire A",
                      published_at="2026-03-01T00:00:00Z",
                      claims=[ClaimRecord(attribute="held_by", value="NLF",
                                          sentence="Orlov is held by the NLF.",
                                          attribution="army")])
    await RedisProfileStore(connect(), namespace).update(
        "daniel-orlov", lambda p: apply_claims(p, ev, "2026-03-01T01:00:00Z"), owner="test")
    settings = Settings(namespace=namespace, redis_url=redis_db_url)
    monkeypatch.setenv("COLUMNS", "240")
    runner = CliRunner()

    as_json = await asyncio.to_thread(runner.invoke, main, ["entity", "Daniel Orlov", "--json"],
                                      obj=settings)
    assert as_json.exit_code == 0, as_json.output
    data = orjson.loads(as_json.output)
    assert data["attributes"]["held_by"][0]["value"] == "Northern Liberation Front"
    assert data["attributes"]["held_by"][0]["sources"] == ["Wire A"]

    table = await asyncio.to_thread(runner.invoke, main, ["entity", "daniel-orlov"],
                                  obj=settings)
    assert table.exit_code == 0, table.output
    assert "Northern Liberation Front" in table.output and "Wire A" in table.output

    missing = await asyncio.to_thread(runner.invoke, main, ["entity", "Maya Cohen"],
                                    obj=settings)
    assert missing.exit_code != 0 and "no profile" in missing.output
