"""`wirewatch replay` end to end through the real broker and Redis."""

from __future__ import annotations

import os
import time
import uuid

import jsonschema
import orjson
import pytest

import agents.worker
from agents.health import HealthMonitor
from agents.replay import Report, replay
from agents.worker import build
from schemas import load_schema
from streams.settings import Settings
from tests.conftest import FIXTURES
from tests.integration.conftest import isolated_env, wirewatch

SCENARIO = FIXTURES / "scenario"


def _alerts(stdout: bytes) -> list[dict]:
    alerts = [orjson.loads(line) for line in stdout.splitlines() if line.strip()]
    validator = jsonschema.Draft202012Validator(load_schema("alert"),
                                                format_checker=jsonschema.FormatChecker())
    for alert in alerts:
        validator.validate(alert)
    return alerts


@pytest.fixture(scope="module")
def orlov_run(broker_url: str, redis_db_url: str, tmp_path_factory) -> tuple[list[dict], dict]:
    """One ``wirewatch replay`` of the wire scenario, shared by the tests that read it:
    its alerts (stdout) and its report."""
    env = isolated_env(broker_url, redis_db_url)
    report_path = tmp_path_factory.mktemp("orlov") / "report.json"
    done = wirewatch(["replay", str(SCENARIO / "orlov.jsonl"), "--watchlist",
                      str(SCENARIO / "watchlist.yaml"), "--report", str(report_path)], env)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert b"Unclosed" not in done.stderr, done.stderr.decode()[-3000:]
    return _alerts(done.stdout), orjson.loads(report_path.read_bytes())


def test_replay_prints_schema_valid_alerts_and_a_report(orlov_run):
    alerts, report = orlov_run
    new_entities = [a for a in alerts if a["type"] == "new_entity"]
    assert [a["entity"]["id"] for a in new_entities] == ["daniel-orlov"]
    assert new_entities[0]["article_id"] == "wire-a-101"
    assert new_entities[0]["evidence"][0]["source"] == "Northwire"

    assert report["published"] == report["processed"] == 4
    assert {d["id"]: d["duplicate_of"] for d in report["duplicates"]} == {
        "wire-d-303": "wire-a-101"}
    assert report["dead_letters"] == []
    assert sorted(a["alert_id"] for a in report["alerts"]) == sorted(a["alert_id"] for a in alerts)
    assert report["elapsed_s"] > 0


def test_wire_scenario_gives_one_new_entity_two_conflicts_and_a_status_change(orlov_run):
    """Wire A: held by one group, a civilian. Wire B ("Danil Orlov"): another group, a
    reservist. Wire D: a syndicated copy of A. Wire C: released."""
    alerts, report = orlov_run
    print("\n" + "\n".join(f"{a['type']} {a['attribute']}={a['value']} ({a['article_id']})"
                            for a in alerts))
    assert sorted((a["type"], a["attribute"], a["article_id"]) for a in alerts) == [
        ("conflict", "held_by", "wire-b-202"),
        ("conflict", "role", "wire-b-202"),
        ("new_entity", None, "wire-a-101"),
        ("status_change", "status", "wire-c-404"),
    ]
    assert {a["entity"]["id"] for a in alerts} == {"daniel-orlov"}
    by_attribute = {a["attribute"]: a for a in alerts if a["type"] == "conflict"}
    held_by, role = by_attribute["held_by"], by_attribute["role"]
    assert held_by["value"] == "Crimson Brigade"
    assert [p["value"] for p in held_by["previous"]] == ["Northern Liberation Front"]
    assert (role["value"], [p["value"] for p in role["previous"]]) == ("military", ["civilian"])
    for conflict in (held_by, role):  # both sides, with sentences and sources
        [new] = conflict["evidence"]
        assert (new["source"], new["attribution"]) == ("Eastpost", "Crimson Brigade")
        assert "Danil Orlov" in new["sentence"]
        [old] = conflict["previous"][0]["evidence"]
        assert (old["article_id"], old["source"]) == ("wire-a-101", "Northwire")
        assert "Daniel Orlov" in old["sentence"]
    change = next(a for a in alerts if a["type"] == "status_change")
    assert (change["value"], [p["value"] for p in change["previous"]]) == ("released", ["held"])


def test_the_report_lists_every_claim_of_every_article(orlov_run):
    _, report = orlov_run
    claims = report["claims"]
    assert {c["article_id"] for c in claims} == {"wire-a-101", "wire-b-202", "wire-c-404"}
    assert {"article_id", "entity_id", "entity", "attribute", "value", "attribution",
            "qualifier", "sentence"} == set(claims[0])
    assert ("wire-a-101", "held_by", "Northern Liberation Front") in {
        (c["article_id"], c["attribute"], c["value"]) for c in claims}


