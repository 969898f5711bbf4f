"""The benchmark's headline line: the shape other tools read, and what it is made of."""

from __future__ import annotations

import json

from bench.harness import RunResult
from bench.report import Report, headline, non_ner_share

KEYS = {"unique_ratio", "copies_ratio", "two_workers_ratio", "non_ner_cpu_share",
        "p99_alert_ms", "worker_rss_mb", "config"}


def run(name: str, workers: int = 1, **kwargs) -> RunResult:
    return RunResult(name=name, workers=workers, published=100, processed=100,
                     duplicates=0, elapsed_s=5.0, **kwargs)


def report(runs: list[RunResult]) -> Report:
    return Report(command="python bench/run.py", machine={}, args={}, n_copies=50, runs=runs,
                  config={"workers": 1, "spacy_processes": 2})


def test_headline_is_one_json_line_of_the_headline_figures() -> None:
    one = run("unique, 1 worker", reference_rate=12.5, reference_cpu_s=0.040,
              cpu={"worker process": 0.5, "spaCy process": 4.2, "broker": 0.3},
              rss={"worker process": 300 * 2**20, "spaCy process": 320 * 2**20})
    copies = run("50% copies, 1 worker", reference_rate=10.0)
    two = run("unique, 2 workers", 2, reference_rate=20.0)
    latency = run("latency at half max rate", rate_target=10.0,
                  alert_latency_s=[0.1 * i for i in range(1, 11)])
    line = json.dumps(headline(report([one, copies, two, latency])))
    assert "\n" not in line
    figures = json.loads(line)
    assert set(figures) == KEYS
    assert figures["unique_ratio"] == 1.6  # 20/s over 12.5/s beside it
    assert (figures["copies_ratio"], figures["two_workers_ratio"]) == (2.0, 1.0)
    assert figures["non_ner_cpu_share"] == 0.25  # 50 ms an article over NER's own 40
    assert figures["p99_alert_ms"] == 1000
    assert figures["worker_rss_mb"] == 620
    assert figures["config"] == {"workers": 1, "spacy_processes": 2}


def test_what_was_not_measured_is_null_not_zero() -> None:
    figures = headline(report([run("unique, 1 worker")]))
    assert set(figures) == KEYS
    assert figures["unique_ratio"] is None and figures["p99_alert_ms"] is None
    assert non_ner_share(run("unique, 1 worker", cpu={"worker process": 1.0})) is None
