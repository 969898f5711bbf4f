"""``streams/`` is pure: importing any of its modules pulls in no broker client, no Redis
client and no Faust application, and reads no environment variable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import streams

ROOT = Path(streams.__file__).resolve().parent.parent
FORBIDDEN = ("aiokafka", "redis", "faust.app")

PROBE = """
import importlib, os, sys
read = []
class Watched(dict):
    def __getitem__(self, key):
        read.append(key); return super().__getitem__(key)
    def get(self, key, default=None):
        read.append(key); return super().get(key, default)
    def __contains__(self, key):
        read.append(key); return super().__contains__(key)
os.environ = Watched(os.environ)
real_getenv = os.getenv
os.getenv = lambda key, default=None: (read.append(key), real_getenv(key, default))[1]
for name in sys.argv[1:]:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in {forbidden}))
print(repr((bad, sorted(set(k for k in read if k.startswith("WIREWATCH")) ))))
"""


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(ROOT / "streams")], "streams."))


def test_every_streams_module_is_found():
    names = _modules()
    assert {"streams.claims", "streams.settings", "streams.store.dedup"} <= set(names)


def test_streams_imports_no_io_client_and_reads_no_environment():
    code = PROBE.replace("{forbidden}", repr(FORBIDDEN))
    out = subprocess.run([sys.executable, "-c", code, *_modules()], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    bad, read = eval(out.strip().splitlines()[-1])  # noqa: S307 - our own probe's repr
    assert bad == [], f"streams/ imported {bad}"
    assert read == [], f"streams/ read {read} at import"


def test_the_probe_sees_a_client_import_and_an_environment_read():
    loop = "for name in sys.argv[1:]:"
    code = PROBE.replace("{forbidden}", repr(FORBIDDEN)).replace(
        loop, f"os.environ.get('WIREWATCH_BROKER')\n{loop}")
    out = subprocess.run([sys.executable, "-c", code, "agents.kafka"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    bad, read = eval(out.strip().splitlines()[-1])  # noqa: S307
    assert "aiokafka" in bad and read == ["WIREWATCH_BROKER"]


def test_no_streams_source_touches_the_environment():
    for path in (ROOT / "streams").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, path
