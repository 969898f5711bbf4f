"""The board in real headless Chromium, over a running worker, broker and Redis.

One worker and one board serve the whole module (a worker takes a while to load its
model); the tests run in order, each producing the next articles of one story. The
browser is Debian's chromium driven by Playwright: nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import FIXTURES, unavailable
from tests.integration.conftest import start_worker, wirewatch

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
SCENARIO = FIXTURES / "scenario"
BOARD = FIXTURES / "board"
WAIT_MS = 150_000


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def _url_in(log: Path, proc: subprocess.Popen, timeout: float) -> str:
    """The board's URL, once its process has printed it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"wirewatch board at (http://\S+)", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"no board URL; its output:\n{log.read_text(errors='replace')[-3000:]}")


def _env(broker_url: str, redis_db_url: str) -> dict[str, str]:
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({
        "WIREWATCH_BROKER": broker_url, "WIREWATCH_REDIS_URL": redis_db_url,
        "WIREWATCH_APP_ID": f"wirewatch-board-{run}", "WIREWATCH_NAMESPACE": f"wwboard:{run}",
        "WIREWATCH_PARTITIONS": "1", "WIREWATCH_WATCHLIST": str(SCENARIO / "watchlist.yaml"),
        "WIREWATCH_BOARD_PORT": "0",
    })
    for topic in ("articles", "alerts", "dead_letter", "unique", "enriched", "entity_claims",
                  "duplicates"):
        env[f"WIREWATCH_TOPIC_{topic.upper()}"] = f"b{run}.{topic}"
    return env


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go (``WIREWATCH_BOARD_SHOTS`` to keep them elsewhere)."""
    where = os.environ.get("WIREWATCH_BOARD_SHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("board-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def pipeline(broker_url: str, redis_db_url: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str]]:
    """A worker and a board on one set of topics: (env, board URL)."""
    env = _env(broker_url, redis_db_url)
    logs = tmp_path_factory.mktemp("board-logs")
    worker = start_worker(env, logs / "worker.log")
    board_log = logs / "board.log"
    with open(board_log, "ab") as out:
        board = subprocess.Popen([sys.executable, "-m", "agents.cli", "board"], env=env,
                                 stdout=out, stderr=subprocess.STDOUT)
    try:
        yield env, _url_in(board_log, board, 60)
    finally:
        board_code = _stop(board, signal.SIGINT)
        worker_code = _stop(worker)
    board_output = board_log.read_text(errors="replace")
    assert board_code == 0 and "Traceback" not in board_output, board_output[-3000:]
    assert worker_code == 0, (logs / "worker.log").read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        unavailable(f"no chromium at {CHROMIUM} (.ci/run installs it)")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, pipeline):
    """A desk-sized page; every dialog the page opens is recorded on ``page.dialogs``."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.dialogs = []

    def on_dialog(dialog) -> None:
        pg.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def produce(env: dict[str, str], tmp_path: Path, source: Path, ids: list[str]) -> None:
    """Publish the articles ``ids`` of a JSONL fixture, in that order."""
    lines = {orjson.loads(line)["id"]: line for line in source.read_text().splitlines()
             if line.strip()}
    path = tmp_path / f"{ids[0]}.jsonl"
    path.write_text("\n".join(lines[i] for i in ids) + "\n")
    done = wirewatch(["produce", str(path)], env, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def _live(page) -> None:
    # A selector, not wait_for_function: the board's CSP forbids the eval that polls with.
    page.locator("html[data-live=open]").wait_for(state="attached", timeout=20_000)


def test_new_alerts_appear_in_the_open_feed_without_a_reload(page, pipeline, tmp_path):
    env, url = pipeline
    page.goto(url)
    _live(page)
    page.evaluate("window.__sameDocument = true")
    assert page.locator("#feed .alert").count() == 0
    produce(env, tmp_path, SCENARIO / "orlov.jsonl", ["wire-a-101"])
    alert = page.locator("#feed .alert-new-entity[data-entity='daniel-orlov']")
    alert.wait_for(timeout=WAIT_MS)
    assert page.evaluate("window.__sameDocument") is True
    assert "Daniel Orlov" in alert.locator("mark").first.inner_text()
    assert page.locator("#unread").inner_text() == "1 new"
    produce(env, tmp_path, SCENARIO / "orlov.jsonl", ["wire-b-202"])
    page.locator("#feed .alert-conflict").nth(1).wait_for(timeout=WAIT_MS)
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#feed .alert").first.get_attribute("data-type") == "conflict"



def test_a_conflict_opens_the_person_page_with_the_values_side_by_side(page, pipeline):
    _, url = pipeline
    page.goto(url + "?type=conflict")
    held_by = page.locator("#feed .alert-conflict", has_text="held_by")
    held_by.wait_for(timeout=WAIT_MS)
    held_by.locator("a.person").click()
    page.wait_for_url(re.compile(r"/entity/daniel-orlov#conflict-held-by$"))
    columns = page.locator("#conflict-held-by .column")
    assert columns.count() == 2
    first, second = columns.nth(0), columns.nth(1)
    assert first.locator(".value").inner_text() == "Northern Liberation Front"
    assert second.locator(".value").inner_text() == "Crimson Brigade"
    assert "Northwire" in first.locator(".sources").inner_text()
    assert "Eastpost" in second.locator(".sources").inner_text()
    assert "is being held by the Northern Liberation Front" in first.locator(
        ".evidence").first.inner_text()
    assert "Crimson Brigade said on Friday it was holding" in second.locator(
        ".evidence").first.inner_text()
    one, two = first.bounding_box(), second.bounding_box()
    assert abs(one["y"] - two["y"]) < 1 and two["x"] >= one["x"] + one["width"]
    assert page.locator("svg.timeline-svg .article-mark").count() == 2


def test_a_watch_added_on_the_page_makes_the_next_article_a_new_entity(page, pipeline,
                                                                     tmp_path):
    env, url = pipeline
    page.goto(url + "watchlist")
    page.fill("input[name=name]", "Ilse Brandt")
    page.fill("input[name=kind]", "aid worker")
    page.click("form.add-watch button[type=submit]")
    page.wait_for_url(re.compile(r"/watchlist\?done=added"))
    assert page.locator("tr[data-id='ilse-brandt']").count() == 1
    listed = wirewatch(["watch", "list", "--json"], env, timeout=60)
    assert "ilse-brandt" in {e["id"] for e in orjson.loads(listed.stdout)["entities"]}

    page.goto(url)
    _live(page)
    produce(env, tmp_path, BOARD / "watch_later.jsonl", ["wire-e-501"])
    alert = page.locator("#feed .alert-new-entity[data-entity='ilse-brandt']")
    alert.wait_for(timeout=WAIT_MS)
    link = alert.locator(".evidence a")
    assert link.get_attribute("href") == "https://harbourwire.example/2026/04/05/convoy"
    assert link.inner_text() == "Aid convoy driver missing near Karsk"


def test_a_hostile_article_renders_as_inert_text(page, pipeline, tmp_path):
    env, url = pipeline
    page.goto(url)
    _live(page)
    produce(env, tmp_path, BOARD / "hostile.jsonl", ["wire-x-666"])
    alert = page.locator("#feed .alert[data-entity='mira-kessling']")
    alert.wait_for(timeout=WAIT_MS)  # arrived live, inserted from the event stream
    page.wait_for_timeout(500)
    assert alert.locator("img, script").count() == 0
    assert "<img src=x onerror=" in alert.inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.reload()  # rendered by the server, now with the article's hostile title
    alert.wait_for()
    page.wait_for_timeout(500)
    assert alert.locator("img, script, a[href^='javascript']").count() == 0
    text = alert.inner_text()
    assert "<img src=x onerror=" in text and "<script>window.__pwned='title'" in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    page.goto(url + "entity/mira-kessling")
    page.wait_for_timeout(500)
    assert page.locator("main img, main script").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.dialogs == []


def test_an_arriving_alert_does_not_move_what_the_reader_is_reading(browser, pipeline,
                                                                  tmp_path):
    env, url = pipeline
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(url)
        _live(page)
        reading = page.locator("#" + page.locator("#feed .alert").nth(2).get_attribute("id"))
        page.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top"
                      " + window.scrollY - 120)", reading.element_handle())
        before = reading.bounding_box()["y"]
        produce(env, tmp_path, SCENARIO / "orlov.jsonl", ["wire-c-404"])
        page.locator("#feed .alert-status-change").wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(300)
        assert abs(reading.bounding_box()["y"] - before) <= 1
        assert page.locator("#unread").inner_text() == "1 new"
    finally:
        context.close()


