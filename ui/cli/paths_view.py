"""Ranked attack paths read out for people: one sentence per hop, with evidence."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from toxicpath.ui.views.paths import Hop, PathView, describe_paths

__all__ = ["Hop", "PathView", "describe_paths", "print_paths"]


def print_paths(views: list[PathView], *, title: str) -> None:
    """Print each path as a numbered chain of sentences."""
    console = Console()
    if not views:
        console.print(f"[dim]{title}: none found[/dim]")
        return
    console.print(f"[bold]{title}[/bold]")
    for view in views:
        header = Text(f"\n#{view.rank}  risk {view.risk:.3f}  ", style="bold")
        header.append(f"{view.node_names[0]} → {view.target_name}", style="bold cyan")
        header.append(f"  (likelihood {view.likelihood:.2f}, impact {view.impact:.2f})")
        console.print(header)
        for number, hop in enumerate(view.hops, start=1):
            tags = []
            if hop.technique:
                tags.append(hop.technique)
            if hop.conditional:
                tags.append("conditional")
            suffix = f" [dim][{', '.join(tags)}][/dim]" if tags else ""
            console.print(f"   {number}. {hop.reason}{suffix}", highlight=False)
