"""The benchmark's figures as a terminal table and as a markdown section.

Every throughput figure is also given as a ratio to bare spaCy NER on the same corpus
and model, because the ratio is what carries over to another machine; the absolute
rates are for sizing a deployment on hardware like the one described.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.harness import RunResult, percentile
from bench.pyspy import SPACY, WORKER, Breakdown

ENTITY_PIPELINE = "spaCy, a worker's spaCy process"


class CpuRounds:
    """CPU an article of labelled pieces of work that take turns, round by round, in one
    process (so that the host's drift favours none); reported as medians over rounds."""

    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.spent: dict[str, list[float]] = {}

    def timed(self, label: str, work: Callable[..., Any], *on: Any) -> Any:
        """Run ``work(*on)``, add its ``process_time`` an article to ``label``'s rounds."""
        start = time.process_time()
        out = work(*on)
        ms = 1000 * (time.process_time() - start) / self.articles
        self.spent.setdefault(label, []).append(ms)
        return out

    def report(self) -> dict[str, float]:
        """Print each label's median and rounds; the medians by label."""
        medians = {label: statistics.median(v) for label, v in self.spent.items()}
        for label, v in self.spent.items():
            print(f"{label}: {medians[label]:.2f} ms an article "
                  f"(rounds: {', '.join(f'{x:.2f}' for x in v)})")
        return medians


@dataclass(frozen=True)
class SpacyResult:
    """``nlp.pipe`` over the corpus in one process."""

    label: str
    pipes: list[str]
    articles: int
    elapsed_s: float
    entities: int

    @property
    def rate(self) -> float:
        return self.articles / self.elapsed_s


@dataclass
class Report:
    command: str
    machine: dict[str, str]
    args: dict[str, Any]
    n_copies: int
    spacy: list[SpacyResult] = field(default_factory=list)
    runs: list[RunResult] = field(default_factory=list)
    components: list[tuple[str, float]] = field(default_factory=list)
    profile: Breakdown | None = None
    config: dict[str, Any] = field(default_factory=dict)
    """What the workers ran with (workers, spaCy processes each, batch, partitions)."""

    def run(self, prefix: str) -> RunResult | None:
        return next((r for r in self.runs if r.name.startswith(prefix)), None)


def non_ner_share(run: RunResult) -> float | None:
    """CPU an article of everything but NER (all processes of the run, broker, Redis and
    load generator included, minus the bare NER pass's own CPU an article measured
    beside it) over NER's own: the work a deployment pays on top of NER."""
    if not (run.cpu and run.processed and run.reference_cpu_s):
        return None
    per_article = sum(run.cpu.values()) / run.processed
    return (per_article - run.reference_cpu_s) / run.reference_cpu_s


def headline(report: Report) -> dict[str, Any]:
    """The figures other tools read (``bench/run.py`` prints them as its last line):
    throughput ratios to bare single-process NER beside each run, the non-NER CPU share
    of the unique run, p99 produce -> alert at half the maximum rate, one worker's
    memory, and the configuration they were measured with; None where not measured."""
    one = report.run("unique, 1 worker")
    copies = next((r for r in report.runs if "copies" in r.name), None)
    two, lat = report.run("unique, 2 workers"), report.run("latency")
    p99 = percentile(lat.alert_latency_s, 99) if lat else None
    share = non_ner_share(one) if one else None

    def ratio(r: RunResult | None) -> float | None:
        return round(r.ratio, 3) if r and r.reference_rate else None

    return {"unique_ratio": ratio(one), "copies_ratio": ratio(copies),
            "two_workers_ratio": ratio(two),
            "non_ner_cpu_share": None if share is None else round(share, 3),
            "p99_alert_ms": None if p99 is None else round(p99 * 1000),
            "worker_rss_mb": round(sum(one.rss.values()) / 2**20) if one and one.rss else None,
            "config": report.config}


def machine() -> dict[str, str]:
    """Cores, CPU model, load, Python and spaCy versions: what the figures depend on."""
    import spacy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cores": str(os.cpu_count()), "cpu": cpu, "load average at start": load,
            "python": platform.python_version(), "spacy": spacy.__version__,
            "platform": platform.platform(), "date": datetime.now(UTC).strftime("%Y-%m-%d")}


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def _rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(measurement, figure, ratio, goal) for every figure of the report."""
    ref = report.spacy[0].rate if report.spacy else None
    rows = []
    for s in report.spacy:
        rows.append((f"{s.label} ({' + '.join(s.pipes)})", f"{s.rate:.1f} articles/s",
                     f"{s.rate / ref:.2f}x" if ref else "", "reference" if s is report.spacy[0]
                     else ""))
    one = report.run("unique, 1 worker")
    own = next((s.rate for s in report.spacy if s.label == ENTITY_PIPELINE), None)
    for r in report.runs:
        if r.rate_target:
            continue
        note = " (rebalanced during run)" if r.rebalanced else ""
        ratio, goal = "", ""
        if r.reference_rate:
            ratio = f"{r.ratio:.2f}x bare NER beside it"
            if len(r.ratios) > 1:
                ratio += f" (runs: {', '.join(f'{x:.2f}' for x in r.ratios)})"
        if r.name == "unique, 1 worker" and r.reference_rate:
            goal = f">= 1.7x: {'met' if r.ratio >= 1.7 else 'NOT met'}"
            if own:
                ratio += f"; {r.rate / own:.2f}x its spaCy process's pipeline in-process"
        if "copies" in r.name:
            note += f"; {r.duplicates}/{report.n_copies} copies dropped as duplicates"
            if r.reference_rate:
                goal = f">= 3.2x: {'met' if r.ratio >= 3.2 else 'NOT met'}"
        if r.workers == 2 and one and one.ratio:
            scale = r.ratio / one.ratio
            ratio += f"; {scale:.2f}x 1 worker ({r.rate / one.rate:.2f}x in raw rates)"
        figure = f"{r.rate:.1f} articles/s"
        if len(r.rates) > 1:
            figure += f" (median of {len(r.rates)}: {r.rates[0]:.1f}–{r.rates[-1]:.1f})"
        rows.append((r.name + note, figure, ratio, goal))
    for r in (one, report.run("unique, 2 workers")):
        if r and r.cpu and r.processed:
            per = {kind: 1000 * seconds / r.processed for kind, seconds in r.cpu.items()}
            cores = sum(r.cpu.values()) / r.elapsed_s
            rows.append((f"CPU an article, {r.name}",
                         f"{sum(per.values()):.0f} ms in all, {cores:.2f} cores busy",
                         ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in per.items()), ""))
            share = non_ner_share(r)
            if share is not None:
                ner = 1000 * r.reference_cpu_s
                outside = sum(ms for kind, ms in per.items() if kind != SPACY)
                rows.append((f"CPU an article besides NER, {r.name}",
                             f"{sum(per.values()) - ner:.1f} ms: {share:.0%} of NER's own "
                             f"({ner:.1f} ms, bare pass beside it)",
                             f"outside the spaCy processes {outside:.1f} ms "
                             f"({outside / ner:.0%} of NER's own)",
                             "<= 20%: " + ("met" if share <= 0.2 else "NOT met")
                             if r is one else ""))
    if one and one.rss:
        processes = report.config.get("spacy_processes", 1)
        single = (one.rss.get(WORKER, 0) + one.rss.get(SPACY, 0) / processes) / 2**20
        rows.append((f"memory of a worker after the unique run (RSS, {processes} spaCy "
                     "process(es))", f"{sum(one.rss.values()) / 2**20:.0f} MB",
                     ", ".join(f"{kind}(es) {b / 2**20:.0f} MB" for kind, b in one.rss.items())
                     + f"; with one spaCy process {single:.0f} MB",
                     f"<= 450 MB with one: {'met' if single <= 450 else 'NOT met'}"))
    lat = report.run("latency")
    if lat:
        p99 = percentile(lat.alert_latency_s, 99)
        rows.append((f"produce -> enriched at {lat.rate_target:.1f}/s (achieved {lat.rate:.1f}/s)",
                     f"p50 {_ms(percentile(lat.enriched_latency_s, 50))}, "
                     f"p99 {_ms(percentile(lat.enriched_latency_s, 99))}", "", ""))
        rows.append((f"produce -> alert ({lat.alerts} alerts)",
                     f"p50 {_ms(percentile(lat.alert_latency_s, 50))}, p99 {_ms(p99)}", "",
                     "p99 < 500 ms: " + ("no alerts" if p99 is None else
                                         "met" if p99 < 0.5 else "NOT met")))
    if one and one.redis:
        dedup = one.redis.get("dedup", {"keys": 0, "bytes": 0})
        per_article = dedup["bytes"] / one.registered
        rows.append((f"Redis dedup state ({dedup['keys']} keys, unique run)",
                     f"{per_article:.0f} B/article", "",
                     f"< 2 KB: {'met' if per_article < 2048 else 'NOT met'}"))
        prof = one.redis.get("profile")
        if prof:
            rows.append((f"Redis entity profiles ({prof['keys']} profiles)",
                         f"{prof['bytes'] / prof['keys']:.0f} B/profile", "", ""))
        for kind, entry in sorted(one.redis.items()):
            if kind not in ("dedup", "profile"):
                rows.append((f"Redis '{kind}' keys ({entry['keys']})",
                             f"{entry['bytes'] / one.registered:.0f} B/article", "", ""))
    return rows


def print_table(report: Report) -> None:
    table = Table(title=f"wirewatch benchmark, N={report.args['n']}")
    for column in ("measurement", "figure", "ratio", "goal"):
        table.add_column(column)
    for row in _rows(report):
        table.add_row(*row)
    Console(stderr=True, width=160).print(table)


def write_markdown(report: Report, path: Path) -> None:
    a = report.args
    lines = [
        "## Performance", "",
        f"Reproduce: `{report.command}`", "",
        f"Corpus (`bench/corpus.py`, seed {a['seed']}): {a['n']} articles of 400–800 words; "
        f"the copies corpus has {report.n_copies} syndicated copies ({a['copies']:.0%}); "
        f"{a['watched']:.0%} of originals mention entities of a {a['watchlist_size']}-name "
        f"watchlist. Broker: embedded Tansu; Redis: {a['redis_url'].split('@')[-1]}; "
        f"{a['partitions']} partitions per topic. In-process spaCy rates are the median of "
        f"{a['spacy_repeat']} passes; each end-to-end throughput figure is the median of "
        f"{a['repeat']} fresh run(s), each after a warm-up and each compared with a bare "
        "NER pass over the same corpus run just before it in the benchmark's process (the "
        "workers idle), so that a ratio is of figures taken a minute apart, not a drift "
        "apart.", "",
        "| measurement | figure | ratio | goal |", "|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in _rows(report)), "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in report.machine.items()) + ".", "",
    ]
    if report.components:
        total = sum(seconds for _, seconds in report.components)
        lines += ["Cost of each spaCy component of a worker's spaCy process (in-process, "
                  f"{a['n']} articles, batch {a['batch_size']}):", ""]
        lines += [f"- `{name}`: {seconds / a['n'] * 1000:.1f} ms/article "
                  f"({100 * seconds / total:.0f}%)" for name, seconds in report.components]
        lines.append("")
    if report.profile:
        p = report.profile
        lines += ["### Where the time goes", "",
                  f"One worker on the unique corpus, py-spy at 100 Hz over {p.wall_s:.1f} s "
                  f"({p.total} samples of threads on CPU; the spaCy process was on CPU "
                  f"{p.busy(SPACY):.0f}% of the run, the worker process's threads "
                  f"{p.busy(WORKER):.0f}%):", ""]
        lines += [f"- {name}: {p.share(count):.1f}%" for name, count in p.layers]
        for process, layers in p.process_layers.items():
            own = sum(count for _, count in layers)
            lines += ["", f"Within the {process} ({own} samples):", ""]
            lines += [f"- {name}: {100 * count / own:.1f}%" for name, count in layers]
        lines += ["", "Hottest functions (self time):", ""]
        lines += [f"- `{name}`: {p.share(count):.1f}%" for name, count in p.leaves]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
