"""The ``wirewatch`` command.

The settings are built once, here, from the environment and the global options, and
passed to every command through click's context (``ctx.obj``); no command reads the
environment itself or changes it. Errors a user can act on (a missing file, an
unreachable or refusing service) are one line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import click
from pydantic import ValidationError
from redis.exceptions import AuthenticationError

from agents.cli.board import board
from agents.cli.entity import entity
from agents.cli.io import alerts, produce
from agents.cli.run import demo, replay, stack, worker
from agents.cli.watch import watch
from streams.errors import ConfigError, PipelineError, StackError
from streams.settings import Settings


class _Commands(click.Group):
    """Configuration errors, and a run that cannot finish, are one line and exit status 1
    from any command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ConfigError, StackError, PipelineError) as exc:
            raise click.ClickException(str(exc)) from None
        except AuthenticationError as exc:
            raise click.ClickException(f"Redis refused the credentials: {exc}") from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--broker", help="Kafka URL (WIREWATCH_BROKER); unset: embedded Tansu broker.")
@click.option("--redis-url", help="Redis URL (WIREWATCH_REDIS_URL); unset: local or embedded.")
@click.option("--namespace", help="Redis key prefix (WIREWATCH_NAMESPACE).")
@click.pass_context
def main(ctx: click.Context, broker: str | None, redis_url: str | None,
         namespace: str | None) -> None:
    """wirewatch: streaming ingest for news wires.

    Deduplicates articles, resolves names, tracks facts about watched entities and
    alerts on new and conflicting details.
    """
    overrides = {k: v for k, v in (("broker", broker), ("redis_url", redis_url),
                                   ("namespace", namespace)) if v}
    try:  # a caller embedding the command may hand it settings of its own
        base = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
        ctx.obj = base.but(**overrides)
    except ValidationError as exc:
        raise click.UsageError(f"invalid settings: {exc}") from None


for command in (worker, produce, alerts, replay, demo, stack, watch, entity, board):
    main.add_command(command)
