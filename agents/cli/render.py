"""How alerts and progress look on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

_STYLE = {"new_entity": "cyan", "new_detail": "green", "conflict": "bold red",
          "status_change": "yellow"}


def _sources(alert: dict[str, Any]) -> str:
    names = [e.get("source") or e["article_id"] for e in alert.get("evidence", [])]
    for prev in alert.get("previous") or []:
        names.extend(prev.get("sources", []))
    return ", ".join(dict.fromkeys(n for n in names if n))


def alert_summary(alert: dict[str, Any]) -> str:
    """One line: what changed, about whom."""
    entity = alert["entity"]["name"]
    if alert["type"] == "new_entity":
        return f"{entity} appears for the first time"
    was = "; ".join(p["value"] for p in alert.get("previous") or [])
    text = f"{entity}: {alert.get('attribute')} = {alert.get('value')}"
    return f"{text} (was: {was})" if was else text


def alert_table(alerts: list[dict[str, Any]]) -> Table:
    """All alerts as a table."""
    table = Table(show_lines=False)
    for column in ("type", "alert", "sources", "article"):
        table.add_column(column)
    for alert in alerts:
        table.add_row(f"[{_STYLE.get(alert['type'], '')}]{alert['type']}",
                      alert_summary(alert), _sources(alert), alert["article_id"])
    return table


class AlertPrinter:
    """Prints each alert as it arrives, with its evidence."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()

    def __call__(self, alert: dict[str, Any]) -> None:
        style = _STYLE.get(alert["type"], "")
        self.console.print(f"[{style}]{alert['type']:>13}[/] {alert_summary(alert)}")
        for ev in alert.get("evidence", [])[:3]:
            said = f" ({ev['attribution']})" if ev.get("attribution") else ""
            self.console.print(f"{'':>14}[dim]{ev.get('source') or ev['article_id']}{said}:[/] "
                               f"{ev['sentence']}")


def progress_line() -> Callable[[Any], None]:
    """A callback that keeps one status line on stderr (only on a terminal)."""
    interactive = sys.stderr.isatty()

    def show(progress: Any) -> None:
        if interactive:
            sys.stderr.write(
                f"\r{progress.ingested}/{progress.published} ingested, "
                f"{progress.extracted} analysed, {len(progress.duplicates)} duplicates, "
                f"{len(progress.dead_letters)} dead letters "
            )
            sys.stderr.flush()

    return show
