"""`toxicpath scan` and `toxicpath demo`: run the scan job and print ranked paths."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from toxicpath.pipeline import ScanOutcome
from toxicpath.ui.cli.collect_cmd import split_list
from toxicpath.ui.cli.common import (
    ExitCode,
    OutputOption,
    StoreOption,
    fail,
    handle_errors,
)
from toxicpath.ui.cli.findings_cmd import AcceptancesOption, PoliciesOption
from toxicpath.ui.cli.live_collect import Cloud, LiveOptions, collect_to_file
from toxicpath.ui.cli.output import OutputFormat, emit_json, stderr_console

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from toxicpath.config import ToxicpathConfig
    from toxicpath.job import JobResult


class LogFormat(StrEnum):
    text = "text"
    json = "json"


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help=(
            "TOML configuration file (default: $TOXICPATH_CONFIG, else config.toml "
            "in the user config folder)."
        ),
    ),
]


@dataclass(frozen=True)
class JobArguments:
    """The scheduled-job options of `scan`, passed on as one value."""

    config: Path | None = None
    fail_on: str | None = None
    baseline: str | None = None
    reports: list[str] = field(default_factory=list)
    policies: Path | None = None
    acceptances: Path | None = None
    wait: float = 0.0
    alerts: bool = True
    quiet: bool | None = None
    log_format: LogFormat = LogFormat.text


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
    outcome: ScanOutcome,
    output: OutputFormat,
    *,
    top: int,
    store: str | None,
    extra: dict[str, Any] | None = None,
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
                **(extra or {}),
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
    config: ConfigOption = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            help=(
                "Exit with status 1 when an open finding meets this threshold: "
                "critical or high (any open finding at or above it), new-critical "
                "or new-high (only findings absent from the baseline)."
            ),
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            help=(
                "Scan id in the history or a JSON report file to compare with "
                "(default: the previous scan in the history)."
            ),
        ),
    ] = None,
    reports: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            help=(
                "Write a report as FORMAT:FILE; formats json, sarif, csv, ocsf, cef, "
                "html. Repeatable."
            ),
        ),
    ] = None,
    policies: PoliciesOption = None,
    acceptances: AcceptancesOption = None,
    wait: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds to wait for another scan of the same store to finish.",
        ),
    ] = 0.0,
    alerts: Annotated[
        bool,
        typer.Option(help="Send alerts to the configured channels."),
    ] = True,
    quiet: Annotated[
        bool | None,
        typer.Option(
            "--quiet/--verbose",
            help=(
                "Quiet: no progress, no result table, errors only in the log. "
                "Verbose: progress and INFO logs. Default: progress only on a "
                "terminal."
            ),
            show_default=False,
        ),
    ] = None,
    log_format: Annotated[
        LogFormat,
        typer.Option(help="Log lines on stderr as text or JSON lines."),
    ] = LogFormat.text,
    cloud: Annotated[
        Cloud,
        typer.Option(help="Cloud to collect live when no --input is given."),
    ] = Cloud.aws,
    profile: Annotated[
        str | None,
        typer.Option(help="AWS profile for live collection (default chain if unset)."),
    ] = None,
    role_arn: Annotated[
        str | None,
        typer.Option(help="AWS role to assume before live collection."),
    ] = None,
    organization: Annotated[
        bool,
        typer.Option(
            help="Collect every account of the AWS organization through "
            "OrganizationAccountAccessRole (`collect aws` sets another role)."
        ),
    ] = False,
    regions: Annotated[
        list[str] | None,
        typer.Option(help="AWS regions to collect, comma-separated or repeated."),
    ] = None,
    subscriptions: Annotated[
        list[str] | None,
        typer.Option(
            "--subscription", help="Azure subscription ids to collect (default: all)."
        ),
    ] = None,
    projects: Annotated[
        list[str] | None,
        typer.Option("--project", help="GCP project ids to collect."),
    ] = None,
) -> None:
    """Scan an estate: read input, derive attack edges, load the store, rank paths.

    Without --input, the live collector for --cloud runs first and its
    snapshot is kept beside the store.

    As a scheduled job it also runs the rules, records the findings in the
    history, writes reports, sends alerts and exits 1 when --fail-on is met.
    """
    job = JobArguments(
        config=config,
        fail_on=fail_on,
        baseline=baseline,
        reports=reports or [],
        policies=policies,
        acceptances=acceptances,
        wait=wait,
        alerts=alerts,
        quiet=quiet,
        log_format=log_format,
    )
    live = LiveOptions(
        cloud=cloud,
        profile=profile,
        role_arn=role_arn,
        organization=organization,
        regions=split_list(regions),
        subscriptions=split_list(subscriptions),
        projects=split_list(projects),
    )
    _scan(inputs, store, output, top, job, live)


@handle_errors
def _scan(
    inputs: list[Path] | None,
    store: str | None,
    output: OutputFormat,
    top: int,
    job: JobArguments | None = None,
    live: LiveOptions | None = None,
) -> None:
    if not inputs:
        inputs = [collect_to_file(live or LiveOptions(), store_spec=store)]
    if job is None:
        outcome = _run_with_progress(inputs, store, "import")
        _print_outcome(outcome, output, top=top, store=store)
        return
    run_job_command(inputs, store=store, output=output, top=top, job=job)


def demo(
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    top: Annotated[
        int, typer.Option(min=1, help="Number of ranked paths to print.")
    ] = 10,
) -> None:
    """Scan the bundled demo estate and print its ranked attack paths.

    Without --store the demo graph goes to demo.lbdb in the user data folder,
    beside (never over) the default store of real scans.
    """
    _demo(store, output, top)


@handle_errors
def _demo(store: str | None, output: OutputFormat, top: int) -> None:
    from toxicpath.graph.open import default_demo_store_path
    from toxicpath.ingest.demo import demo_estate_path

    if store is None:
        store = str(default_demo_store_path())
    outcome = _run_with_progress([demo_estate_path()], store, "demo")
    _print_outcome(outcome, output, top=top, store=store, extra={"store": store})
    stderr_console.print(
        f"Demo graph stored in {store}; explore it with "
        f"`toxicpath paths --store {store}`.",
        highlight=False,
        soft_wrap=True,
    )


def load_config_or_fail(path: Path | None) -> ToxicpathConfig:
    """Load the configuration; exit with INPUT and the error list when invalid."""
    import os

    from toxicpath.config import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    for key, value in config.store.neo4j_environment().items():
        os.environ.setdefault(key, value)
    return config


def run_job_command(
    inputs: list[Path],
    *,
    store: str | None,
    output: OutputFormat,
    top: int,
    job: JobArguments,
) -> None:
    """Run the scan job for the CLI: options to JobOptions, result to exit status."""
    from toxicpath.findings.acceptance import AcceptanceError
    from toxicpath.graph.store import StoreError
    from toxicpath.ingest.errors import InputError
    from toxicpath.job import FAIL_ON_CHOICES, BaselineError, JobOptions, run_scan_job
    from toxicpath.joblog import configure_job_logging
    from toxicpath.lock import LockBusyError
    from toxicpath.pipeline import PartialScanError
    from toxicpath.report.registry import ReportSpecError, parse_report_spec

    quiet = job.quiet is True
    verbose = job.quiet is False
    level = (
        "ERROR"
        if quiet
        else "INFO"
        if verbose or job.log_format == "json"
        else "WARNING"
    )
    configure_job_logging(level=level, log_format=job.log_format.value)
    if job.fail_on is not None and job.fail_on not in FAIL_ON_CHOICES:
        raise fail(
            f"--fail-on {job.fail_on!r} is not a threshold; use one of "
            f"{', '.join(FAIL_ON_CHOICES)}",
            ExitCode.INPUT,
        )
    config = load_config_or_fail(job.config)
    try:
        reports = [parse_report_spec(spec) for spec in job.reports]
    except ReportSpecError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    options = JobOptions(
        inputs=inputs,
        store_spec=store or config.store.spec,
        config=config,
        fail_on=job.fail_on,
        baseline=job.baseline,
        reports=reports,
        wait_seconds=job.wait,
        policies=job.policies,
        acceptance_file=job.acceptances,
        send_alerts=job.alerts,
    )
    show_progress = not quiet and (verbose or sys.stdout.isatty())
    try:
        if show_progress:
            with _progress() as progress:
                task = progress.add_task("Starting", total=None)

                def report(message: str) -> None:
                    progress.update(task, description=message)

                result = run_scan_job(options, progress=report)
        else:
            result = run_scan_job(options)
    except LockBusyError as error:
        logger.error("scan not started: %s", error)
        raise fail(str(error), ExitCode.STORE) from None
    except (BaselineError, AcceptanceError) as error:
        logger.error("scan failed: %s", error)
        raise fail(str(error), ExitCode.INPUT) from None
    except (InputError, StoreError, PartialScanError) as error:
        # Logged here so --log-format json runs carry the failure as a JSON
        # line too; handle_errors prints the message and sets the status.
        logger.error("scan failed: %s", error)
        raise
    if not quiet:
        _print_outcome(
            result.outcome,
            output,
            top=top,
            store=options.store_spec,
            extra=_job_document(result),
        )
        _print_job_summary(result)
    if result.threshold_met:
        raise typer.Exit(int(ExitCode.FINDINGS))


def _job_document(result: JobResult) -> dict[str, Any]:
    """Return the job's part of `scan --output json`."""
    report = result.report
    return {
        "findings": {
            "total": len(result.evaluation.findings),
            "open_by_severity": report.open_counts(),
            "new": sorted(report.new_fingerprints),
            "baseline": result.baseline_id,
        },
        "rules_not_evaluated": [
            {"rule_id": rule_id, "error": error}
            for rule_id, error in report.rule_failures
        ],
        "fail_on_met": [f.fingerprint for f in result.threshold_findings],
        "reports": [str(path) for path in result.written_reports],
        "alerts": (
            {
                "queued": result.alerts.queued,
                "sent": result.alerts.sent,
                "undelivered": result.alerts.undelivered,
            }
            if result.alerts is not None
            else None
        ),
    }


def _print_job_summary(result: JobResult) -> None:
    evaluation = result.evaluation
    counts = result.report.open_counts()
    by_severity = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "none"
    baseline = result.baseline_id or "none (first scan)"
    stderr_console.print(
        f"Findings: {len(evaluation.findings)} in total, {len(evaluation.open)} open "
        f"({by_severity}); {len(result.report.new_fingerprints)} new since baseline "
        f"{baseline}.",
        highlight=False,
    )
    for path in result.written_reports:
        stderr_console.print(f"Report written: {path}", highlight=False)
    if result.alerts is not None:
        stderr_console.print(
            f"Alerts: {result.alerts.queued} queued, {result.alerts.sent} sent, "
            f"{result.alerts.undelivered} waiting for the next run.",
            highlight=False,
        )
    if result.threshold_met:
        stderr_console.print(
            f"[bold red]--fail-on met[/bold red] by {len(result.threshold_findings)} "
            "finding(s).",
            highlight=False,
        )
