"""Bad input, a killed worker, a Redis outage, a broker restart and a stalled consumer,
each against a real Tansu broker and a real redis-server. Each test prints its figures
(run with -s to see them)."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import orjson
import pytest

from agents.stack import free_port, start_tansu, wait_for_port
from tests.conftest import FIXTURES, unavailable
from tests.fixtures.wires import jsonl, stories
from tests.integration.conftest import Tail, start_worker, wirewatch

SCENARIO = FIXTURES / "scenario"


def accounted(tail: Tail) -> set[str]:
    """Article ids that reached an outcome: analysed (enriched) or dropped as copies."""
    return set(tail.ids("enriched", "id")) | set(tail.ids("duplicates", "article_id"))


def new_entities(tail: Tail) -> int:
    """New-entity alerts on the alerts topic. They come after the articles' outcomes (the
    profile stage follows extract), and after a kill as late as the dead worker's lease on
    its unsent alerts (``WIREWATCH_ALERT_LEASE``): a test waits for them too."""
    return Counter(tail.ids("alerts", "type"))["new_entity"]


def produce(env: dict[str, str], path: Path) -> None:
    done = wirewatch(["produce", str(path)], env, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def two_halves(tmp_path: Path, articles: list[dict], at: int) -> tuple[Path, Path]:
    """The stream split at ``at`` into two .jsonl files, produced at different moments."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(jsonl(articles[:at]))
    second.write_bytes(jsonl(articles[at:]))
    return first, second


def stop(worker: subprocess.Popen) -> float:
    """SIGTERM the worker (SIGKILL after 30 s); the seconds it took to exit."""
    started = time.monotonic()
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return time.monotonic() - started


@pytest.fixture
def env(ww_env: dict[str, str]) -> dict[str, str]:
    return {**ww_env, "WIREWATCH_WATCHLIST": str(SCENARIO / "watchlist.yaml"),
            "WIREWATCH_SESSION_TIMEOUT": "6"}


@pytest.fixture
def tail(env, tail_of) -> Tail:
    return tail_of(env)


