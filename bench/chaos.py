"""Chaos bench: the faults of "Nothing lost, ever", each against real ``wirewatch worker``
processes, a real Tansu broker and a private redis-server, and one table of the outcome.

    python -m bench.chaos            # every fault; about three minutes
    python -m bench.chaos oversized  # some of them, by name

Every run has its own topics, consumer group and Redis namespace. Each watched article
is about a person of its own (invented names), so it must produce exactly one alert,
``new_entity``, whose id is known in advance (``streams.alerts.alert_id``): **lost** is
an expected alert never seen on the alerts topic, **doubled** an alert id seen more than
once. **recover s** is from the fault to the last expected alert; **stop s** is how long
the workers took to exit on SIGTERM at the end. The Redis server is started here, on a
free port, never a shared one; the broker too, unless ``--broker`` names one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from agents.stack import free_port, start_tansu, wait_for_port
from bench.tail import TopicTail
from streams.alerts import alert_id
from streams.settings import Settings
from streams.watchlist import load_watchlist

TOPICS = ("articles", "alerts", "dead_letter", "unique", "enriched", "entity_claims",
          "duplicates")
FIRST = ["Aren", "Belka", "Corvin", "Dalia", "Edrik", "Fenna", "Gorran", "Helka", "Jesra",
         "Kolm", "Lirra"]
# Names that once broke the key space: the id of "Names" was the profile name index's
# key; a Cyrillic name got the id of its transliteration (a watchlist holding both is
# now refused at load, which the integration tests check).
COLLIDING = ["Names", "Павел Волков"]
LAST = ["Marrow", "Vandel", "Oskari", "Tiernan", "Lusk", "Brevik", "Calder", "Dunmore",
        "Easterly", "Fallow", "Grisham", "Holloway", "Ingram", "Jessop", "Kettering"]
PLACES = ["Karsk", "Drava", "Port Alder", "Osterby", "Lanmoor", "Vesk"]
FILLER = ["The {adj} talks over the {noun} went on in {place}.",
          "Residents of {place} reported {adj} queues at the {noun}.",
          "A spokesman said the {noun} would stay {adj} until further notice.",
          "Trucks carrying {noun} supplies reached {place} after a {adj} delay.",
          "The council in {place} voted on the {noun} budget in a {adj} session.",
          "Observers described the mood around the {noun} as {adj}."]
ADJ = ["tense", "long", "quiet", "uncertain", "crowded", "brief", "cautious", "heated"]
NOUN = ["bridge", "water", "grain", "school", "clinic", "power", "rail", "fuel", "border"]
OVERSIZED_BYTES = 50 << 20  # Tansu takes it; the producer is told so (max_request_size)


def people() -> list[str]:
    """Every invented name, each a watched person of its own."""
    return [f"{first} {last}" for last in LAST for first in FIRST]


def article(person: str, i: int, tag: str) -> dict[str, str]:
    """A short wire story about ``person`` alone, its filler drawn at random (seeded) so
    that no two stories are near-duplicates for dedup."""
    rng = random.Random(f"{tag}-{i}-{person}")
    place = rng.choice(PLACES)
    filler = [rng.choice(FILLER).format(adj=rng.choice(ADJ), noun=rng.choice(NOUN),
                                        place=rng.choice(PLACES)) for _ in range(6)]
    body = " ".join([f"{person} was seized by gunmen near {place} on Monday, officials "
                     "said.", *filler, f"Story {tag}-{i} was filed from {place}."])
    return {"id": f"{tag}-{i:03d}", "source": "Northwire",
            "published_at": f"2026-05-{1 + i % 28:02d}T10:00:00Z", "body": body}


def encode(a: dict[str, str]) -> tuple[bytes, bytes]:
    return a["id"].encode(), orjson.dumps(a)


def bad_inputs() -> list[tuple[bytes, bytes, str]]:
    """``(key, value, reason)`` of messages that can never be processed."""
    ok = {"id": "x", "source": "Northwire", "body": "Text."}
    return [
        (b"b1", b"{not json", "not_json"),
        (b"b2", b"[1, 2]", "not_object"),
        (b"b3", b'"a string"', "not_object"),
        (b"b4", orjson.dumps({"source": "Northwire", "body": "No id."}), "missing_field"),
        (b"b5", orjson.dumps({"id": "b5", "source": "Northwire"}), "missing_field"),
        (b"b6", orjson.dumps({**ok, "id": "b6", "body": 42}), "wrong_type"),
        (b"b7", b'{"id": "b7", "body": "\xff\xfe"}', "invalid_utf8"),
        (b"b8", orjson.dumps({**ok, "id": "b8", "body": "   "}), "empty_body"),
        (b"b9", orjson.dumps({**ok, "id": "b9", "body": "\u200f\u200b\ufeff\u200e"}),
         "empty_body"),
        (b"b10", orjson.dumps({**ok, "id": "b10\x1fsplit", "body": "Daniel went home."}),
         "bad_id"),
        (b"b11", orjson.dumps({**ok, "id": "b11", "body": "\U0001F600\U0001F44D \u2764"}),
         "empty_body"),
    ]


def poison(names: list[str]) -> list[dict[str, str]]:
    """Articles that once crashed ``extract`` on every restart: a relative date far out
    of range, "yesterday" in year 1, and a 250 KB article of thousands of sentences
    about one watched name."""
    a, b, c = names
    sentence = f"{c} was seen in Vesk on day 1000."
    many = 245_000 // (len(sentence) + 1)  # thousands, and under the 256 KB body limit
    return [
        {**article(a, 0, "poison"), "body": f"{a} was kidnapped 1000000 days ago in Karsk."},
        {**article(b, 1, "poison"), "published_at": "0001-01-01T00:00:00Z",
         "body": f"{b} was released yesterday in Drava, officials said."},
        {**article(c, 2, "poison"),
         "body": " ".join(f"{c} was seen in Vesk on day {1000 + i}." for i in range(many))},
    ]


@dataclass
class Row:
    """One line of the table, and what the checks need beyond it."""

    fault: str
    messages_in: int
    expected: set[str]
    seen: Counter = field(default_factory=Counter)
    dead_letters: list[dict] = field(default_factory=list)
    recover_s: float = 0.0
    stop_s: float = 0.0
    problem: str | None = None

    @property
    def lost(self) -> int:
        return len(self.expected - set(self.seen))

    @property
    def doubled(self) -> int:
        return sum(1 for n in self.seen.values() if n > 1)

    def cells(self) -> list[str]:
        return [self.fault, str(self.messages_in), str(len(self.expected)),
                str(len(set(self.seen) & self.expected)), str(self.lost), str(self.doubled),
                str(len(self.dead_letters)), f"{self.recover_s:.1f}", f"{self.stop_s:.1f}"]


HEADER = ["fault", "messages in", "alerts expected", "alerts seen", "lost", "doubled",
          "dead letters", "recover s", "stop s"]


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table, and the dead letters of each by reason and stage."""
    lines = [HEADER, ["---"] * len(HEADER), *(r.cells() for r in rows)]
    out = ["| " + " | ".join(cells) + " |" for cells in lines]
    for r in rows:
        reasons = Counter(f"{d['reason']}@{d['stage']}"
                          + (f" ({d['error_type']})" if d.get("error_type") else "")
                          for d in r.dead_letters)
        if reasons:
            out.append(f"\n{r.fault}: " + ", ".join(f"{k} {n}" for k, n in sorted(
                reasons.items())))
    return "\n".join(out)


