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

from streams.cli.render import AlertPrinter, progress_line

DATA = Path(__file__).resolve().parent.parent / "data"


def _quiet_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@click.command()
@click.option("--loglevel", default="info", show_default=True)
def worker(loglevel: str) -> None:
    """Run the Faust worker (same app as `faust -A agents worker`)."""
    from streams.embedded import running_stack
    from streams.settings import get_settings

    with running_stack(get_settings()) as stack:
        for line in stack.started:
            click.echo(f"started {line}", err=True)
        get_settings.cache_clear()
        settings = get_settings()
        import faust

        import agents
        from streams.kafka_io import ensure_topics
        from streams.topics import topic_names

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(ensure_topics(settings, topic_names(settings)))
        # quiet: no start-up banner or spinner, which garble logs collected from stdout.
        worker = faust.Worker(agents.app, loglevel=loglevel, loop=loop, quiet=True)
        worker.execute_from_commandline()


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--watchlist", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Watchlist YAML (default: WIREWATCH_WATCHLIST).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report here.")
@click.option("--timeout", type=float, default=None, help="Give up after this many seconds.")
@click.option("-v", "--verbose", is_flag=True, help="Log pipeline internals to stderr.")
def replay(paths: tuple[Path, ...], watchlist: Path | None, report: Path | None,
           timeout: float | None, verbose: bool) -> None:
    """Run PATHS through a fresh pipeline once; print alerts as JSON lines."""
    from streams.replay import replay as run_replay
    from streams.sources import expand

    _quiet_logging(verbose)

    def on_alert(alert: dict[str, Any]) -> None:
        sys.stdout.buffer.write(orjson.dumps(alert) + b"\n")
        sys.stdout.flush()

    result = run_replay(expand(paths), watchlist=watchlist, on_alert=on_alert,
                        on_progress=progress_line(), timeout=timeout)
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
def demo(verbose: bool, with_board: bool) -> None:
    """Run a small sample corpus through the embedded stack; alerts print live."""
    from streams.embedded import running_stack
    from streams.replay import replay as run_replay
    from streams.settings import get_settings

    _quiet_logging(verbose)
    printer = AlertPrinter()
    click.echo("wirewatch demo: starting broker, Redis and the pipeline ...", err=True)
    corpus = DATA / "demo"
    # The stack opened here outlives the replay, so the board can serve what it left.
    with running_stack(get_settings()) as started:
        get_settings.cache_clear()
        result = run_replay([corpus / "articles.jsonl"], watchlist=corpus / "watchlist.yaml",
                            on_alert=printer, keep_state=with_board)
        click.echo(f"{result.published} articles: {len(result.duplicates)} duplicates dropped "
                   f"before NLP, {len(result.alerts)} alerts, {result.elapsed_s:.1f}s", err=True)
        if with_board:
            _board_then_forget(get_settings(), started.redis_url)


def _board_then_forget(settings: Any, redis_url: str) -> None:
    """Serve the board on the demo's run, then delete the run's Redis keys."""
    import redis.asyncio as redis

    from streams.cli.board import run_board
    from streams.replay import forget_namespace

    try:
        run_board(settings)
    finally:
        async def forget() -> None:
            client = redis.Redis.from_url(redis_url)
            try:
                await forget_namespace(client, settings.namespace)
            finally:
                await client.aclose()

        asyncio.run(forget())


@click.command()
def stack() -> None:
    """Start the embedded broker and Redis in the foreground until Ctrl-C."""
    from streams.embedded import open_stack
    from streams.settings import Settings

    running = open_stack(Settings(), fresh_redis=True)
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
