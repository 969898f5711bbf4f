"""One test per fault of "Nothing lost, ever", run by ``bench.chaos`` against the session's
Tansu broker (one of its own where the broker restarts) and a redis-server of this
module: every watched article's alert arrives exactly once (by ``alert_id``), each bad
message is on the dead-letter topic with its reason and stage, and every worker exits
within 10 s of SIGTERM."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from bench import chaos
from tests.conftest import unavailable
from tests.integration.conftest import isolated_env


@pytest.fixture(scope="module")
def lab(broker_url: str, tmp_path_factory) -> chaos.Lab:
    folder = tmp_path_factory.mktemp("chaos")
    try:
        redis = chaos.PrivateRedis(folder)
    except SystemExit as exc:
        unavailable(str(exc))
    yield chaos.Lab(broker_url, redis, folder)
    redis.kill()


def delivered_once(row: chaos.Row, lab: chaos.Lab) -> None:
    """The checks every fault shares."""
    print(f"\n{chaos.table([row])}")
    for letter in row.dead_letters:
        print(f"  {letter['reason']}@{letter['stage']} offset {letter['offset']} "
              f"{letter['payload_size']} bytes: {letter['detail'][:160]}")
    logs = {p.name: p.read_text(errors="replace") for p in sorted(lab.folder.glob("*.log"))}
    ends = "\n".join(f"--- {name}:\n{text[-2500:]}" for name, text in logs.items())
    missing = sorted(row.expected - set(row.seen))
    assert row.problem is None, f"{row.problem}; missing {missing}\n{ends}"
    assert (row.lost, row.doubled) == (0, 0), f"{row.cells()}\n{ends}"
    assert row.stop_s < 10
    assert not any("Unclosed AIOKafka" in text for text in logs.values())


def test_bad_input_and_an_id_that_broke_dedup_are_dead_letters(lab):
    """Fault 1 (an id with U+001F crashed ingest and lost its batch) and 7 (invisible or
    emoji-only bodies were analysed)."""
    row = chaos.bad_input_fault(lab)
    delivered_once(row, lab)
    assert Counter((d["reason"], d["stage"]) for d in row.dead_letters) == Counter(
        (reason, "ingest") for _, _, reason in chaos.bad_inputs())


def test_oversized_input_is_a_bounded_dead_letter_and_the_partition_goes_on(lab):
    """Fault 2: a 50 MB message, then articles on its partition."""
    row = chaos.oversized_fault(lab)
    delivered_once(row, lab)
    [letter] = row.dead_letters
    payload = base64.b64decode(letter["payload_b64"])
    assert (letter["reason"], letter["stage"], letter["payload_truncated"]) == (
        "too_large", "ingest", True)
    assert letter["payload_size"] > chaos.OVERSIZED_BYTES
    assert len(payload) <= 64 * 1024
    original = orjson.dumps({"id": "huge", "source": "Northwire",
                                   "body": "wire copy " * (chaos.OVERSIZED_BYTES // 10)})
    assert letter["payload_sha256"] == hashlib.sha256(original).hexdigest()
    assert original.startswith(payload)


def test_poison_articles_do_not_crash_extract(lab):
    """Fault 3: a date far out of range, "yesterday" in year 1, a 250 KB article of
    thousands of sentences about one name; what cannot be analysed is a dead letter of
    its stage, the rest alert."""
    row = chaos.poison_fault(lab)
    delivered_once(row, lab)
    assert all(d["reason"] == "processing_error" and d["stage"] in ("extract", "profile")
               and d["error_type"] for d in row.dead_letters)


def test_a_broker_back_empty_loses_and_doubles_nothing(lab):
    """Fault 4, through the alerts (``test_reliability`` checks dedup's side)."""
    delivered_once(chaos.broker_fault(lab), lab)


def test_names_that_collided_in_the_key_space_alert_once_each(lab):
    """Fault 5: "Names" (whose id was the profile index's key) and a Cyrillic name."""
    delivered_once(chaos.key_collision_fault(lab), lab)


def test_a_killed_worker_and_a_killed_redis_lose_nothing(lab):
    delivered_once(chaos.killed_worker_fault(lab), lab)
    delivered_once(chaos.redis_fault(lab), lab)


def _worker_exits(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agents.cli", "worker"], env=env,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("watchlist, message", [
    ("missing.yaml", b"missing.yaml"),
    ("colliding.yaml", b"would share the id 'pavel-volkov'"),
])
def test_configuration_errors_are_one_line_and_an_exit(broker_url, redis_db_url, tmp_path,
                                                       watchlist, message):
    """Fault 6: a missing watchlist, or one whose names would share an id."""
    (tmp_path / "colliding.yaml").write_text(
        "entities:\n  - name: Павел Волков\n  - name: Pavel Volkov\n", encoding="utf-8")
    env = {**isolated_env(broker_url, redis_db_url),
           "WIREWATCH_WATCHLIST": str(tmp_path / watchlist)}
    done = _worker_exits(env)
    assert done.returncode != 0
    assert message in done.stderr
    assert b"Traceback" not in done.stderr and b"unavailable" not in done.stderr


def test_a_wrong_redis_password_is_one_line_and_an_exit(broker_url, tmp_path):
    """Fault 6: Redis refusing the credentials is not an outage to wait out."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not on PATH")
    port = chaos.free_port()
    redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save",
                              "", "--appendonly", "no", "--requirepass", "right"],
                             stdout=subprocess.DEVNULL)
    try:
        chaos.wait_for_port("127.0.0.1", port, timeout=10, proc=redis)
        env = {**isolated_env(broker_url, f"redis://:wrong@127.0.0.1:{port}/0"),
               "WIREWATCH_WATCHLIST": str(Path(__file__).parents[1] / "fixtures" / "scenario"
                                          / "watchlist.yaml")}
        done = _worker_exits(env)
    finally:
        redis.kill()
        redis.wait()
    assert done.returncode != 0
    assert b"Redis refused the credentials" in done.stderr
    assert b"Traceback" not in done.stderr
