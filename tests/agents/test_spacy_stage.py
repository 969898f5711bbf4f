"""The worker's spaCy process: same answers as in-process, watchlist order, restarts."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from agents.spacy_stage import SpacyProcess
from streams.nlp import build_pipeline, find_entities
from streams.watchlist import WatchedEntity, Watchlist

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "Lena Markova was seen in Karsk on Monday, officials said. She was said to be well.",
    "Talks on Danil Orlov resumed in Doha.\n\nOrlov's family was not told.",
]
WATCH = Watchlist.of([WatchedEntity("Daniel Orlov", kind="hostage")])


def watched(spans) -> set[str]:
    return {entity_id for _, _, _, entity_id in spans if entity_id}


async def test_entities_match_the_pipeline_in_process() -> None:
    spacy = SpacyProcess("auto", WATCH)
    try:
        got = await spacy.find_entities(TEXTS, batch_size=8)
    finally:
        spacy.close()
    assert got == find_entities(build_pipeline("auto", WATCH), TEXTS, batch_size=8)
    assert [watched(e) for e in got] == [set(), {"daniel-orlov"}]


async def test_a_watchlist_change_applies_to_batches_queued_after_it() -> None:
    spacy = SpacyProcess("auto", WATCH)
    try:
        before = spacy.find_entities(TEXTS[:1], batch_size=8)  # queued before the change
        await spacy.set_watchlist(Watchlist.of([*WATCH, WatchedEntity("Lena Markova")]))
        after = await spacy.find_entities(TEXTS[:1], batch_size=8)
        assert watched((await before)[0]) == set()
        assert watched(after[0]) == {"lena-markova"}
    finally:
        spacy.close()


async def test_a_dead_child_fails_its_batch_and_the_next_batch_gets_a_new_one() -> None:
    before = set(multiprocessing.active_children())
    spacy = SpacyProcess("auto", WATCH)
    try:
        await spacy.find_entities(TEXTS[:1], batch_size=8)
        [child] = set(multiprocessing.active_children()) - before
        held = spacy.find_entities(TEXTS, batch_size=8)
        child.kill()
        with pytest.raises(BrokenProcessPool):
            await held
        again = await spacy.find_entities(TEXTS, batch_size=8)
        assert [watched(e) for e in again] == [set(), {"daniel-orlov"}]
    finally:
        spacy.close()


DIES = """
import asyncio, sys
from agents.spacy_stage import SpacyProcess
from streams.watchlist import Watchlist
import multiprocessing

async def main():
    spacy = SpacyProcess("auto", Watchlist())
    await spacy.find_entities(["Talks resumed in Doha."], batch_size=1)
    [child] = multiprocessing.active_children()
    print(child.pid, flush=True)
    sys.stdin.read()  # until killed

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_the_child_does_not_outlive_a_killed_worker(tmp_path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(DIES, encoding="utf-8")
    worker = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        child = int(worker.stdout.readline())
        assert _alive(child)
    finally:
        worker.kill()  # SIGKILL: no clean-up runs in the worker
        worker.wait()
    deadline = time.monotonic() + 30
    while _alive(child):
        assert time.monotonic() < deadline, f"spaCy process {child} outlived its worker"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
