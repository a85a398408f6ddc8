"""`toxicpath report`: write a report of the store's current scan in any format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from toxicpath.ui.cli.common import ExitCode, StoreOption, fail, handle_errors
from toxicpath.ui.cli.findings_cmd import AcceptancesOption, PoliciesOption
from toxicpath.ui.cli.scan_cmd import ConfigOption, load_config_or_fail

if TYPE_CHECKING:
    from toxicpath.findings.history import ScanHistory
    from toxicpath.findings.model import Finding


def report(
    report_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="Report format: json, sarif, csv, ocsf, cef or html."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: stdout)."),
    ] = None,
    store: StoreOption = None,
    config: ConfigOption = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            help=(
                "Scan id in the history or a JSON report file to mark new findings "
                "(default: the scan recorded before the current one)."
            )
        ),
    ] = None,
    policies: PoliciesOption = None,
    acceptances: AcceptancesOption = None,
) -> None:
    """Write a report of the current scan: findings, coverage, acceptances, trend."""
    _report(report_format, output, store, config, baseline, policies, acceptances)


@handle_errors
def _report(
    report_format: str,
    output: Path | None,
    store: str | None,
    config_path: Path | None,
    baseline: str | None,
    policies: Path | None,
    acceptances: Path | None,
) -> None:
    from toxicpath.findings.acceptance import AcceptanceError
    from toxicpath.findings.evaluate import (
        coverage_for_scan,
        default_acceptance_file,
        evaluate_store,
        history_for_store,
    )
    from toxicpath.graph.open import open_store
    from toxicpath.job import BaselineError, resolve_baseline
    from toxicpath.report.build import build_report
    from toxicpath.report.registry import ReportSpecError, get_format, write_report

    config = load_config_or_fail(config_path)
    try:
        chosen = get_format(report_format)
    except ReportSpecError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    spec = store or config.store.spec
    history = history_for_store(spec)
    try:
        compared = resolve_baseline(baseline, history)
    except BaselineError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    acceptance_file = (
        acceptances or config.acceptance_file or default_acceptance_file(spec)
    )
    graph = open_store(spec, read_only=True)
    try:
        if graph.current_scan() is None:
            raise fail(
                "the store contains no scan; run `toxicpath scan --input ...` first",
                ExitCode.INPUT,
            )
        evaluation = evaluate_store(
            graph,
            policies=policies or config.policies,
            acceptances=acceptance_file,
            scoring=config.scoring or None,
        )
    except AcceptanceError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    finally:
        graph.close()
    if compared is None and evaluation.scan is not None:
        compared = _previous_scan(history, evaluation.scan.id)
    data = build_report(
        evaluation,
        coverage=coverage_for_scan(spec, evaluation.scan),
        history=history,
        acceptance_file=acceptance_file,
        baseline=compared[0] if compared else None,
        baseline_findings=compared[1] if compared else None,
    )
    if output is None:
        typer.echo(chosen.render(data), nl=False)
        return
    write_report(data, report_format=chosen, path=output)
    typer.echo(
        f"wrote the {chosen.name} report of scan {data.scan_id} to {output}", err=True
    )


def _previous_scan(
    history: ScanHistory, scan_id: str
) -> tuple[str, list[Finding]] | None:
    """Return the scan recorded before `scan_id`, the default baseline of a report."""
    recorded = [record.id for record in history.scans()]
    if scan_id not in recorded:
        return None
    position = recorded.index(scan_id)
    if position == 0:
        return None
    previous = recorded[position - 1]
    return previous, history.findings(previous)
