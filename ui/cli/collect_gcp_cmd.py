"""`toxicpath collect gcp`: read a live GCP organization, folders or projects.

The command uses only list, get and search calls (HTTP GET) of Resource
Manager, Cloud Asset Inventory and IAM. The snapshot is what
`toxicpath scan --input SNAPSHOT` analyses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ui.cli.collect_cmd import split_list
from toxicpath.ui.cli.common import ExitCode, configure_logging, fail, handle_errors
from toxicpath.ui.cli.output import emit_table, stderr_console

ListOption = list[str] | None


def gcp(
    organization: Annotated[
        str | None,
        typer.Option(
            help="Numeric organization id: collect the whole organization with "
            "one Cloud Asset Inventory scope.",
        ),
    ] = None,
    folders: Annotated[
        ListOption,
        typer.Option(
            "--folder",
            help="Numeric folder ids (comma-separated, repeatable), when no "
            "--organization is given.",
        ),
    ] = None,
    projects: Annotated[
        ListOption,
        typer.Option(
            "--project",
            help="Project ids (comma-separated, repeatable), when no "
            "--organization is given.",
        ),
    ] = None,
    impersonate: Annotated[
        str | None,
        typer.Option(
            help="Service account email to impersonate with the Application "
            "Default Credentials (needs Service Account Token Creator on it).",
        ),
    ] = None,
    quota_project: Annotated[
        str | None,
        typer.Option(help="Project billed for API quota (Cloud Asset Inventory)."),
    ] = None,
    all_asset_types: Annotated[
        bool,
        typer.Option(
            "--all-asset-types",
            help="Read every Cloud Asset type, not only those the analysis uses "
            "(larger snapshot, for offline use by other tools).",
        ),
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            help="One API endpoint for every Google API, for Private Service "
            "Connect or a local test server; default: each API's own endpoint.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Snapshot file to write (gzip JSON Lines); default: "
            "toxicpath-gcp-<scan id>.snapshot.jsonl.gz in the current folder.",
        ),
    ] = None,
    log_level: Annotated[
        str, typer.Option(help="Log level on stderr: DEBUG, INFO, WARNING, ERROR.")
    ] = "WARNING",
) -> None:
    """Collect GCP IAM, service accounts, network and storage (read-only calls)."""
    configure_logging(log_level.upper())
    _collect_gcp(
        organization=organization or "",
        folders=split_list(folders),
        projects=split_list(projects),
        impersonate=impersonate or "",
        quota_project=quota_project or "",
        all_asset_types=all_asset_types,
        endpoint=endpoint,
        output=output,
    )


@handle_errors
def _collect_gcp(
    *,
    organization: str,
    folders: tuple[str, ...],
    projects: tuple[str, ...],
    impersonate: str,
    quota_project: str,
    all_asset_types: bool,
    endpoint: str | None,
    output: Path | None,
) -> None:
    try:
        from toxicpath.ingest.gcp import collect
        from toxicpath.ingest.gcp.assets import COLLECTED_ASSET_TYPES
    except ImportError as exc:
        raise fail(
            f"the Google Cloud SDKs are not installed ({exc.name}); install "
            "toxicpath[gcp]",
            ExitCode.INPUT,
        ) from None
    from toxicpath.ingest.snapshot import write_snapshot

    if not (organization or folders or projects):
        raise fail(
            "nothing to collect: give --organization, --folder or --project",
            ExitCode.INPUT,
        )
    try:
        credentials = collect.build_credentials(
            impersonate=impersonate, quota_project=quota_project
        )
        config = collect.GcpCollectorConfig(
            credentials=credentials,
            organization=organization.removeprefix("organizations/"),
            folders=tuple(f.removeprefix("folders/") for f in folders),
            projects=projects,
            api_endpoint=endpoint,
            asset_types=() if all_asset_types else COLLECTED_ASSET_TYPES,
        )
        with stderr_console.status("Collecting GCP configuration"):
            snapshot = collect.collect_gcp(config)
    except collect.CollectError as exc:
        raise fail(str(exc), ExitCode.INPUT) from None
    path = output or Path(f"toxicpath-gcp-{snapshot.id}.snapshot.jsonl.gz")
    write_snapshot(snapshot, path)
    _print_summary(snapshot, path)
    typer.echo(str(path))


def _print_summary(snapshot: Snapshot, path: Path) -> None:
    projects = snapshot.metadata.get("gcp", {}).get("projects", [])
    stderr_console.print(
        f"Collected {len(snapshot.responses)} responses from "
        f"{len(projects)} project(s) into {path}",
        highlight=False,
    )
    not_evaluated = snapshot.not_evaluated()
    if not not_evaluated:
        return
    stderr_console.print(
        f"[yellow]{len(not_evaluated)} API(s) were not evaluated:[/yellow]"
    )
    emit_table(
        (
            {
                "scope": entry.account or "(all)",
                "service": entry.service,
                "status": entry.status,
                "reason": entry.reason,
            }
            for entry in not_evaluated
        ),
        columns=[
            ("scope", "Scope"),
            ("service", "API"),
            ("status", "Status"),
            ("reason", "Reason"),
        ],
    )
