"""The worker's spaCy processes: same answers as in-process, watchlist order, batch order
across processes, restarts."""

from __future__ import annotations

import asyncio
import multiprocessing
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from agents.spacy_stage import SpacyProcess, SpacyStage
from streams.nlp import annotate_texts, build_annotator
from streams.watchlist import WatchedEntity, Watchlist

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "Lena Markova was seen in Karsk on Monday, officials said. She was said to be well.",
    "Talks on Danil Orlov resumed in Doha.\n\nOrlov's family was not told.",
]
WATCH = Watchlist.of([WatchedEntity("Daniel Orlov", kind="hostage")])


def watched(annotation) -> set[str]:
    return {entity_id for _, _, _, entity_id in annotation.entities if entity_id}


async def test_entities_match_the_pipeline_in_process() -> None:
    spacy = SpacyProcess("auto", WATCH)
    try:
        got = await spacy.annotate(TEXTS, batch_size=8)
    finally:
        spacy.close()
    assert got == annotate_texts(build_annotator("auto", WATCH), TEXTS, batch_size=8)
    assert [watched(e) for e in got] == [set(), {"daniel-orlov"}]


async def test_a_watchlist_change_applies_to_batches_queued_after_it() -> None:
    spacy = SpacyProcess("auto", WATCH)
    try:
        before = spacy.annotate(TEXTS[:1], batch_size=8)  # queued before the change
        await spacy.set_watchlist(Watchlist.of([*WATCH, WatchedEntity("Lena Markova")]))
        after = await spacy.annotate(TEXTS[:1], batch_size=8)
        assert watched((await before)[0]) == set()
        assert watched(after[0]) == {"lena-markova"}
    finally:
        spacy.close()


async def test_batches_spread_over_processes_come_back_in_order_and_see_a_change() -> None:
    stage = SpacyStage("auto", WATCH, processes=2)
    try:
        texts = [[t] for t in (*TEXTS, *TEXTS)]
        futures = [stage.annotate(batch, batch_size=8) for batch in texts]
        assert len({c._pool for c in stage.children}) == 2
        results = [await f for f in futures]
        assert [watched(r[0]) for r in results] == [set(), {"daniel-orlov"}] * 2
        await stage.use(1, Watchlist.of([*WATCH, WatchedEntity("Lena Markova")]))
        after = [stage.annotate(TEXTS[:1], batch_size=8) for _ in range(2)]  # both children
        assert [watched((await f)[0]) for f in after] == [{"lena-markova"}] * 2
    finally:
        stage.close()


async def test_a_dead_child_fails_its_batch_and_the_next_batch_gets_a_new_one() -> None:
    before = set(multiprocessing.active_children())
    spacy = SpacyProcess("auto", WATCH)
    try:
        await spacy.annotate(TEXTS[:1], batch_size=8)
        [child] = set(multiprocessing.active_children()) - before
        held = spacy.annotate(TEXTS, batch_size=8)
        child.kill()
        with pytest.raises(BrokenProcessPool):
            await held
        again = await spacy.annotate(TEXTS, batch_size=8)
        assert [watched(e) for e in again] == [set(), {"daniel-orlov"}]
    finally:
        spacy.close()


DIES = """
import asyncio, sys
from agents.spacy_stage import SpacyProcess
from streams.watchlist import Watchlist
import asyncio
import multiprocessing

async def main():
    spacy = SpacyProcess("auto", Watchlist())
    await spacy.annotate(["Talks resumed in Doha."], batch_size=1)
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


async def test_close_stops_a_child_in_the_middle_of_a_long_batch() -> None:
    """A worker told to stop must not wait for NER over a long batch: its messages are
    not acked, so they are redelivered."""
    spacy = SpacyProcess("auto", Watchlist())
    await spacy.annotate(["Warm up."], 1)
    long_text = " ".join(f"Daniel Orlov met Tomas Varga in Karsk on day {i}." for i in range(20000))
    running = spacy.annotate([long_text, long_text], 2)
    await asyncio.sleep(1.0)  # let the child start on it
    started = time.monotonic()
    spacy.close()
    assert time.monotonic() - started < 6
    with pytest.raises(BaseException):  # noqa: B017 - cancelled or broken, never a result
        await running
