"""The `toxicpath` command line.

Each command group lives in its own module under `toxicpath.ui.cli` and is
registered here, so adding a command touches one line of this file.
"""

from __future__ import annotations

import typer

from toxicpath.ui.cli import (
    collect_azure_cmd,
    collect_cmd,
    collect_gcp_cmd,
    config_cmd,
    findings_cmd,
    graph_cmd,
    report_cmd,
    scan_cmd,
    schedule_cmd,
    ui_cmd,
)

app = typer.Typer(
    help="toxicpath: cloud attack-path analysis for AWS, Azure and GCP.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

app.command()(scan_cmd.scan)
app.command()(scan_cmd.demo)
app.command()(graph_cmd.paths)
app.command("blast-radius")(graph_cmd.blast_radius)
app.command()(graph_cmd.query)
app.command()(findings_cmd.findings)
app.command()(findings_cmd.diff)
app.command()(findings_cmd.accept)
app.command()(findings_cmd.compliance)
app.command()(findings_cmd.rules)
app.command("choke-points")(findings_cmd.choke_points)
app.command()(report_cmd.report)
app.command()(schedule_cmd.schedule)
app.command()(ui_cmd.ui)
app.add_typer(config_cmd.app, name="config")

collect_cmd.app.command("azure")(collect_azure_cmd.azure)
collect_cmd.app.command("gcp")(collect_gcp_cmd.gcp)
app.add_typer(collect_cmd.app, name="collect")


@app.command()
def version() -> None:
    """Print the toxicpath version."""
    from toxicpath import __version__

    typer.echo(__version__)
