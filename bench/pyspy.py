"""Where a worker's CPU time goes, from a py-spy recording in raw (collapsed-stack) form.

``py-spy record --format raw`` writes one line per distinct stack:
``frame;frame;...;frame COUNT`` with frames as ``function (path:line)``, root first.
Each sample is charged to the deepest frame that belongs to a known layer (spaCy,
dedup, Redis client, Kafka client, Faust, serialisation, ...), so time spent in a
C extension called from spaCy counts as spaCy, and the agent that called spaCy does
not take the credit. Recorded with ``--subprocesses``, a stack opens with the chain of
processes it was sampled in (``process PID:"command"``); a worker's child started by
``multiprocessing`` is its spaCy process.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Deepest match wins; order matters only between patterns that can match one frame.
LAYERS: list[tuple[str, re.Pattern[str]]] = [
    ("spaCy / thinc (NLP)", re.compile(r"[(/](spacy|thinc|cymem|preshed|blis|numpy)/")),
    ("dedup fingerprint", re.compile(r"[(/]rensa/|streams/dedup\.py|streams/store/dedup")),
    ("normalise / validate", re.compile(r"streams/(normalize|validate)\.py")),
    ("resolution / claims", re.compile(r"streams/(resolve|conflicts|nlp|analyse)\.py|rapidfuzz|"
                                       r"jellyfish|streams/store/profiles")),
    ("Redis client", re.compile(r"[(/]redis/")),
    ("serialisation (Records, JSON)", re.compile(r"faust/(models|serializers)/|orjson|[(/]json/")),
    ("Kafka client (aiokafka)", re.compile(r"[(/](aiokafka|kafka)/")),
    ("Faust / mode runtime", re.compile(r"[(/](faust|mode)/")),
    ("agents (wiring)", re.compile(r"agents/\w+\.py")),
    ("asyncio event loop", re.compile(r"[(/]asyncio/|selectors\.py")),
    ("threads / executor", re.compile(r"concurrent/futures|threading\.py")),
]
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")
WORKER, SPACY = "worker process", "spaCy process"


@dataclass(frozen=True)
class Breakdown:
    """Samples per layer, per leaf function and per process, out of ``total``."""

    total: int
    layers: list[tuple[str, int]]
    leaves: list[tuple[str, int]]
    wall_s: float = 0.0
    rate_hz: int = 100
    processes: list[tuple[str, int]] = field(default_factory=list)
    process_layers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """Samples per layer within each process: where the worker process's share goes."""

    def share(self, count: int) -> float:
        return 100.0 * count / self.total if self.total else 0.0

    def busy(self, process: str) -> float:
        """Percent of the wall time that ``process`` had a thread on CPU (its threads
        added up, so a process using more than one core shows over 100)."""
        possible = self.wall_s * self.rate_hz
        return 100.0 * dict(self.processes).get(process, 0) / possible if possible else 0.0


def _layer(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in LAYERS:
            if pattern.search(frame):
                return name
    return "other"


def _process(frames: list[str]) -> str:
    chain = [f for f in frames if f.startswith("process ")]
    return SPACY if chain and "multiprocessing" in chain[-1] else WORKER


def _short(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path.lstrip('/')})"


def breakdown(raw: Path, wall_s: float, top: int = 12) -> Breakdown:
    """Aggregate a py-spy raw recording by layer and by leaf function."""
    layers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    processes: Counter[str] = Counter()
    within: dict[str, Counter[str]] = {}
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if f]
        layer, process = _layer(frames), _process(frames)
        layers[layer] += int(count)
        leaves[_short(frames[-1])] += int(count)
        processes[process] += int(count)
        within.setdefault(process, Counter())[layer] += int(count)
    return Breakdown(sum(layers.values()), layers.most_common(), leaves.most_common(top), wall_s,
                     processes=processes.most_common(),
                     process_layers={p: c.most_common() for p, c in within.items()})
