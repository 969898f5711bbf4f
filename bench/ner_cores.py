"""What the machine's cores give bare NER: one process alone, then N at once.

    python bench/ner_cores.py [--n 200] [--processes 2] [--rounds 2]

The throughput goals of the end-to-end bench are ratios to one bare single-process NER
pass (``bench.run.bare_ner``: ``nlp.pipe`` with NER and what it listens to). The most
any pipeline can reach on a machine is what N such passes reach when they run at once,
with nothing else on the cores: not N times one pass, because cores share caches,
memory bandwidth and, on a virtual machine, a host. This measures that ceiling on the
bench's unique corpus (seed 7). Each process loads its model and warms up first; all
start their timed pass together; rounds alternate one process and N.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # running the file puts bench/, not the root, on the path
    sys.path.insert(0, str(ROOT))


def _texts(n: int) -> list[str]:
    from bench.corpus import CorpusSpec, generate

    corpus = generate(CorpusSpec(n=n, copies=0.0, watched=0.2, watchlist_size=20, seed=7))
    return [a["body"] for a in corpus.articles]


def _pass(n: int, model: str, ready: mp.Queue, go: mp.Event, out: mp.Queue) -> None:
    """One bare NER pass over the corpus, timed from ``go``: articles/s."""
    from bench.run import bare_ner

    nlp = bare_ner(model)
    texts = _texts(n)
    for _ in nlp.pipe(texts[:8], batch_size=32):  # warm caches
        pass
    ready.put(True)
    go.wait()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    out.put(len(texts) / (time.perf_counter() - start))


def concurrent_rate(processes: int, n: int, model: str) -> list[float]:
    """Articles/s of each of ``processes`` bare NER passes started together."""
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_pass, args=(n, model, ready, go, out))
             for _ in range(processes)]
    for p in procs:
        p.start()
    for _ in procs:  # every model loaded and warm before any timing starts
        ready.get()
    go.set()
    rates = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return rates


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default="auto")
    args = parser.parse_args(argv)
    ratios = []
    for r in range(args.rounds):
        alone = concurrent_rate(1, args.n, args.model)[0]
        together = concurrent_rate(args.processes, args.n, args.model)
        ratios.append(sum(together) / alone)
        print(f"round {r + 1}: one process {alone:.1f}/s; {args.processes} at once "
              f"{' + '.join(f'{x:.1f}' for x in together)} = {sum(together):.1f}/s "
              f"({ratios[-1]:.2f}x one)")
    ceiling = statistics.median(ratios)
    print(f"ceiling of {args.processes} bare NER processes: {ceiling:.2f}x one "
          f"(rounds {min(ratios):.2f}-{max(ratios):.2f})")
    return {"ceiling": ceiling}


if __name__ == "__main__":
    main()
