"""Drive real ``wirewatch worker`` processes through their topics, and time what they do.

The harness knows the pipeline only from the outside: the CLI, the ``WIREWATCH_*`` env
vars and the topics. An article counts as processed when its outcome is visible: a
unique article on the enriched topic, a copy on the duplicates topic (both keyed by
article id). Alerts are matched to articles by ``article_id``.

Start-up is kept out of every timing: each worker is started, waits for its group
assignment (``Worker: Ready`` in its log), and then warm-up articles, one or more per
partition, go through it so the spaCy model is loaded and every stage has run once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.partitioner import murmur2

from agents.kafka import bootstrap_servers, ensure_topics
from streams.settings import TOPICS, Settings

ROOT = Path(__file__).resolve().parents[1]
READY = "[^Worker]: Ready"
REJOIN = "(Re-)joining group"


@dataclass
class RunResult:
    """What one end-to-end run measured."""

    name: str
    workers: int
    published: int
    processed: int
    duplicates: int
    elapsed_s: float
    unique_latency_s: list[float] = field(default_factory=list)
    enriched_latency_s: list[float] = field(default_factory=list)
    alert_latency_s: list[float] = field(default_factory=list)
    alerts: int = 0
    rate_target: float | None = None
    rebalanced: bool = False
    redis: dict[str, Any] = field(default_factory=dict)
    profiled_s: float = 0.0
    rates: list[float] = field(default_factory=list)
    """Rates of every repeat of this scenario, lowest first (this run is their median)."""
    reference_rate: float = 0.0
    """Bare spaCy NER articles/s, measured on the same corpus just before this run."""
    reference_cpu_s: float = 0.0
    """CPU seconds an article of that bare NER pass (NER's own cost, beside this run)."""
    ratios: list[float] = field(default_factory=list)
    """Each repeat's rate over its own reference, lowest first."""
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds spent while the corpus went through, by process kind."""
    rss: dict[str, int] = field(default_factory=dict)
    """Resident memory of a worker's processes once the corpus went through, bytes."""
    registered: int = 0
    """Articles that went through the run's Redis namespace (warm-up included)."""

    @property
    def rate(self) -> float:
        """Articles per second, first produce to last article processed."""
        return self.processed / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def ratio(self) -> float:
        """Rate over the adjacent reference: the median of the repeats' ratios when there
        are several, else this run's own."""
        if self.ratios:
            return self.ratios[len(self.ratios) // 2]
        return self.rate / self.reference_rate if self.reference_rate else 0.0


def partition_of(key: bytes, partitions: int) -> int:
    """The partition the default Kafka partitioner gives a key (as Faust and aiokafka do)."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class Run:
    """One fresh pipeline: own topics, consumer group and Redis namespace; N workers."""

    def __init__(self, name: str, broker: str, redis_url: str, watchlist: Path,
                 workers: int, partitions: int, log_dir: Path,
                 wrap: Sequence[str] = (), env: dict[str, str] | None = None) -> None:
        self.name, self.workers, self.partitions, self.wrap = name, workers, partitions, wrap
        self.tag = uuid.uuid4().hex[:8]
        self.namespace = f"wwbench:{self.tag}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("WIREWATCH_") or k in PASSTHROUGH}
        self.env.update({
            "PYTHONPATH": str(ROOT), "WIREWATCH_BROKER": broker,
            "WIREWATCH_REDIS_URL": redis_url, "WIREWATCH_WATCHLIST": str(watchlist),
            "WIREWATCH_APP_ID": f"wwbench-{self.tag}", "WIREWATCH_NAMESPACE": self.namespace,
            "WIREWATCH_PARTITIONS": str(partitions), **(env or {}),
        })
        for topic in TOPICS:
            self.env[f"WIREWATCH_TOPIC_{topic.upper()}"] = f"bench-{self.tag}.{topic}"
        self.settings = Settings(**{k[len("WIREWATCH_"):].lower(): v for k, v in self.env.items()
                                    if k.startswith("WIREWATCH_")})
        self.logs = [log_dir / f"{name}-{self.tag}-worker{i}.log" for i in range(workers)]
        self.procs: list[subprocess.Popen] = []
        self.redis = redis.Redis.from_url(redis_url)
        self.published = 0

    # -- lifecycle ---------------------------------------------------------------------

    def start(self, timeout: float = 180) -> None:
        """Create the topics, start the workers, wait until each has its partitions."""
        asyncio.run(ensure_topics(self.settings, self.settings.topic_names()))
        for log in self.logs:
            argv = [*self.wrap, sys.executable, "-m", "agents.cli", "worker", "--loglevel", "info"]
            self.procs.append(subprocess.Popen(argv, cwd=ROOT, env=self.env,
                                               stdout=log.open("wb"), stderr=subprocess.STDOUT))
        deadline = time.monotonic() + timeout
        while not all(READY in log.read_text(errors="replace") for log in self.logs):
            for proc, log in zip(self.procs, self.logs, strict=True):
                if proc.poll() is not None:
                    raise RuntimeError(f"worker exited early; see {log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"workers not ready after {timeout}s; see {self.logs}")
            time.sleep(0.2)

    def rejoins(self) -> int:
        """Group (re-)joins so far, summed over workers: a change means a rebalance."""
        return sum(log.read_text(errors="replace").count(REJOIN) for log in self.logs)

    def stop(self) -> None:
        """Stop the workers and delete every Redis key of the run."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        keys = list(self.redis.scan_iter(match=f"{self.namespace}:*", count=1000))
        for i in range(0, len(keys), 500):
            self.redis.unlink(*keys[i:i + 500])

    # -- Redis -------------------------------------------------------------------------

    def redis_usage(self) -> dict[str, Any]:
        """``MEMORY USAGE`` (all nested values sampled) of the run's keys, by kind."""
        usage: dict[str, dict[str, int]] = {}
        prefix = len(self.namespace) + 1
        for key in self.redis.scan_iter(match=f"{self.namespace}:*", count=1000):
            kind = key.decode()[prefix:].split(":", 1)[0]
            entry = usage.setdefault(kind, {"keys": 0, "bytes": 0})
            entry["keys"] += 1
            entry["bytes"] += self.redis.memory_usage(key, samples=0) or 0
        return usage

    # -- measuring ---------------------------------------------------------------------

    def warm_up(self, articles: list[dict[str, Any]], per_partition: int = 2) -> None:
        """Send warm-up articles until each partition has had ``per_partition``."""
        counts = [0] * self.partitions
        chosen = []
        for article in articles:
            p = partition_of(article["id"].encode(), self.partitions)
            if counts[p] < per_partition:
                counts[p] += 1
                chosen.append(article)
            if min(counts) >= per_partition:
                break
        asyncio.run(self._measure("warm-up", chosen, None, timeout=300, grace=0.0))

    def measure(self, articles: list[dict[str, Any]], rate: float | None = None,
                timeout: float | None = None, grace: float = 0.0,
                broker_pid: int | None = None) -> RunResult:
        """Publish ``articles`` (as fast as possible, or paced at ``rate``/s) and time them,
        and what each process spent on them (the broker's too, given its pid)."""
        before = self.rejoins()
        budget = timeout or 120 + 2.0 * len(articles)
        cpu_before = self.cpu_seconds(broker_pid)
        result = asyncio.run(self._measure(self.name, articles, rate, budget, grace))
        cpu_after = self.cpu_seconds(broker_pid)
        result.cpu = {kind: cpu_after[kind] - cpu_before.get(kind, 0.0) for kind in cpu_after}
        result.rss = self.rss_bytes()
        result.rebalanced = self.rejoins() != before
        result.registered = self.published
        return result

    def rss_bytes(self) -> dict[str, int]:
        """Resident memory of the first worker and of its spaCy processes."""
        worker = self.procs[0].pid
        children = [pid for pid, parent in _parents().items() if parent == worker]
        return {"worker process": _rss(worker),
                "spaCy process": sum(_rss(pid) for pid in children)}

    def cpu_seconds(self, broker_pid: int | None = None) -> dict[str, float]:
        """CPU seconds so far of the workers, their spaCy processes, the broker, Redis
        (from ``INFO cpu``) and this process (the load generator and observer)."""
        workers = {p.pid for p in self.procs}
        children = [pid for pid, parent in _parents().items() if parent in workers]
        info = self.redis.info("cpu")
        totals = {"worker process": sum(_cpu(pid) for pid in workers),
                  "spaCy process": sum(_cpu(pid) for pid in children),
                  "Redis": float(info["used_cpu_user"]) + float(info["used_cpu_sys"]),
                  "load generator": sum(os.times()[:2])}
        if broker_pid is not None:
            totals["broker"] = _cpu(broker_pid)
        return totals

    async def _measure(self, name: str, articles: list[dict[str, Any]], rate: float | None,
                       timeout: float, grace: float) -> RunResult:
        s = self.settings
        watch = {s.topic_enriched: "enriched", s.topic_duplicates: "duplicate",
                 s.topic_alerts: "alert", s.topic_unique: "unique"}
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers(s.broker or ""),
                                    enable_auto_commit=False, fetch_max_wait_ms=50)
        await consumer.start()
        tps = [TopicPartition(t, p) for t in watch for p in range(self.partitions)]
        consumer.assign(tps)
        await consumer.seek_to_end(*tps)  # only this measurement's messages count
        for tp in tps:
            await consumer.position(tp)
        ids = {a["id"] for a in articles}
        sent: dict[str, float] = {}
        done: dict[str, tuple[str, float]] = {}
        alerts: list[tuple[str, float]] = []
        passed_dedup: dict[str, float] = {}
        finished = asyncio.Event()

        async def observe() -> None:
            while True:
                batch = await consumer.getmany(timeout_ms=100)
                now = time.perf_counter()
                for tp, records in batch.items():
                    kind = watch[tp.topic]
                    for record in records:
                        if kind == "alert":
                            alerts.append((orjson.loads(record.value)["article_id"], now))
                            continue
                        article_id = record.key.decode() if record.key else ""
                        if kind == "unique":
                            passed_dedup.setdefault(article_id, now)
                        elif article_id in ids and article_id not in done:
                            done[article_id] = (kind, now)
                if len(done) == len(ids):
                    finished.set()

        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(s.broker or ""),
                                    linger_ms=5, acks="all")
        await producer.start()
        reader = asyncio.create_task(observe())
        try:
            start = time.perf_counter()
            futures = []
            for i, article in enumerate(articles):
                if rate:
                    delay = start + i / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                sent[article["id"]] = time.perf_counter()
                self.published += 1
                futures.append(await producer.send(
                    s.topic_articles, key=article["id"].encode(),
                    value=orjson.dumps(article)))
            await asyncio.gather(*futures)
            deadline = time.perf_counter() + timeout
            while not finished.is_set():
                if any(proc.poll() is not None for proc in self.procs):
                    raise RuntimeError(f"{name}: a worker exited; see {self.logs}")
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{name}: {len(done)}/{len(ids)} processed after "
                                       f"{timeout:.0f}s; worker logs: {self.logs}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(finished.wait(), timeout=0.5)
            await asyncio.sleep(grace)  # late alerts of the last articles
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            await producer.stop()
            await consumer.stop()
        end = max(t for _, t in done.values())
        enriched = [t - sent[i] for i, (kind, t) in done.items() if kind == "enriched"]
        matched = [t - sent[i] for i, t in alerts if i in sent]
        return RunResult(
            name=name, workers=self.workers, published=len(articles), processed=len(done),
            duplicates=sum(kind == "duplicate" for kind, _ in done.values()),
            elapsed_s=end - start, enriched_latency_s=sorted(enriched),
            unique_latency_s=sorted(t - sent[i] for i, t in passed_dedup.items() if i in sent),
            alert_latency_s=sorted(matched), alerts=len(matched), rate_target=rate,
        )


# Tuning knobs a user may set for a whole benchmark run; everything else is per run.
PASSTHROUGH = {"WIREWATCH_BATCH_SIZE", "WIREWATCH_BATCH_WITHIN", "WIREWATCH_MODEL",
               "WIREWATCH_FETCH_MAX_WAIT", "WIREWATCH_SPACY_PROCESSES",
               "WIREWATCH_DEDUP_THRESHOLD", "WIREWATCH_DEDUP_NUM_PERM", "WIREWATCH_DEDUP_BANDS",
               "WIREWATCH_DEDUP_SHINGLE"}


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str]:
    """Fields of /proc/PID/stat after the command name (Linux; the field numbers of
    proc(5) minus 3)."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
        return f.read().rsplit(")", 1)[1].split()


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a live process, all its threads."""
    try:
        fields = _stat(pid)
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _rss(pid: int) -> int:
    """Resident set size of a live process, bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                parents[int(entry)] = int(_stat(entry)[1])
    return parents


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted values; None when there are none."""
    if not values:
        return None
    rank = max(1, min(len(values), math.ceil(q / 100 * len(values))))
    return values[rank - 1]