def _comparable(report: Report) -> dict:
    return {"published": report.published, "analysed": report.analysed,
            "duplicates": report.duplicates, "dead_letters": report.dead_letters,
            "alerts": sorted((a["alert_id"], a["type"], a["attribute"], a["value"])
                             for a in report.alerts),
            "claims": sorted(orjson.dumps(c, option=orjson.OPT_SORT_KEYS)
                             for c in report.claims)}


def test_replay_twice_in_one_process_gives_the_same_report_and_leaves_nothing(
        broker_url, redis_db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(broker=broker_url, redis_url=redis_db_url)
    env_before = dict(os.environ)
    reports = [replay([SCENARIO / "orlov.jsonl"], settings=settings,
                      watchlist=SCENARIO / "watchlist.yaml") for _ in range(2)]
    assert _comparable(reports[0]) == _comparable(reports[1])
    assert len(reports[0].alerts) == 4
    assert dict(os.environ) == env_before
    assert list(tmp_path.iterdir()) == []


def test_same_file_twice_is_a_duplicate_and_alerts_once(ww_env):
    article = SCENARIO / "orlov.jsonl"
    done = wirewatch(["replay", str(article), str(article), "--watchlist",
                      str(SCENARIO / "watchlist.yaml")], ww_env)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    alerts = _alerts(done.stdout)
    assert len({a["alert_id"] for a in alerts}) == len(alerts)
    assert [a["type"] for a in alerts].count("new_entity") == 1


def test_bad_input_goes_to_dead_letter_and_the_rest_is_processed(ww_env, tmp_path):
    report_path = tmp_path / "report.json"
    done = wirewatch(["replay", str(SCENARIO / "bad_input.jsonl"), "--watchlist",
                      str(SCENARIO / "watchlist.yaml"), "--report", str(report_path)], ww_env)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    report = orjson.loads(report_path.read_bytes())
    reasons = sorted(d["reason"] for d in report["dead_letters"])
    assert reasons == sorted(["not_json", "not_object", "not_object", "missing_field",
                              "missing_field", "wrong_type", "invalid_utf8", "empty_body",
                              "empty_body"])
    assert report["analysed"] == 2
    alerts = _alerts(done.stdout)
    assert [(a["type"], a["entity"]["id"]) for a in alerts][:1] == [("new_entity", "mira-kessling")]


def test_a_crashed_agent_fails_the_run_at_once_with_the_reason(broker_url, redis_db_url,
                                                               monkeypatch):
    """Nothing can take a dead letter (the send raises a fault): ingest crashes on the
    first bad line. Faust marks only the actor; the app's error handler records it, and
    replay ends with the reason instead of waiting out its budget."""
    from agents.errors import Guard
    from streams.errors import PipelineError

    async def refuse(self, *args, **kwargs):
        raise RuntimeError("dead-letter topic refused the record")

    monkeypatch.setattr(Guard, "dead_letter", refuse)
    built = []
    monkeypatch.setattr(agents.worker, "build", lambda *args, **kwargs: built.append(
        build(*args, **kwargs)) or built[-1])
    settings = Settings(broker=broker_url, redis_url=redis_db_url)
    started = time.monotonic()
    with pytest.raises(PipelineError, match="agent ingest crashed: RuntimeError: dead-letter"):
        replay([SCENARIO / "bad_input.jsonl"], settings=settings,
               watchlist=SCENARIO / "watchlist.yaml", timeout=300)
    assert time.monotonic() - started < 60
    [worker] = built
    # What /health read before: Faust never sets the agent's own crash reason.
    assert worker.agents["ingest"]._crash_reason is None
    health = HealthMonitor(worker.settings, worker.app, worker.crashes)
    assert health.crashed() == ("agent ingest crashed: RuntimeError: dead-letter topic "
                                "refused the record")


def test_a_killed_runs_namespace_is_deleted_by_the_next_run(broker_url, redis_db_url):
    """A killed run leaves keys and no live lease; a running one keeps its lease."""
    import redis

    client = redis.Redis.from_url(redis_db_url)
    base = f"wwtest-lease-{uuid.uuid4().hex[:6]}"
    client.set(f"{base}:replay:killed:dedup:day", b"x")
    client.set(f"{base}:replay:running:dedup:day", b"x")
    client.set(f"{base}:replay:running:lease", b"1", ex=60)
    try:
        replay([SCENARIO / "orlov.jsonl"],
               settings=Settings(broker=broker_url, redis_url=redis_db_url, namespace=base),
               watchlist=SCENARIO / "watchlist.yaml")
        assert sorted(client.scan_iter(match=f"{base}:*")) == [
            f"{base}:replay:running:dedup:day".encode(), f"{base}:replay:running:lease".encode()]
    finally:
        for key in client.scan_iter(match=f"{base}:*"):
            client.delete(key)
        client.close()
