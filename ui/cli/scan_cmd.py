"""`toxicpath scan` and `toxicpath demo`: run the scan job and print ranked paths."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from toxicpath.ui.cli.common import (
    ExitCode,
    OutputOption,
    StoreOption,
    fail,
    handle_errors,
)
from toxicpath.ui.cli.output import OutputFormat, emit_json, stderr_console

from toxicpath.pipeline import ScanOutcome


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=stderr_console,
        transient=True,
    )


def _run_with_progress(inputs: list[Path], store: str | None, kind: str) -> ScanOutcome:
    from toxicpath.pipeline import scan_inputs

    with _progress() as progress:
        task = progress.add_task("Starting", total=None)

        def report(message: str) -> None:
            progress.update(task, description=message)

        return scan_inputs(inputs, store_spec=store, kind=kind, progress=report)


def _print_outcome(
    outcome: ScanOutcome, output: OutputFormat, *, top: int, store: str | None
) -> None:
    from toxicpath.ui.cli.graph_cmd import load_path_views
    from toxicpath.ui.cli.paths_view import print_paths

    paths = load_path_views(store, top=top)
    not_evaluated = [
        {
            "cloud": entry.cloud,
            "account": entry.account,
            "region": entry.region,
            "service": entry.service,
            "status": entry.status,
            "reason": entry.reason,
        }
        for entry in outcome.not_evaluated
    ]
    if output is OutputFormat.json:
        emit_json(
            {
                "scan": {
                    "id": outcome.scan.id,
                    "created_at": outcome.scan.created_at,
                    "kind": outcome.scan.kind,
                    "sources": list(outcome.scan.sources),
                    "counts": outcome.scan.counts,
                    "snapshot": str(outcome.snapshot_path)
                    if outcome.snapshot_path
                    else None,
                },
                "not_evaluated": not_evaluated,
                "paths": [path.to_dict() for path in paths],
            }
        )
        return
    records = outcome.records
    stderr_console.print(
        f"Scan [bold]{outcome.scan.id}[/bold]: {len(records.nodes)} nodes, "
        f"{len(records.edges)} edges."
    )
    if not_evaluated:
        stderr_console.print(
            f"[yellow]Not evaluated: {len(not_evaluated)} account, region and service "
            "combinations[/yellow] (`--output json` lists them)."
        )
    print_paths(paths, title="Top attack paths")


def scan(
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            help=(
                "Input file or folder, format auto-detected: AWS authorization "
                "details, a folder of raw API responses, a toxicpath snapshot and "
                "the other formats in docs/input-formats.md. Repeatable."
            ),
        ),
    ] = None,
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    top: Annotated[int, typer.Option(help="Number of ranked paths to print.")] = 10,
) -> None:
    """Scan an estate: read input, derive attack edges, load the store, rank paths."""
    _scan(inputs, store, output, top)


@handle_errors
def _scan(
    inputs: list[Path] | None, store: str | None, output: OutputFormat, top: int
) -> None:
    if not inputs:
        raise fail(
            "no --input given; live collection runs with `toxicpath collect aws` "
            "followed by `toxicpath scan --input SNAPSHOT`",
            ExitCode.INPUT,
        )
    outcome = _run_with_progress(inputs, store, "import")
    _print_outcome(outcome, output, top=top, store=store)


def demo(
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    top: Annotated[int, typer.Option(help="Number of ranked paths to print.")] = 10,
) -> None:
    """Scan the bundled demo estate and print its ranked attack paths."""
    _demo(store, output, top)


@handle_errors
def _demo(store: str | None, output: OutputFormat, top: int) -> None:
    from toxicpath.ingest.demo import demo_estate_path

    outcome = _run_with_progress([demo_estate_path()], store, "demo")
    _print_outcome(outcome, output, top=top, store=store)
