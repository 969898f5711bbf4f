"""docker-compose.yml cannot run here (no Docker engine); check it by parsing it."""

from pathlib import Path

import yaml

from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_compose_services_and_settings_names():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka")
    assert "controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    assert services["redis"]["image"].startswith("redis")
    worker = services["worker"]
    assert worker["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    known = {f"WIREWATCH_{name.upper()}" for name in Settings.model_fields}
    env = worker["environment"]
    assert set(env) <= known, set(env) - known
    assert env["WIREWATCH_BROKER"] == "kafka://kafka:9092"
    assert env["WIREWATCH_REDIS_URL"].startswith("redis://redis:")
    assert set(worker["depends_on"]) == {"kafka", "redis"}


def test_compose_redis_keeps_its_state_across_restarts():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert "redis-data" in compose["volumes"]


def test_the_image_runs_unprivileged_from_a_folder_it_cannot_write():
    """The worker must never need its current directory: the image's WORKDIR belongs to
    root and the worker runs as nobody (tests/integration/test_worker.py runs it so)."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER nobody" in dockerfile and "WORKDIR /app" in dockerfile
    assert "WIREWATCH_DATA_DIR" not in dockerfile  # the default is not the cwd
