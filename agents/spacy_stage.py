"""The spaCy stage of a worker: NER and sentences in processes of their own, claims in
the worker's, and the watchlist both use, as one immutable snapshot per batch.

Named-entity recognition is what a worker spends its time on (BENCHMARKS.md). Inside
the worker's process it would share the GIL with the event loop, resolution and claim
extraction: Python work in any other thread takes the interpreter from spaCy each time
spaCy comes back from native code (beside a thread busy with Python 30% of the time,
``nlp.pipe`` lost about 30% of its rate). In a child process it has a core to itself
and runs the annotator (``streams.nlp.build_annotator``: sentences, the watchlist ruler,
``ner``) and reads the mentions off each doc; the worker sends it batches of texts and
gets back plain values (``streams.nlp.Annotation``), never ``Doc`` objects, which are
costly to serialise, and never tokenises an article for its sentences again.

A worker has ``processes`` children (``WIREWATCH_SPACY_PROCESSES``; by default one per
core), so that one worker can keep every core busy with NER. Batches go to them in
turn, and the extract agent awaits the results in submission order, so batches finish
(and are acked) in the order they were taken, whichever child was quicker.

A child is started with ``spawn`` (the worker runs threads, which ``fork`` would copy
in an unknown state). Each child takes its calls one at a time in submission order,
and a watchlist change is queued to every child and awaited before the batches that
follow it are queued, so it applies to every batch submitted after it. A batch
submitted while another runs is waiting in its child's queue when that one ends. A
child that dies (killed, out of memory) fails the batches it held, which fails the
agent's run; the next batch for it starts a new child with the current watchlist. A
worker that dies takes its children with it: a child waits on its parent's sentinel,
and would otherwise outlive a killed worker forever (it holds both ends of its own call
queue, so it never sees the queue close).

The worker's side loads the model once: the full pipeline the claim rules parse with,
whose tokenizer also makes the doc of an article with a watched entity. A watchlist change
(``wirewatch watch``) becomes a new :class:`Snapshot` — version, watchlist, resolver —
handed to the child before the batches that follow it; a batch carries the snapshot it
was submitted with, so it is resolved against the watchlist its entities were found
with, whatever a later change brings.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from spacy.language import Language

from streams.claims import ClaimExtractor
from streams.nlp import (
    Annotation,
    annotate_texts,
    build_annotator,
    load_model,
    update_watchlist,
)
from streams.resolve import Resolver
from streams.watchlist import Watchlist

_pipeline: Language | None = None  # the child's annotator


def _initialise(model: str, watchlist: Watchlist) -> None:
    global _pipeline
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _pipeline = build_annotator(model, watchlist)


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    """Block (in a thread of the child, without polling) until the parent is gone."""
    parent.join()
    os._exit(0)


def _annotate(texts: list[str], batch_size: int) -> list[Annotation]:
    assert _pipeline is not None, "the spaCy process was not initialised"
    return annotate_texts(_pipeline, texts, batch_size)


def _set_watchlist(watchlist: Watchlist) -> None:
    assert _pipeline is not None, "the spaCy process was not initialised"
    update_watchlist(_pipeline, watchlist)


class SpacyProcess:
    """A child process holding the annotator (see the module docstring)."""

    def __init__(self, model: str, watchlist: Watchlist) -> None:
        self.model, self.watchlist = model, watchlist
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_initialise,
                                   initargs=(self.model, self.watchlist))
        # Start the child and load the model now: a pool starts its process at the first
        # call, so the children of a stage would otherwise load one by one, each at its
        # first batch, a few seconds late.
        pool.submit(os.getpid)
        return pool

    def _submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        try:
            future = self._pool.submit(fn, *args)
        except BrokenProcessPool:  # the child died since the last call: start another
            self._pool.shutdown(wait=False)
            self._pool = self._new_pool()
            future = self._pool.submit(fn, *args)
        return asyncio.wrap_future(future)

    def annotate(self, texts: Sequence[str], batch_size: int
                 ) -> asyncio.Future[list[Annotation]]:
        """Queue a batch and return at once; the future gives the annotation of each
        text. Queue the next batch before awaiting this one and the child never waits."""
        return self._submit(_annotate, list(texts), batch_size)

    async def set_watchlist(self, watchlist: Watchlist) -> None:
        """Swap the ruler's patterns; batches queued after this call see the new ones.
        Returns once the child has applied it (after the batches queued before)."""
        self.watchlist = watchlist
        await self._submit(_set_watchlist, watchlist)

    def close(self) -> None:
        """Stop the child now, dropping the batch it runs and those queued (their
        messages are not acked yet, so they are redelivered): a worker told to stop
        must not wait for NER over a long batch. The executor offers no way to stop a
        running call, hence the processes are terminated directly."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)


@dataclass(frozen=True)
class Snapshot:
    """The watchlist a batch is processed with: its version in Redis (None: the file's
    alone, before Redis was asked), the entries, and a resolver built for them."""

    version: int | None
    watchlist: Watchlist
    resolver: Resolver

    @classmethod
    def of(cls, version: int | None, watchlist: Watchlist) -> Snapshot:
        return cls(version, watchlist, Resolver(watchlist))


class SpacyStage:
    """Everything spaCy in one worker: the NER children, the worker-side pipeline
    (loaded on first use, once), and the current watchlist snapshot."""

    def __init__(self, model: str, watchlist: Watchlist, processes: int = 1) -> None:
        self.model, self.processes = model, processes
        self.snapshot = Snapshot.of(None, watchlist)
        self._children: list[SpacyProcess] = []
        self._turn = 0

    @property
    def children(self) -> list[SpacyProcess]:
        """The NER processes, started on first use."""
        if not self._children:
            self._children = [SpacyProcess(self.model, self.snapshot.watchlist)
                              for _ in range(self.processes)]
        return self._children

    @cached_property
    def full(self) -> Language:
        """The full pipeline of this process: claims parse with it."""
        return load_model(self.model)

    @cached_property
    def claims(self) -> ClaimExtractor:
        return ClaimExtractor(nlp=self.full)

    async def use(self, version: int, watchlist: Watchlist) -> Snapshot:
        """Make ``watchlist`` (at ``version``) the one later batches see."""
        if version != self.snapshot.version:
            self.snapshot = Snapshot.of(version, watchlist)
            # children not started yet start with this one
            await asyncio.gather(*(c.set_watchlist(watchlist) for c in self._children))
        return self.snapshot

    def annotate(self, texts: Sequence[str], batch_size: int
                 ) -> asyncio.Future[list[Annotation]]:
        """Queue a batch for the next child in turn (see ``SpacyProcess.annotate``);
        await the futures in the order they were made to finish batches in order."""
        children = self.children
        child = children[self._turn % len(children)]
        self._turn += 1
        return child.annotate(texts, batch_size)

    def close(self) -> None:
        """Stop the NER children (the worker does when its app stops)."""
        for child in self._children:
            child.close()
        self._children = []
