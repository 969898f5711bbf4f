"""The runtime of wirewatch: the Faust worker and everything that does I/O.

``agents.worker.build(settings)`` makes a worker (its module docstring draws the
topology); one module per agent (``ingest``, ``extract``, ``profile``) and one error
policy for all of them (``errors``); the Redis stores (``redis/``), Kafka clients
(``kafka``), the spaCy stage, the embedded stack, replay and the CLI (``cli/``) sit
beside them. The stream logic they call is in ``streams/``, which never imports this
package.

``faust -A agents worker`` works too: ``agents.app`` is built from the environment the
first time it is asked for, never at import.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "app":
        from agents.worker import build
        from streams.settings import Settings

        app = build(Settings()).app
        globals()["app"] = app
        return app
    raise AttributeError(f"module 'agents' has no attribute {name!r}")
