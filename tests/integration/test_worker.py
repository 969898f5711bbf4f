"""A long-running `wirewatch worker` fed by `wirewatch produce`, read with `wirewatch alerts`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import orjson

from tests.conftest import FIXTURES
from tests.integration.conftest import wirewatch

SCENARIO = FIXTURES / "scenario"


def _read_alerts(env: dict[str, str]) -> list[dict]:
    done = wirewatch(["alerts", "--json"], env, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return [orjson.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _unprivileged() -> dict[str, object]:
    """Run as ``nobody`` where the tests run as root, as the Docker image runs the worker
    — when ``nobody`` can run this interpreter at all (one installed under a private
    home cannot be); the read-only folder is tested either way."""
    if os.geteuid() != 0:
        return {}
    as_nobody = {"user": "nobody", "group": "nogroup"}
    try:
        subprocess.run([sys.executable, "-c", "import agents.cli"], check=True,
                       capture_output=True, timeout=60, **as_nobody)
    except (OSError, subprocess.CalledProcessError):
        return {}
    return as_nobody


def test_worker_turns_produced_articles_into_alerts(ww_env, tail_of, tmp_path):
    """As the Docker image runs it: an unprivileged user, in a read-only folder."""
    env = {**ww_env, "WIREWATCH_WATCHLIST": str(SCENARIO / "watchlist.yaml"),
           "HOME": "/nonexistent"}
    env.pop("WIREWATCH_DATA_DIR", None)
    readonly = tmp_path / "app"
    readonly.mkdir()
    readonly.chmod(0o555)
    tmp_path.chmod(0o755)
    worker = subprocess.Popen([sys.executable, "-m", "agents.cli", "worker", "--loglevel",
                               "warning"], env=env, cwd=readonly, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, **_unprivileged())
    tail = tail_of(env)
    try:
        produced = wirewatch(["produce", str(SCENARIO / "orlov.jsonl")], env)
        assert produced.returncode == 0, produced.stderr.decode()
        tail.wait_for(lambda: "new_entity" in tail.ids("alerts", "type"), "a new_entity alert",
                      worker=worker)
        alerts = _read_alerts(env)  # as a user reads them
        assert [a["entity"]["id"] for a in alerts if a["type"] == "new_entity"] == ["daniel-orlov"]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            raise
    output = worker.stdout.read().decode()
    assert code == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert list(readonly.iterdir()) == []


def test_produce_refuses_to_run_without_a_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    done = wirewatch(["produce", str(SCENARIO / "orlov.jsonl")], env, timeout=60)
    assert done.returncode != 0
    assert b"no broker configured" in done.stderr
