"""py-spy recordings are charged to the deepest known layer of each stack."""

from __future__ import annotations

from bench.pyspy import SPACY, WORKER, breakdown

WORKER_PROCESS = 'process 10:"python -m agents.cli worker"'
CHILD = 'process 11:"python -c from multiprocessing.spawn import spawn_main"'
RAW = "\n".join([
    f"{WORKER_PROCESS};{CHILD};_process_worker (concurrent/futures/process.py:240);"
    "Language.pipe (spacy/language.py:1618);forward (thinc/layers/maxout.py:52) 30",
    f"{WORKER_PROCESS};_run_once (asyncio/base_events.py:1922);ingest (agents/ingest.py:31);"
    "execute_command (redis/asyncio/client.py:600) 5",
    "_worker (concurrent/futures/thread.py:83);analyse_batch (streams/analyse.py:36);"
    "resolve (streams/resolve.py:30) 10",
    "main (tool.py:3) 5",
    "",
])


def test_layers_and_leaves(tmp_path):
    raw = tmp_path / "profile.txt"
    raw.write_text(RAW)
    result = breakdown(raw, wall_s=1.0)
    assert result.total == 50
    assert dict(result.layers) == {"spaCy / thinc (NLP)": 30, "resolution / claims": 10,
                                   "Redis client": 5, "other": 5}
    assert result.leaves[0] == ("forward (thinc/layers/maxout.py)", 30)
    assert result.share(30) == 60.0
    assert dict(result.processes) == {SPACY: 30, WORKER: 20}
    assert result.busy(SPACY) == 30.0
    assert result.process_layers == {
        SPACY: [("spaCy / thinc (NLP)", 30)],
        WORKER: [("resolution / claims", 10), ("Redis client", 5), ("other", 5)]}