def test_bad_input_lands_in_dead_letter_and_valid_articles_go_on(env, tail, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        produce(env, SCENARIO / "bad_input.jsonl")
        lines = [line for line in (SCENARIO / "bad_input.jsonl").read_bytes().splitlines()
                 if line.strip()]
        tail.wait_for(lambda: len(tail.values("dead_letter")) >= 9 and len(accounted(tail)) >= 2,
                      "dead letters and valid articles", worker=worker, log=log)
        letters = tail.json("dead_letter")
    finally:
        stop(worker)
    reasons = Counter(letter["reason"] for letter in letters)
    print(f"\ndead letters by reason: {dict(reasons)}")
    assert reasons == Counter({"not_object": 2, "missing_field": 2, "empty_body": 2,
                               "not_json": 1, "wrong_type": 1, "invalid_utf8": 1})
    payloads = {base64.b64decode(letter["payload_b64"]) for letter in letters}
    assert payloads == set(lines) - {lines[0], lines[-1]}
    assert all(letter["topic"] == env["WIREWATCH_TOPIC_ARTICLES"] and letter["offset"] >= 0
               for letter in letters)
    assert accounted(tail) == {"ok-1", "ok-2"}


def test_worker_killed_mid_stream_loses_nothing_and_alerts_once(env, tail, tmp_path):
    articles = stories(120)
    first, second = two_halves(tmp_path, articles, 60)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        produce(env, first)
        tail.wait_for(lambda: len(accounted(tail)) >= 10, "the first articles", worker=worker,
                      log=log)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        before_kill = len(accounted(tail))
        produce(env, second)
        worker = start_worker(env, log)
        wanted = {a["id"] for a in articles}
        tail.wait_for(lambda: accounted(tail) >= wanted and new_entities(tail) >= 2,
                      "every article and both new entities after the restart", timeout=180,
                      worker=worker, log=log)
    finally:
        stop(worker)
    enriched = tail.ids("enriched", "id")
    alerts = tail.ids("alerts", "alert_id")
    print(f"\nSIGKILL after {before_kill}/120 articles; after restart all 120 accounted for; "
          f"{len(enriched) - len(set(enriched))} articles analysed twice (at-least-once); "
          f"{len(alerts)} alerts on the topic, {len(set(alerts))} distinct")
    assert set(enriched) == wanted
    assert len(alerts) == len(set(alerts)), "an alert was published twice"
    assert new_entities(tail) == 2


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test alone, persisting to an AOF so a restart keeps state."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not on PATH")
    port = free_port()
    data = tmp_path / "redis"
    data.mkdir()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data), "--save", "",
            "--appendonly", "yes", "--appendfsync", "always"]

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port("127.0.0.1", port, timeout=10, proc=proc)
        return proc

    procs = [start()]
    yield port, procs, start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_redis_outage_of_ten_seconds_loses_and_doubles_nothing(env, own_redis, tail_of,
                                                               tmp_path):
    port, procs, start_redis = own_redis
    env = {**env, "WIREWATCH_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    tail = tail_of(env)
    articles = stories(60, seed=11)
    first, second = two_halves(tmp_path, articles, 30)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        produce(env, first)
        tail.wait_for(lambda: len(accounted(tail)) >= 5, "the first articles", worker=worker,
                      log=log)
        procs[0].terminate()  # SIGTERM: redis-server flushes its AOF and exits
        procs[0].wait(timeout=10)
        down_at = time.monotonic()
        produce(env, second)
        during = len(accounted(tail))
        time.sleep(max(0.0, 10 - (time.monotonic() - down_at)))  # the outage lasts 10 s
        procs.append(start_redis())
        tail.wait_for(lambda: accounted(tail) >= {a["id"] for a in articles}
                      and new_entities(tail) >= 2, "every article and both new entities after "
                      "Redis is back", timeout=180, worker=worker, log=log)
    finally:
        stop(worker)
    alerts = tail.ids("alerts", "alert_id")
    retried = "Redis unavailable" in log.read_text()
    print(f"\nRedis down 10 s: {during}/60 articles accounted for while down, 60/60 after; "
          f"retries logged: {retried}; {len(alerts)} alerts, {len(set(alerts))} distinct")
    assert retried
    assert len(alerts) == len(set(alerts))
    assert new_entities(tail) == 2


def test_worker_resumes_after_the_broker_comes_back_empty(env, tail_of, tmp_path):
    """Before: copies, decided ``duplicate`` at their offsets. The broker restarts on
    memory storage, so offsets start at 0 again; new, different articles land on the
    copies' offsets. Each must be analysed (dedup keys redeliveries by content, not by
    offset) and the worker must read the new log from its start."""
    port = free_port()
    broker, url = start_tansu(port)
    env = {**env, "WIREWATCH_BROKER": url}
    tail = tail_of(env)
    originals = stories(5, seed=5)
    copies = [{**a, "id": f"copy-{a['id']}"} for a in originals]
    new = [{**a, "id": f"new-{a['id']}"} for a in stories(10, seed=6)]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(jsonl([*originals, *copies]))
    second.write_bytes(jsonl(new))
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        produce(env, first)
        tail.wait_for(lambda: len(accounted(tail)) >= 10, "articles before the restart",
                      worker=worker, log=log)
        assert len(tail.values("duplicates")) == 5  # of each pair, whichever came second
        broker.terminate()
        broker.wait(timeout=10)
        broker, _ = start_tansu(port)  # same address; Tansu keeps topics in memory only
        restarted = time.monotonic()
        after = tail_of(env)  # a consumer of the new log (the first one's positions are past it)
        produce(env, second)
        after.wait_for(lambda: accounted(after) >= {a["id"] for a in new},
                       "articles produced after the restart", timeout=120, worker=worker,
                       log=log)
        recovered = time.monotonic() - restarted
    finally:
        stopped_in = stop(worker)
        broker.terminate()
        broker.wait(timeout=10)
    print(f"\nbroker back empty: the 10 new articles analysed {recovered:.1f}s after it "
          f"restarted; SIGTERM exit in {stopped_in:.1f}s")
    assert set(after.ids("enriched", "id")) == {a["id"] for a in new}
    assert after.values("duplicates") == []
    alerts = after.ids("alerts", "alert_id")
    assert len(alerts) == len(set(alerts))
    assert log.read_text().count("OffsetCommit failed") < 10
    assert stopped_in < 10


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read())
    except OSError:
        return 0, {}


def health_is(status: int, what: str, web: int, worker: subprocess.Popen, log: Path,
              timeout: float = 120) -> None:
    """Wait for ``/health`` to answer ``status``: the one thing here read by asking again
    (twice a second), since no record signals it."""
    deadline = time.monotonic() + timeout
    while _health(web)[0] != status:
        if worker.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"no HTTP {status} ({what}):\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


def test_stalled_consumer_is_reported_unhealthy(env, own_redis, tail_of, tmp_path):
    port, procs, _ = own_redis
    web = free_port()
    env = {**env, "WIREWATCH_REDIS_URL": f"redis://127.0.0.1:{port}/0",
           "WIREWATCH_WEB_PORT": str(web), "WIREWATCH_STALL_TIMEOUT": "4"}
    tail = tail_of(env)
    articles = tmp_path / "a.jsonl"
    articles.write_bytes(jsonl(stories(8, seed=3)))
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        health_is(200, "a healthy worker", web, worker, log)
        os.kill(procs[0].pid, signal.SIGSTOP)  # Redis hangs: ingest waits, lag builds up
        try:
            produce(env, articles)
            health_is(503, "health to turn red", web, worker, log)
            status, verdict = _health(web)
        finally:
            os.kill(procs[0].pid, signal.SIGCONT)
        tail.wait_for(lambda: len(accounted(tail)) == 8, "every article after Redis answers",
                      worker=worker, log=log)
        health_is(200, "health green again", web, worker, log)
    finally:
        stop(worker)
    print(f"\nstalled worker: HTTP {status} {verdict}")
    assert not verdict["ok"] and verdict["lag"] > 0
    assert "no progress" in verdict["reason"]