def test_pages_fit_a_desk_and_a_phone(browser, pipeline, shots):
    _, url = pipeline
    for width, height, label in ((1280, 800, "1280x800"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      is_mobile=width < 600)
        page = context.new_page()
        try:
            for path, name in (("", "feed"), ("entity/daniel-orlov", "person"),
                               ("watchlist", "watchlist")):
                page.goto(url + path)
                page.wait_for_timeout(400)
                overflow = page.evaluate("document.documentElement.scrollWidth"
                                         " - document.documentElement.clientWidth")
                assert overflow <= 0, f"{name} is {overflow}px wider than {label}"
                # At the desk what the first screen shows; on the phone the whole page.
                page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=width < 600)
        finally:
            context.close()


def test_demo_board_serves_the_demos_alerts(redis_db_url, tmp_path):
    """``wirewatch demo --board`` as from a fresh clone: embedded broker, a URL, a feed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update({"WIREWATCH_REDIS_URL": redis_db_url, "WIREWATCH_BOARD_PORT": "0"})
    log = tmp_path / "demo.log"
    with open(log, "ab") as out:
        demo = subprocess.Popen([sys.executable, "-m", "agents.cli", "demo", "--board"],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = _url_in(log, demo, 240)
        with urllib.request.urlopen(url, timeout=10) as response:
            html = response.read().decode()
        assert len(re.findall(r'<article class="alert ', html)) == 6
        assert "Daniel Orlov" in html and "alert-conflict" in html
        with urllib.request.urlopen(url + "entity/daniel-orlov", timeout=10) as response:
            assert 'id="conflict-held-by"' in response.read().decode()
    finally:
        code = _stop(demo, signal.SIGINT)
    output = log.read_text(errors="replace")
    assert code == 0 and "Traceback" not in output, output[-3000:]
    import redis

    assert not redis.Redis.from_url(redis_db_url).keys("wirewatch:replay:*")
