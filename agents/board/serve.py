"""Run the board: check where it may listen, start its data, serve until cancelled."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable

from aiohttp import web

from agents.board.web import make_app
from streams.settings import Settings


class BoardRefused(RuntimeError):
    """The board would be reachable from other machines without a token."""


def is_loopback(bind: str) -> bool:
    """Whether ``bind`` only accepts connections from this machine."""
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False


def board_token(settings: Settings) -> str | None:
    """The token requests must carry: required, and refused if absent, off loopback."""
    token = settings.board_token.get_secret_value() if settings.board_token else None
    if not is_loopback(settings.board_bind) and not token:
        raise BoardRefused(
            f"the board would listen on {settings.board_bind}, beyond this machine: set "
            "WIREWATCH_BOARD_TOKEN (every request must then carry it) or bind to 127.0.0.1")
    return token or None


def board_url(settings: Settings, port: int) -> str:
    host = settings.board_bind
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/"


async def serve(settings: Settings, on_ready: Callable[[str], None]) -> None:
    """Serve the board over the running pipeline until cancelled; ``on_ready`` gets
    its URL (the port actually bound when ``board_port`` is 0)."""
    from agents.board.data import RuntimeBoardData

    token = board_token(settings)
    data = RuntimeBoardData(settings)
    await data.start()
    runner = web.AppRunner(make_app(data, token=token), access_log=None,
                           shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.board_bind, settings.board_port)
        await site.start()
        port = runner.addresses[0][1]
        on_ready(board_url(settings, port))
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await data.stop()
