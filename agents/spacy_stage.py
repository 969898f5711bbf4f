"""The spaCy stage of a worker: NER in a process of its own, sentences and claims in the
worker's, and the watchlist both use, as one immutable snapshot per batch.

Named-entity recognition is what a worker spends its time on (BENCHMARKS.md). Inside
the worker's process it would share the GIL with the event loop, sentence splitting,
resolution and claim extraction: Python work in any other thread takes the interpreter
from spaCy each time spaCy comes back from native code (beside a thread busy with
Python 30% of the time, ``nlp.pipe`` lost about 30% of its rate). In a child process
it has a core to itself and runs nothing but the watchlist ruler and ``ner``; the
worker sends it batches of texts and gets back entity spans as plain tuples, never
``Doc`` objects, which are costly to serialise.

The child is started with ``spawn`` (the worker runs threads, which ``fork`` would copy
in an unknown state). One process takes the calls one at a time in submission order,
so a watchlist change submitted before a batch applies to that batch, and a batch
submitted while another runs is waiting in the child's queue when that one ends. A
child that dies (killed, out of memory) fails the batches it held, which fails the
agent's run; the next batch starts a new child with the current watchlist. A worker
that dies takes its child with it: the child waits on its parent's sentinel, and would
otherwise outlive a killed worker forever (it holds both ends of its own call queue,
so it never sees the queue close).

The worker's side loads the model once: the full pipeline the claim rules parse with,
and the sentencer as a view of it (``streams.nlp.sentencer_of``). A watchlist change
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
    EntitySpan,
    build_pipeline,
    find_entities,
    load_model,
    sentencer_of,
    update_watchlist,
)
from streams.resolve import Resolver
from streams.watchlist import Watchlist

_pipeline: Language | None = None  # the child's entity pipeline


def _initialise(model: str, watchlist: Watchlist) -> None:
    global _pipeline
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _pipeline = build_pipeline(model, watchlist)


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    """Block (in a thread of the child, without polling) until the parent is gone."""
    parent.join()
    os._exit(0)


def _find(texts: list[str], batch_size: int) -> list[tuple[EntitySpan, ...]]:
    assert _pipeline is not None, "the spaCy process was not initialised"
    return find_entities(_pipeline, texts, batch_size)


def _set_watchlist(watchlist: Watchlist) -> None:
    assert _pipeline is not None, "the spaCy process was not initialised"
    update_watchlist(_pipeline, watchlist)


class SpacyProcess:
    """A child process holding the entity pipeline (see the module docstring)."""

    def __init__(self, model: str, watchlist: Watchlist) -> None:
        self.model, self.watchlist = model, watchlist
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_initialise,
                                   initargs=(self.model, self.watchlist))

    def _submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        try:
            future = self._pool.submit(fn, *args)
        except BrokenProcessPool:  # the child died since the last call: start another
            self._pool.shutdown(wait=False)
            self._pool = self._new_pool()
            future = self._pool.submit(fn, *args)
        return asyncio.wrap_future(future)

    def find_entities(self, texts: Sequence[str], batch_size: int
                      ) -> asyncio.Future[list[tuple[EntitySpan, ...]]]:
        """Queue a batch and return at once; the future gives the entity spans of each
        text. Queue the next batch before awaiting this one and the child never waits."""
        return self._submit(_find, list(texts), batch_size)

    async def set_watchlist(self, watchlist: Watchlist) -> None:
        """Swap the ruler's patterns; batches queued after this call see the new ones.
        Returns once the child has applied it (after the batches queued before)."""
        self.watchlist = watchlist
        await self._submit(_set_watchlist, watchlist)

    def close(self) -> None:
        """Stop the child, dropping queued batches (their messages are not acked yet)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


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
    """Everything spaCy in one worker: the NER child, the worker-side pipeline (loaded
    on first use, once), and the current watchlist snapshot."""

    def __init__(self, model: str, watchlist: Watchlist) -> None:
        self.model = model
        self.snapshot = Snapshot.of(None, watchlist)
        self._child: SpacyProcess | None = None

    @property
    def child(self) -> SpacyProcess:
        """The NER process, started on first use."""
        if self._child is None:
            self._child = SpacyProcess(self.model, self.snapshot.watchlist)
        return self._child

    @cached_property
    def full(self) -> Language:
        """The full pipeline of this process: claims parse with it."""
        return load_model(self.model)

    @cached_property
    def sentencer(self) -> Language:
        return sentencer_of(self.full)

    @cached_property
    def claims(self) -> ClaimExtractor:
        return ClaimExtractor(nlp=self.full)

    async def use(self, version: int, watchlist: Watchlist) -> Snapshot:
        """Make ``watchlist`` (at ``version``) the one later batches see."""
        if version != self.snapshot.version:
            self.snapshot = Snapshot.of(version, watchlist)
            if self._child is not None:  # else the child starts with this one
                await self._child.set_watchlist(watchlist)
        return self.snapshot

    def find_entities(self, texts: Sequence[str], batch_size: int
                      ) -> asyncio.Future[list[tuple[EntitySpan, ...]]]:
        """Queue a batch for NER (see ``SpacyProcess.find_entities``)."""
        return self.child.find_entities(texts, batch_size)

    def close(self) -> None:
        """Stop the NER child (the worker does when its app stops)."""
        if self._child is not None:
            self._child.close()
            self._child = None
