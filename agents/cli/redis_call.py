"""One Redis call from a command, on a fresh connection, with errors a user can read."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
import redis.asyncio as redis
from redis.exceptions import AuthenticationError, ResponseError

from agents.redis import connect
from streams.settings import Settings

T = TypeVar("T")


def redis_call(settings: Settings, fn: Callable[[redis.Redis], Awaitable[T]]) -> T:
    """Run ``fn(client)``; a refusing or unreachable Redis is a one-line error."""

    async def main() -> T:
        client = connect(settings)
        try:
            return await fn(client)
        except AuthenticationError as exc:
            raise click.ClickException(f"Redis refused the credentials: {exc}") from None
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise click.ClickException(f"cannot reach Redis: {exc}") from None
        except ResponseError as exc:
            raise click.ClickException(f"Redis answered with an error: {exc}") from None
        finally:
            await client.aclose()

    return asyncio.run(main())
