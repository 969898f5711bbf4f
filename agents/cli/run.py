"""Commands that run the pipeline or its services: worker, replay, demo, stack."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click
import orjson

import streams
from agents.cli.render import AlertPrinter, progress_line
from streams.settings import Settings

DATA = Path(streams.__file__).resolve().parent / "data"


def _quiet_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


async def preflight(settings: Settings, services: Any) -> None:
    """What makes starting pointless, found before the worker starts: Redis that
    refuses or is not there, a broker that is not there (topics are created here)."""
    from aiokafka.errors import KafkaError
    from redis.exceptions import AuthenticationError
    from redis.exceptions import ConnectionError as RedisConnectionError

    from agents.kafka import ensure_topics
    from streams.errors import ConfigError

    try:
        await services.redis.ping()
    except AuthenticationError as exc:
        raise ConfigError(f"Redis refused the credentials: {exc}") from None
    except (RedisConnectionError, OSError) as exc:
        raise ConfigError(f"cannot reach Redis: {exc}") from None
    try:
        await ensure_topics(settings, settings.topic_names())
    except (KafkaError, OSError) as exc:
        raise ConfigError(f"cannot reach the broker {settings.broker}: {exc}") from None


@click.command()
@click.option("--loglevel", default="info", show_default=True)
@click.pass_obj
def worker(settings: Settings, loglevel: str) -> None:
    """Run the Faust worker (same app as `faust -A agents worker`)."""
    import faust

    from agents.services import Services
    from agents.stack import running_stack
    from agents.worker import build
    from streams.watchlist import load_watchlist

    watchlist = load_watchlist(settings.watchlist)  # a bad file fails here, in one line
    with running_stack(settings) as stack:
        for line in stack.started:
            click.echo(f"started {line}", err=True)
        settings = stack.settings(settings)
        built = build(settings, Services(settings, file_watchlist=watchlist))
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(preflight(settings, built.services))
        # quiet: no start-up banner or spinner, which garble logs collected from stdout.
        faust.Worker(built.app, loglevel=loglevel, loop=loop, quiet=True
                     ).execute_from_commandline()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--watchlist", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Watchlist YAML (default: WIREWATCH_WATCHLIST).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report here.")
@click.option("--timeout", type=float, default=None, help="Give up after this many seconds.")
@click.option("-v", "--verbose", is_flag=True, help="Log pipeline internals to stderr.")
@click.pass_obj
def replay(settings: Settings, paths: tuple[Path, ...], watchlist: Path | None,
           report: Path | None, timeout: float | None, verbose: bool) -> None:
    """Run PATHS through a fresh pipeline once; print alerts as JSON lines."""
    from agents.replay import replay as run_replay
    from agents.sources import expand

    _quiet_logging(verbose)

    def on_alert(alert: dict[str, Any]) -> None:
        sys.stdout.buffer.write(orjson.dumps(alert) + b"\n")
        sys.stdout.flush()

    result = run_replay(expand(paths), settings=settings, watchlist=watchlist,
                        on_alert=on_alert, on_progress=progress_line(), timeout=timeout)
    click.echo(f"\nprocessed {result.processed}/{result.published} messages: "
               f"{result.analysed} analysed, {len(result.duplicates)} duplicates, "
               f"{len(result.dead_letters)} dead letters, {len(result.alerts)} alerts "
               f"in {result.elapsed_s:.2f}s", err=True)
    if report:
        report.write_bytes(result.to_json())


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Log pipeline internals to stderr.")
@click.option("--board", "with_board", is_flag=True,
              help="Then keep the board up on the demo's alerts and print its URL.")
@click.pass_obj
def demo(settings: Settings, verbose: bool, with_board: bool) -> None:
    """Run a small sample corpus through the embedded stack; alerts print live."""
    from agents.replay import replay as run_replay
    from agents.stack import running_stack

    _quiet_logging(verbose)
    printer = AlertPrinter()
    click.echo("wirewatch demo: starting broker, Redis and the pipeline ...", err=True)
    corpus = DATA / "demo"
    # The stack opened here outlives the replay, so the board can serve what it left.
    with running_stack(settings) as started:
        result = run_replay([corpus / "articles.jsonl"], settings=started.settings(settings),
                            watchlist=corpus / "watchlist.yaml", on_alert=printer,
                            keep_state=with_board)
        click.echo(f"{result.published} articles: {len(result.duplicates)} duplicates dropped "
                   f"before NLP, {len(result.alerts)} alerts, {result.elapsed_s:.1f}s", err=True)
        if with_board and result.settings is not None:
            _board_then_forget(result.settings)


def _board_then_forget(settings: Settings) -> None:
    """Serve the board on the demo's run, then delete the run's Redis keys."""
    from agents.cli.board import run_board
    from agents.redis import connect
    from agents.replay import forget_namespace

    try:
        run_board(settings)
    finally:
        async def forget() -> None:
            client = connect(settings)
            try:
                await forget_namespace(client, settings.namespace)
            finally:
                await client.aclose()

        asyncio.run(forget())


@click.command()
@click.pass_obj
def stack(settings: Settings) -> None:
    """Start the embedded broker and Redis in the foreground until Ctrl-C."""
    from agents.stack import open_stack

    running = open_stack(settings.but(broker=None, redis_url=None), fresh_redis=True)
    try:
        for line in running.started:
            click.echo(f"started {line}")
        for name, value in running.env().items():
            click.echo(f"export {name}={value}")
        click.echo("Ctrl-C to stop.", err=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        running.close()
