"""The wirewatch benchmark: one command, every figure side by side, on one corpus and model.

    python bench/run.py --n 400 --markdown BENCHMARKS-perf.md

Measures, in this order:

1. bare spaCy: ``nlp.pipe`` with only the components NER needs (the reference), and
   the annotator a worker's spaCy process runs (sentences, watchlist ruler, NER);
2. one ``wirewatch worker`` end to end through a real broker (embedded Tansu) and
   Redis, on unique articles, then on a corpus with a share of syndicated copies;
3. two workers in one consumer group on the unique corpus;
4. produce -> enriched and produce -> alert latency at half the one-worker rate;
5. Redis bytes of the run's keys, per article (dedup) and per entity profile;
6. with ``--profile``, a py-spy recording of one worker on the unique corpus.

The last line on stdout is one JSON object of the headline figures (``report.headline``),
for other tools to read; everything else goes to stderr.

Every run has its own topics, consumer group and Redis namespace (deleted afterwards).
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/, not the root, on the path
    sys.path.insert(0, str(ROOT))

PY_SPY = Path(sys.executable).with_name("py-spy")

from bench.corpus import Corpus, CorpusSpec, generate, write  # noqa: E402
from bench.harness import Run, RunResult  # noqa: E402
from bench.pyspy import breakdown  # noqa: E402
from bench.report import (  # noqa: E402
    ENTITY_PIPELINE,
    Report,
    SpacyResult,
    headline,
    machine,
    print_table,
    write_markdown,
)


def _timed(pipelines: list, texts: list[str], batch_size: int, repeat: int
           ) -> list[tuple[float, int]]:
    """(seconds, entities) of each pipeline over the texts: the median of ``repeat``
    passes, the pipelines taking turns pass by pass, so that the machine's drift (on a
    shared 2-core host, ±20% between passes) does not favour one of them."""
    for nlp in pipelines:
        for _ in nlp.pipe(texts[:8], batch_size=batch_size):  # warm caches
            pass
    times: list[list[float]] = [[] for _ in pipelines]
    entities = [0] * len(pipelines)
    for _ in range(repeat):
        for i, nlp in enumerate(pipelines):
            start = time.perf_counter()
            entities[i] = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch_size))
            times[i].append(time.perf_counter() - start)
    return [(statistics.median(t), n) for t, n in zip(times, entities, strict=True)]


def bare_ner(model: str):
    """The reference pipeline: NER and only what it listens to."""
    from streams.nlp import load_model

    ner = load_model(model)
    ner.select_pipes(enable=["ner", *(name for name, pipe in ner.pipeline
                                      if "ner" in getattr(pipe, "listening_components", ()))])
    return ner


def bare_spacy(ner, corpus: Corpus, model: str, watchlist: Path, batch_size: int, repeat: int
               ) -> tuple[list[SpacyResult], list[tuple[str, float]]]:
    """Articles/s of ``nlp.pipe`` in this process, and seconds per component.

    Two pipelines: NER with only what it listens to (the reference), and the annotator a
    worker's spaCy process runs (sentences, the watchlist ruler, NER). Its components
    are timed one by one, and the mention extraction the process does on each doc.
    """
    from streams.nlp import build_annotator, extract_mentions
    from streams.watchlist import load_watchlist

    texts = [a["body"] for a in corpus.articles]
    annotator = build_annotator(model, load_watchlist(watchlist))
    labelled = (("bare spaCy NER", ner), (ENTITY_PIPELINE, annotator))
    results = [SpacyResult(label, list(nlp.pipe_names), len(texts), elapsed, found)
               for (label, nlp), (elapsed, found) in zip(
                   labelled, _timed([ner, annotator], texts, batch_size, repeat), strict=True)]

    timings = []
    docs = [annotator.make_doc(t) for t in texts]
    for name, proc in annotator.pipeline:
        start = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") \
            else [proc(d) for d in docs]
        timings.append((name, time.perf_counter() - start))
    start = time.perf_counter()
    for doc in docs:
        extract_mentions(doc)
    timings.append(("extract_mentions", time.perf_counter() - start))
    return results, timings


def end_to_end(name: str, stack: dict, corpus: Corpus, workers: int, *, rate: float | None = None,
               grace: float = 0.0, profile: Path | None = None) -> RunResult:
    """One fresh pipeline with ``workers`` processes; warm it up, time bare spaCy NER on
    the corpus in this process (the workers idle), then time the corpus end to end.

    The reference pass sits right next to the run because this kind of host drifts: the
    same NER pass has measured anywhere from 57 to 90 ms of CPU an article within an
    hour, and a ratio of figures taken minutes apart would carry that drift.
    """
    run = Run(name, stack["broker"], stack["redis_url"], stack["watchlist"], workers,
              stack["partitions"], stack["log_dir"], env=stack["env"])
    print(f"-- {name}: {workers} worker(s), {len(corpus.articles)} articles"
          + (f", paced at {rate:.1f}/s" if rate else ""), file=sys.stderr)
    try:
        run.start()
        run.warm_up(stack["warmup"].articles)
        reference = None
        if rate is None and profile is None:
            texts = [a["body"] for a in corpus.articles]
            cpu = time.process_time()
            [(elapsed, _)] = _timed([stack["ner"]], texts, stack["batch_size"], 1)
            reference_cpu = (time.process_time() - cpu) / (len(texts) + 8)  # + the warm-up
            reference = len(texts) / elapsed
        spy = None
        if profile is not None:
            spy = subprocess.Popen([str(PY_SPY), "record", "--subprocesses",
                                    "--nonblocking", "--format", "raw", "--rate", "100",
                                    "-o", str(profile), "--pid", str(run.procs[0].pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)  # attached before the first article
            spied_from = time.perf_counter()
        result = run.measure(corpus.articles, rate=rate, grace=grace,
                             broker_pid=stack["broker_pid"])
        if reference is not None:
            result.reference_rate, result.reference_cpu_s = reference, reference_cpu
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            result.profiled_s = time.perf_counter() - spied_from + 1.0
            spy.wait(timeout=60)
        result.redis = run.redis_usage()
    finally:
        run.stop()
    print(f"   {result.processed} processed in {result.elapsed_s:.2f}s = {result.rate:.1f}/s"
          + (f" (bare NER just before: {result.reference_rate:.1f}/s)"
             if result.reference_rate else ""), file=sys.stderr)
    return result


def median_of(repeat: int, name: str, stack: dict, corpus: Corpus, workers: int) -> RunResult:
    """Run a throughput scenario ``repeat`` times, each on a fresh pipeline; keep the median."""
    results = sorted((end_to_end(name, stack, corpus, workers) for _ in range(repeat)),
                     key=lambda r: r.rate)
    middle = results[len(results) // 2]
    middle.rates = [r.rate for r in results]
    middle.ratios = sorted(r.rate / r.reference_rate for r in results)
    return middle


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description="wirewatch benchmark suite")
    parser.add_argument("--n", type=int, default=400, help="articles per corpus")
    parser.add_argument("--copies", type=float, default=0.5, help="copy share of the 2nd corpus")
    parser.add_argument("--watched", type=float, default=0.2,
                        help="share of originals mentioning watched entities")
    parser.add_argument("--watchlist-size", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--model", default="auto", help="spaCy pipeline (as WIREWATCH_MODEL)")
    parser.add_argument("--batch-size", type=int, default=32,
                        help="nlp.pipe batch of the bare reference (set WIREWATCH_BATCH_SIZE "
                             "for the workers)")
    parser.add_argument("--spacy-repeat", type=int, default=3,
                        help="passes of each in-process spaCy timing; the median counts")
    parser.add_argument("--repeat", type=int, default=1,
                        help="fresh end-to-end runs per throughput figure; the median counts")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--markdown", type=Path, help="write the markdown section here")
    parser.add_argument("--profile", type=Path,
                        help="also record one worker on the unique corpus with py-spy "
                             "(raw collapsed stacks written here)")
    parser.add_argument("--skip-two-workers", action="store_true")
    parser.add_argument("--spacy-processes", type=int,
                        help="WIREWATCH_SPACY_PROCESSES of every worker (default: the "
                             "worker's own, one per core)")
    args = parser.parse_args(argv)

    from agents.stack import redis_answers, start_tansu
    from streams.settings import Settings

    if args.profile and not PY_SPY.exists():
        sys.exit(f"--profile needs py-spy beside the interpreter: pip install py-spy ({PY_SPY})")

    host_port = args.redis_url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition("@")[2].partition(":")
    if not redis_answers(host, int(port or 6379)):
        sys.exit(f"no Redis answers at {host_port}")

    spec = dict(watched=args.watched, watchlist_size=args.watchlist_size, seed=args.seed)
    unique = generate(CorpusSpec(n=args.n, copies=0.0, **spec))
    copies = generate(CorpusSpec(n=args.n, copies=args.copies, **spec))
    warmup = generate(CorpusSpec(n=64, id_prefix="warmup", stream=1,
                                 **{**spec, "watched": 0.0}))
    work = Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    _, watchlist = write(unique, work / "corpus")
    report = Report(command=shlex.join(["python", "bench/run.py", *(argv or sys.argv[1:])]),
                    machine=machine(), args=vars(args), n_copies=copies.spec.n_copies)
    processes = args.spacy_processes or Settings().spacy_processes  # as the workers see it
    report.config = {"workers": 1, "spacy_processes": processes,
                     "batch_size": Settings().batch_size,
                     "partitions": args.partitions}

    print(f"-- bare spaCy over {args.n} articles", file=sys.stderr)
    ner = bare_ner(args.model)
    report.spacy, report.components = bare_spacy(ner, unique, args.model, watchlist,
                                                 args.batch_size, args.spacy_repeat)
    for r in report.spacy:
        print(f"   {r.label}: {r.rate:.1f}/s ({', '.join(r.pipes)})", file=sys.stderr)

    broker_proc, broker = start_tansu()
    stack = {"broker": broker, "redis_url": args.redis_url, "watchlist": watchlist,
             "partitions": args.partitions, "log_dir": work, "warmup": warmup,
             "ner": ner, "batch_size": args.batch_size, "broker_pid": broker_proc.pid,
             "env": ({"WIREWATCH_SPACY_PROCESSES": str(args.spacy_processes)}
                     if args.spacy_processes else {})}
    try:
        one = median_of(args.repeat, "unique, 1 worker", stack, unique, 1)
        report.runs.append(one)
        report.runs.append(median_of(args.repeat, f"{args.copies:.0%} copies, 1 worker", stack,
                                     copies, 1))
        if not args.skip_two_workers:
            report.runs.append(median_of(args.repeat, "unique, 2 workers", stack, unique, 2))
        report.runs.append(end_to_end("latency at half max rate", stack, unique, 1,
                                      rate=one.rate / 2, grace=3.0))
        if args.profile:
            spied = end_to_end("profile (py-spy attached)", stack, unique, 1,
                               profile=args.profile)
            report.profile = breakdown(args.profile, spied.profiled_s)
    finally:
        broker_proc.terminate()
        broker_proc.wait(timeout=10)
    print_table(report)
    if args.markdown:
        write_markdown(report, args.markdown)
        print(f"markdown written to {args.markdown}", file=sys.stderr)
    print(f"worker logs in {work}", file=sys.stderr)
    print(json.dumps(headline(report)), flush=True)  # the last line: for other tools
    return report


if __name__ == "__main__":
    main()