class PrivateRedis:
    """A redis-server of this bench alone on a free port, with an AOF synced on every
    write, so that killing and starting it again keeps what it acknowledged."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not on PATH")
        self.port = free_port()
        self.argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                     str(folder), "--save", "", "--appendonly", "yes",
                     "--appendfsync", "always"]
        self.proc: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_for_port("127.0.0.1", self.port, timeout=10, proc=self.proc)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Lab:
    """A broker and a Redis, and the runs of the faults on them."""

    def __init__(self, broker: str, redis: PrivateRedis, folder: Path) -> None:
        self.broker, self.redis, self.folder = broker, redis, folder
        names = people()
        self.watchlist = folder / "watchlist.yaml"
        self.watchlist.write_bytes(orjson.dumps(
            {"entities": [{"name": n, "kind": "hostage"} for n in [*names, *COLLIDING]]}))
        self.ids = {e.name: e.id for e in load_watchlist(self.watchlist)}
        self._names = iter(names)

    def names(self, n: int) -> list[str]:
        """``n`` watched people no run has used yet."""
        return [next(self._names) for _ in range(n)]

    def env(self, broker: str | None = None) -> dict[str, str]:
        run = uuid.uuid4().hex[:8]
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
        env.update({"WIREWATCH_BROKER": broker or self.broker,
                    "WIREWATCH_REDIS_URL": self.redis.url,
                    "WIREWATCH_WATCHLIST": str(self.watchlist),
                    "WIREWATCH_APP_ID": f"wirewatch-chaos-{run}",
                    "WIREWATCH_NAMESPACE": f"chaos:{run}", "WIREWATCH_PARTITIONS": "2",
                    "WIREWATCH_SESSION_TIMEOUT": "6",
                    "WIREWATCH_DATA_DIR": str(self.folder / run)})
        env.update({f"WIREWATCH_TOPIC_{t.upper()}": f"c{run}.{t}" for t in TOPICS})
        return env

    def worker(self, env: dict[str, str], name: str) -> subprocess.Popen:
        log = open(self.folder / f"{env['WIREWATCH_APP_ID']}-{name}.log", "ab")  # noqa: SIM115
        return subprocess.Popen([sys.executable, "-m", "agents.cli", "worker", "--loglevel",
                                 "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)


def settings_of(env: dict[str, str]) -> Settings:
    return Settings.model_validate({k.removeprefix("WIREWATCH_").lower(): v
                                    for k, v in env.items() if k.startswith("WIREWATCH_")})


def tail(env: dict[str, str]) -> TopicTail:
    return TopicTail(settings_of(env), {t: env[f"WIREWATCH_TOPIC_{t.upper()}"] for t in TOPICS})


def publish(env: dict[str, str], messages: list[tuple[bytes, bytes]],
            partition: int | None = None) -> None:
    """Send ``(key, value)`` pairs and wait for the broker to have them; the producer
    may send requests as large as the oversized input."""
    from aiokafka import AIOKafkaProducer

    from agents.kafka import client_options, ensure_topics

    settings = settings_of(env)

    async def send() -> None:
        await ensure_topics(settings, settings.topic_names())
        producer = AIOKafkaProducer(**client_options(settings), acks="all", linger_ms=5,
                                    max_request_size=OVERSIZED_BYTES + (1 << 20))
        await producer.start()
        try:
            futures = [await producer.send(settings.topic_articles, value=v, key=k,
                                           partition=partition) for k, v in messages]
            await asyncio.gather(*futures)
        finally:
            await producer.stop()

    asyncio.run(send())


def expected_alerts(lab: Lab, names: list[str]) -> set[str]:
    """The ``new_entity`` alert ids of these watched people."""
    return {alert_id(lab.ids[n], "new_entity", None, None) for n in names}


def stop(workers: list[subprocess.Popen]) -> float:
    """SIGTERM every live worker; the seconds until the last one exited."""
    started = time.monotonic()
    live = [w for w in workers if w.poll() is None]
    for w in live:
        w.send_signal(signal.SIGTERM)
    for w in live:
        try:
            w.wait(timeout=30)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()
    return time.monotonic() - started


@contextmanager
def running(lab: Lab, env: dict[str, str], n: int = 1) -> Iterator[list[subprocess.Popen]]:
    """``n`` workers on ``env``, stopped (and timed) on leaving."""
    workers = [lab.worker(env, f"w{i}") for i in range(n)]
    try:
        yield workers
    finally:
        stop(workers)


def settle(row: Row, tails: list[TopicTail], workers: list[subprocess.Popen],
           dead_letters: int, since: float, timeout: float = 180) -> None:
    """Wait for every expected alert and dead letter; fill in what was seen."""
    def done() -> bool:
        seen = {a for t in tails for a in t.ids("alerts", "alert_id")}
        return row.expected <= seen and sum(len(t.values("dead_letter")) for t in tails) \
            >= dead_letters

    live = [w for w in workers if w.poll() is None]
    row.problem = tails[-1].wait(done, timeout, live[0] if len(live) == 1 else None)
    row.recover_s = time.monotonic() - since
    # whatever else arrives late (a doubled alert) has a moment to show
    tails[-1].wait(lambda: False, 2)
    row.stop_s = stop(workers)
    for t in tails:
        row.seen.update(t.ids("alerts", "alert_id"))
        row.dead_letters.extend(t.json("dead_letter"))
        t.close()


def bad_input_fault(lab: Lab) -> Row:
    names = lab.names(20)
    good = [encode(article(n, i, "bad")) for i, n in enumerate(names)]
    bad = [(k, v) for k, v, _ in bad_inputs()]
    mixed = [m for pair in zip(good, bad, strict=False) for m in pair] + good[len(bad):]
    env = lab.env()
    row = Row("bad inputs", len(mixed), expected_alerts(lab, names))
    t = tail(env)
    with running(lab, env) as workers:
        started = time.monotonic()
        publish(env, mixed)
        settle(row, [t], workers, len(bad), started)
    return row


def poison_fault(lab: Lab) -> Row:
    names = lab.names(12)
    articles = poison(names[:3]) + [article(n, i, "after") for i, n in enumerate(names)]
    env = lab.env()
    row = Row("poison articles", len(articles), expected_alerts(lab, names))
    t = tail(env)
    with running(lab, env) as workers:
        started = time.monotonic()
        publish(env, [encode(a) for a in articles])
        settle(row, [t], workers, 0, started)
    return row


def key_collision_fault(lab: Lab) -> Row:
    """Articles about the colliding names first, then about others."""
    names = lab.names(8)
    articles = [article(n, i, "keys") for i, n in enumerate([*COLLIDING, *names])]
    env = lab.env()
    row = Row("key collisions", len(articles), expected_alerts(lab, [*COLLIDING, *names]))
    t = tail(env)
    with running(lab, env) as workers:
        started = time.monotonic()
        publish(env, [encode(a) for a in articles], partition=0)
        settle(row, [t], workers, 0, started)
    return row


def oversized_fault(lab: Lab) -> Row:
    """A 50 MB message, then articles on the same partition."""
    names = lab.names(10)
    big = orjson.dumps({"id": "huge", "source": "Northwire",
                        "body": "wire copy " * (OVERSIZED_BYTES // 10)})
    messages = [(b"huge", big)] + [encode(article(n, i, "big")) for i, n in enumerate(names)]
    env = lab.env()
    row = Row("oversized input (50 MB)", len(messages), expected_alerts(lab, names))
    t = tail(env)
    with running(lab, env) as workers:
        started = time.monotonic()
        publish(env, messages, partition=0)
        settle(row, [t], workers, 1, started)
    return row


def killed_worker_fault(lab: Lab) -> Row:
    """Two workers; one is SIGKILLed once the first alerts are out."""
    names = lab.names(40)
    articles = [encode(article(n, i, "kill")) for i, n in enumerate(names)]
    env = lab.env()
    row = Row("SIGKILL of 1 of 2 workers", len(articles), expected_alerts(lab, names))
    t = tail(env)
    with running(lab, env, n=2) as workers:
        publish(env, articles[:20])
        t.wait(lambda: len(t.values("alerts")) >= 5, 180)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        killed = time.monotonic()
        publish(env, articles[20:])
        settle(row, [t], workers, 0, killed)
    return row


def redis_fault(lab: Lab) -> Row:
    """Redis SIGKILLed, down for 10 s, started again on its AOF."""
    names = lab.names(30)
    articles = [encode(article(n, i, "redis")) for i, n in enumerate(names)]
    env = lab.env()
    row = Row("Redis killed, back after 10 s", len(articles), expected_alerts(lab, names))
    t = tail(env)
    with running(lab, env) as workers:
        publish(env, articles[:10])
        t.wait(lambda: len(t.values("alerts")) >= 3, 180)
        lab.redis.kill()
        killed = time.monotonic()
        publish(env, articles[10:])
        time.sleep(max(0.0, 10 - (time.monotonic() - killed)))  # the outage lasts 10 s
        lab.redis.start()
        settle(row, [t], workers, 0, killed)
    return row


def broker_fault(lab: Lab) -> Row:
    """A broker of its own, restarted on memory storage: it comes back empty."""
    names = lab.names(20)
    articles = [encode(article(n, i, "broker")) for i, n in enumerate(names)]
    port = free_port()
    broker, url = start_tansu(port)
    env = lab.env(broker=url)
    row = Row("broker restarted empty", len(articles), expected_alerts(lab, names))
    before = tail(env)
    try:
        with running(lab, env) as workers:
            publish(env, articles[:10])
            before.wait(lambda: expected_alerts(lab, names[:10]) <= set(before.ids(
                "alerts", "alert_id")), 180)
            broker.terminate()
            broker.wait(timeout=10)
            before.close()  # it holds the old log; left open, it would read the new one too
            broker, _ = start_tansu(port)
            restarted = time.monotonic()
            after = tail(env)  # the first one's positions are past the new logs' ends
            publish(env, articles[10:])
            settle(row, [before, after], workers, 0, restarted)
    finally:
        broker.terminate()
        broker.wait(timeout=10)
    return row


FAULTS: dict[str, Callable[[Lab], Row]] = {
    "bad-input": bad_input_fault, "poison": poison_fault, "keys": key_collision_fault,
    "oversized": oversized_fault,
    "kill-worker": killed_worker_fault, "redis": redis_fault, "broker": broker_fault,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("faults", nargs="*", metavar="FAULT",
                        help=f"some of: {', '.join(FAULTS)} (default: all)")
    parser.add_argument("--broker", help="a Kafka URL to use instead of starting Tansu")
    args = parser.parse_args(argv)
    unknown = set(args.faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}; known: {', '.join(FAULTS)}")
    with tempfile.TemporaryDirectory(prefix="wirewatch-chaos-") as folder:
        redis = PrivateRedis(Path(folder))
        broker_proc, broker = (None, args.broker) if args.broker else start_tansu()
        try:
            lab = Lab(broker, redis, Path(folder))
            rows = []
            for name in args.faults or FAULTS:
                print(f"running {name} ...", file=sys.stderr, flush=True)
                rows.append(FAULTS[name](lab))
                if rows[-1].problem:
                    print(f"  {name}: {rows[-1].problem}", file=sys.stderr)
        finally:
            redis.kill()
            if broker_proc is not None:
                broker_proc.terminate()
                broker_proc.wait(timeout=10)
    print(table(rows))
    return 0 if all(r.lost == 0 and r.doubled == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
