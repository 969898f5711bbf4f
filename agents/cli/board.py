"""``wirewatch board``: the desk's live web page over a running pipeline."""

from __future__ import annotations

import asyncio
import contextlib

import click

from streams.settings import Settings


def run_board(settings: Settings) -> None:
    """Serve the board until Ctrl-C, its URL on stdout."""
    from agents.board.serve import BoardRefused, board_token, serve

    try:
        board_token(settings)
    except BoardRefused as exc:
        raise click.ClickException(str(exc)) from None

    def ready(url: str) -> None:
        click.echo(f"wirewatch board at {url}  (Ctrl-C to stop)")

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings, ready))


@click.command()
@click.option("--port", type=int, default=None, help="Port (WIREWATCH_BOARD_PORT, default 8080).")
@click.option("--bind", default=None,
              help="Address (WIREWATCH_BOARD_BIND, default 127.0.0.1); beyond loopback it "
                   "needs WIREWATCH_BOARD_TOKEN.")
@click.pass_obj
def board(settings: Settings, port: int | None, bind: str | None) -> None:
    """Serve the live board: alerts, fact profiles, conflicts, watchlist, health."""
    if not settings.broker:
        raise click.UsageError(
            "no broker configured: set WIREWATCH_BROKER or --broker (`wirewatch stack` starts "
            "one; `wirewatch demo --board` runs the demo with a board)")
    overrides = {k: v for k, v in (("board_port", port), ("board_bind", bind)) if v is not None}
    run_board(settings.but(**overrides))
