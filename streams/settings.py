"""The one settings object: a frozen value, built once at the edge and passed down.

Every knob is an env var ``WIREWATCH_<NAME>``, read when ``Settings()`` is constructed
(the CLI, ``faust -A agents``, a test) and never at import; CLI flags and replay runs
derive a changed copy with :meth:`Settings.but`, so nothing global is ever rewritten.

Defaults run locally: with no ``WIREWATCH_BROKER`` the CLI starts an embedded Tansu
broker; with no ``WIREWATCH_REDIS_URL`` it uses 127.0.0.1:6379 if a server answers
there, else spawns one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
# Every topic of the pipeline, by the name of its setting (``topic_<name>``).
TOPICS = ("articles", "unique", "duplicates", "enriched", "entity_claims", "alerts",
          "dead_letter")


class Settings(BaseSettings):
    """wirewatch configuration (frozen: read once, passed around)."""

    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", frozen=True, extra="ignore")

    # Where things are.
    broker: str | None = Field(
        None, description="Kafka URL, e.g. kafka://127.0.0.1:9092; unset: embedded Tansu"
    )
    redis_url: SecretStr | None = Field(
        None, description="redis:// or rediss:// URL; unset: local or embedded"
    )
    watchlist: Path | None = Field(None, description="YAML watchlist file")
    app_id: str = Field("wirewatch", description="Faust app id = Kafka consumer group")
    namespace: str = Field(
        "wirewatch", description="prefix of every Redis key this deployment owns"
    )
    data_dir: Path | None = Field(
        None, description="Faust's data directory; unset: wirewatch-<app id> in the temp dir"
    )

    # Topics.
    topic_articles: str = "wirewatch.articles"
    topic_alerts: str = "wirewatch.alerts"
    topic_dead_letter: str = "wirewatch.dead-letter"
    topic_unique: str = "wirewatch.unique"
    topic_enriched: str = "wirewatch.enriched"
    topic_entity_claims: str = "wirewatch.entity-claims"
    topic_duplicates: str = "wirewatch.duplicates"
    partitions: int = Field(4, ge=1, description="partitions of every wirewatch topic")
    replication_factor: int = Field(1, ge=1, description="replication of topics wirewatch creates")

    # NLP.
    model: str = Field(
        "auto", description="spaCy pipeline name; auto: en_core_web_sm, else its PyPI copy"
    )
    batch_size: int = Field(32, ge=1, description="articles per nlp.pipe batch")
    batch_within: float = Field(0.05, gt=0, description="seconds to wait to fill a batch")
    # One per core this process may run on (a CPU quota of a container is not seen:
    # set it there), so one worker can keep every core busy with NER.
    spacy_processes: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)), ge=1,
        description="spaCy (NER) processes of one worker; default: one per usable core",
    )

    # Dedup.
    # Real syndicated copies (light edits, page furniture, cut elsewhere) share 45-65% of
    # the shorter text's word 5-shingles; rewrites of one event by other outlets stay
    # under 0.35, templated stories under 0.33. The threshold sits between; 128
    # permutations keep the overlap estimate's error near 0.05 at such low Jaccard.
    # Wide bands (16 rows) find close copies; single-row bands make a pair of Jaccard
    # 0.18 (45% of a text half the other's length) a candidate with probability
    # 1 - (1 - 0.18)**16 = 0.96. 24 band fields keep an original under 2 KB in Redis.
    dedup_threshold: float = Field(
        0.4, gt=0, le=1,
        description="estimated overlap (max of Jaccard and containment of the shorter text) "
                    "from which a copy is a duplicate"
    )
    dedup_num_perm: int = Field(128, ge=16, description="MinHash permutations")
    dedup_bands: int = Field(8, ge=1, description="LSH bands (num_perm must divide evenly)")
    dedup_single_bands: int = Field(
        16, ge=0, description="more LSH bands of one MinHash value each (low-overlap copies)")
    dedup_shingle: int = Field(5, ge=1, description="words per shingle")
    retention_days: float = Field(7.0, gt=0, description="how long dedup and registry keys live")

    # Input limits.
    max_body_bytes: int = Field(256 * 1024, ge=1, description="larger messages go to dead letter")

    # Kafka client.
    session_timeout: float = Field(10.0, gt=0, description="consumer session timeout, seconds")
    heartbeat_interval: float = Field(1.0, gt=0)
    fetch_max_wait: float = Field(
        0.1, gt=0,
        description="seconds a worker's fetch may wait at the broker for new messages; "
                    "Tansu waits this long on every fetch, so it bounds latency per hop",
    )

    # Kafka security: passed to Faust and to every aiokafka client wirewatch creates.
    kafka_security_protocol: str = Field(
        "PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"
    )
    kafka_sasl_mechanism: str = Field("PLAIN", description="PLAIN, SCRAM-SHA-256, SCRAM-SHA-512")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(None, description="CA bundle to verify the broker")
    kafka_ssl_certfile: Path | None = Field(None, description="client certificate (mutual TLS)")
    kafka_ssl_keyfile: Path | None = Field(None, description="client key (mutual TLS)")

    # Reliability.
    stall_timeout: float = Field(
        60.0, gt=0, description="seconds of lag without progress before health turns red"
    )
    retry_max_delay: float = Field(5.0, gt=0, description="cap of the backoff between retries")
    outage_timeout: float = Field(
        300.0, gt=0,
        description="seconds an outage (Redis, broker) is waited out for one message before "
                    "it goes to the dead-letter topic",
    )
    processing_attempts: int = Field(
        2, ge=1, description="tries of a message whose processing raised, before dead letter"
    )
    alert_lease: float = Field(
        10.0, gt=0,
        description="seconds an unsent alert stays its sender's before a redelivery of the "
                    "same message may take it over (and look it up on the alerts topic)",
    )
    dead_letter_payload_bytes: int = Field(
        64 * 1024, ge=0, description="bytes of the original message a dead letter carries"
    )

    # Web endpoint (health, metrics); off unless a port is set.
    web_port: int | None = Field(None, description="port of the worker's web endpoint")
    web_bind: str = Field("127.0.0.1", description="address the web endpoint binds to")

    # The desk's board (``wirewatch board``).
    board_port: int = Field(8080, ge=0, le=65535, description="port of the board's web page")
    board_bind: str = Field(
        "127.0.0.1", description="address the board binds to; beyond loopback it needs a token"
    )
    board_token: SecretStr | None = Field(
        None, description="token every board request must carry (required off loopback)"
    )

    def but(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (validated like the environment's values)."""
        return type(self).model_validate({**self.model_dump(), **changes})

    def topic_names(self) -> list[str]:
        """Every topic the pipeline needs, for creating them up front."""
        return [getattr(self, f"topic_{name}") for name in TOPICS]

    def with_topics(self, pattern: str) -> Settings:
        """A copy whose topics are named ``pattern.format(name=..., default=...)``."""
        return self.but(**{f"topic_{name}": pattern.format(
            name=name, default=getattr(self, f"topic_{name}")) for name in TOPICS})

    def faust_data_dir(self) -> Path:
        """Where Faust keeps its files: never the current directory, which may be
        read-only (a container running as an unprivileged user)."""
        uid = os.getuid() if hasattr(os, "getuid") else 0  # users do not share one folder
        return self.data_dir or Path(tempfile.gettempdir()) / f"wirewatch-{uid}-{self.app_id}"

    def redis_dsn(self) -> str | None:
        """The Redis URL in clear, for the client only (never logged)."""
        return self.redis_url.get_secret_value() if self.redis_url else None

    def redis_client_url(self) -> str:
        """The configured Redis, or the local one: what clients connect to."""
        return self.redis_dsn() or LOCAL_REDIS_URL

