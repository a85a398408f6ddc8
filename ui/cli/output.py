"""Result output for every command: rich tables for people, JSON for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


# Status, progress and errors go to stderr so that stdout carries only results.
stderr_console = Console(stderr=True)


def emit_json(value: Any) -> None:
    """Write `value` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


def emit_table(
    rows: Iterable[Mapping[str, Any]],
    *,
    columns: Sequence[tuple[str, str]],
    title: str | None = None,
) -> None:
    """Print `rows` as a rich table; `columns` pairs a row key with its header."""
    table = Table(title=title, show_lines=False, header_style="bold")
    for _key, header in columns:
        table.add_column(header, overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*(_cell(row.get(key)) for key, _header in columns))
        count += 1
    console = Console()
    if count == 0:
        console.print(f"[dim]{title or 'Results'}: none[/dim]")
        return
    console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
