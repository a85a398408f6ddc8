"""The unattended scan job: lock, scan, evaluate, record, report, alert, gate.

Steps, in order, all under the store lock:

1. resolve the baseline (a scan id in the history or a JSON report file),
2. import the inputs and load the store (`toxicpath.pipeline.scan_inputs`),
3. run the rules with acceptances applied and record the findings in the
   history, so the scan is stored before anything is sent,
4. write the requested reports,
5. queue alerts for findings new or re-opened since the previous scan and
   deliver what is due; a failed delivery stays queued for the next run,
6. decide the `--fail-on` threshold.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from toxicpath.config import ToxicpathConfig
from toxicpath.findings.evaluate import Evaluation
from toxicpath.findings.history import HistoryError, ScanHistory
from toxicpath.findings.model import Finding
from toxicpath.pipeline import ProgressCallback, ScanOutcome
from toxicpath.report.alerts.dispatch import AlertRunSummary
from toxicpath.report.model import ReportData
from toxicpath.report.registry import ReportFormat

logger = logging.getLogger(__name__)

FAIL_ON_CHOICES: tuple[str, ...] = ("critical", "high", "new-critical", "new-high")
_SEVERITY_RANK = {
    name: rank
    for rank, name in enumerate(("critical", "high", "medium", "low", "info"))
}


class BaselineError(ValueError):
    """A `--baseline` that is neither a recorded scan id nor a JSON report file."""


@dataclass(frozen=True)
class JobOptions:
    """Everything one scan job run needs."""

    inputs: Sequence[Path]
    store_spec: str | None
    config: ToxicpathConfig = field(default_factory=ToxicpathConfig)
    kind: str = "import"
    fail_on: str | None = None
    baseline: str | None = None
    reports: Sequence[tuple[ReportFormat, Path]] = ()
    wait_seconds: float = 0.0
    policies: Path | None = None
    acceptance_file: Path | None = None
    send_alerts: bool = True


@dataclass
class JobResult:
    """The products of a finished job and whether its threshold was met."""

    outcome: ScanOutcome
    evaluation: Evaluation
    report: ReportData
    baseline_id: str | None
    threshold_findings: list[Finding]
    written_reports: list[Path]
    alerts: AlertRunSummary | None = None

    @property
    def threshold_met(self) -> bool:
        return bool(self.threshold_findings)


def run_scan_job(
    options: JobOptions, *, progress: ProgressCallback | None = None
) -> JobResult:
    """Run the scan job once under the store lock; see the module docstring."""
    from toxicpath.lock import StoreLock, lock_path_for

    if options.fail_on is not None and options.fail_on not in FAIL_ON_CHOICES:
        raise ValueError(
            f"--fail-on {options.fail_on!r} is not one of {', '.join(FAIL_ON_CHOICES)}"
        )
    label = "scan of " + ", ".join(str(path) for path in options.inputs)
    lock = StoreLock(lock_path_for(options.store_spec), label=label[:200])
    lock.acquire(wait_seconds=options.wait_seconds)
    try:
        return _run_locked(options, progress)
    finally:
        lock.release()


def _run_locked(options: JobOptions, progress: ProgressCallback | None) -> JobResult:
    from toxicpath.findings.evaluate import (
        coverage_for_scan,
        default_acceptance_file,
        evaluate_store,
        history_for_store,
        record_evaluation,
    )
    from toxicpath.graph.open import open_store
    from toxicpath.joblog import set_scan_id
    from toxicpath.pipeline import scan_inputs
    from toxicpath.report.build import build_report
    from toxicpath.report.registry import write_report

    report = progress or (lambda _message: None)
    store = options.store_spec
    history = history_for_store(store)
    baseline = resolve_baseline(options.baseline, history)
    previous = history.latest_scan()
    previous_findings = history.findings(previous.id) if previous else None

    outcome = scan_inputs(
        options.inputs,
        store_spec=store,
        kind=options.kind,
        progress=progress,
        sensitivity_overrides=options.config.sensitivity,
    )
    set_scan_id(outcome.scan.id)
    logger.info("scan %s stored; running the rules", outcome.scan.id)

    report("Running the rules")
    acceptance_file = (
        options.acceptance_file
        or options.config.acceptance_file
        or default_acceptance_file(store)
    )
    graph = open_store(store, read_only=True)
    try:
        evaluation = evaluate_store(
            graph,
            policies=options.policies or options.config.policies,
            acceptances=acceptance_file,
            scoring=options.config.scoring or None,
        )
    finally:
        graph.close()
    record_evaluation(history, evaluation)

    if baseline is None and previous is not None and previous_findings is not None:
        baseline = (previous.id, previous_findings)
    report_data = build_report(
        evaluation,
        coverage=coverage_for_scan(store, evaluation.scan),
        history=history,
        acceptance_file=acceptance_file,
        baseline=baseline[0] if baseline else None,
        # A first scan has nothing to compare with, so all its findings are new.
        baseline_findings=baseline[1] if baseline else [],
    )
    written = []
    for report_format, path in options.reports:
        report(f"Writing the {report_format.name} report")
        written.append(
            write_report(report_data, report_format=report_format, path=path)
        )

    alerts = None
    if options.send_alerts and options.config.alerts.channels:
        report("Sending alerts")
        alerts = send_alerts(
            options.config,
            store_spec=store,
            evaluation=evaluation,
            report_data=report_data,
            previous_findings=previous_findings,
        )
    threshold = threshold_findings(
        evaluation.findings,
        fail_on=options.fail_on,
        baseline_findings=baseline[1] if baseline else None,
    )
    logger.info(
        "scan %s finished: %d findings, %d open, %d over the --fail-on threshold",
        outcome.scan.id,
        len(evaluation.findings),
        len(evaluation.open),
        len(threshold),
    )
    return JobResult(
        outcome=outcome,
        evaluation=evaluation,
        report=report_data,
        baseline_id=baseline[0] if baseline else None,
        threshold_findings=threshold,
        written_reports=written,
        alerts=alerts,
    )


def resolve_baseline(
    value: str | None, history: ScanHistory
) -> tuple[str, list[Finding]] | None:
    """Return the baseline's id and findings: a JSON report file or a scan id."""
    from toxicpath.report.formats.json_report import (
        BaselineFileError,
        read_baseline_file,
    )

    if value is None:
        return None
    path = Path(value).expanduser()
    if path.is_file():
        try:
            return read_baseline_file(path)
        except BaselineFileError as error:
            raise BaselineError(str(error)) from error
    try:
        return value, history.findings(value)
    except HistoryError as error:
        raise BaselineError(
            f"--baseline {value!r} is neither a file nor a recorded scan: {error}"
        ) from error


def threshold_findings(
    findings: Sequence[Finding],
    *,
    fail_on: str | None,
    baseline_findings: Sequence[Finding] | None,
) -> list[Finding]:
    """Return the open findings that meet `fail_on`.

    `critical` and `high` count every open finding at or above that severity.
    `new-critical` and `new-high` count only those whose fingerprint the
    baseline lacks; with no baseline (a first scan) every finding is new.
    """
    if fail_on is None:
        return []
    new_only = fail_on.startswith("new-")
    limit = _SEVERITY_RANK[fail_on.removeprefix("new-")]
    known = {f.fingerprint for f in baseline_findings or []}
    return [
        f
        for f in findings
        if f.status == "open"
        and _SEVERITY_RANK.get(f.severity, 99) <= limit
        and not (new_only and f.fingerprint in known)
    ]


def send_alerts(
    config: ToxicpathConfig,
    *,
    store_spec: str | None,
    evaluation: Evaluation,
    report_data: ReportData,
    previous_findings: list[Finding] | None,
    now: datetime | None = None,
) -> AlertRunSummary:
    """Queue new and re-opened findings by severity and deliver what is due."""
    from toxicpath.report.alerts.dispatch import flush_alerts, route_alerts
    from toxicpath.report.alerts.model import AlertItem, alertable_changes
    from toxicpath.report.alerts.state import AlertState, alert_state_path_for

    moment = now or datetime.now(UTC)
    settings = config.alerts
    state = AlertState(settings.state_file or alert_state_path_for(store_spec))
    changes = alertable_changes(evaluation.findings, previous_findings)
    items = []
    for finding in evaluation.findings:
        change = changes.get(finding.fingerprint)
        if change is None:
            continue
        rule = report_data.rules.get(finding.rule_id)
        items.append(
            AlertItem(
                fingerprint=finding.fingerprint,
                rule_id=finding.rule_id,
                severity=finding.severity,
                title=finding.title,
                resource_id=finding.resource_id,
                resource_name=finding.resource_name,
                risk_score=finding.risk_score,
                path_text=report_data.path_text(finding),
                remediation=rule.remediation if rule else "",
                change=change,
                scan_id=report_data.scan_id,
            )
        )
    # A finding fixed or accepted before its digest went out is no news.
    still_open = {f.fingerprint for f in evaluation.findings if f.status == "open"}
    dropped = state.discard_pending(keep=still_open)
    if dropped:
        logger.info("dropped %d waiting alert item(s) no longer open", dropped)
    summary = AlertRunSummary()
    summary.queued = route_alerts(
        settings=settings, state=state, items=items, now=moment
    )
    flushed = flush_alerts(settings=settings, state=state, now=moment)
    summary.sent = flushed.sent
    summary.undelivered = flushed.undelivered
    summary.errors = flushed.errors
    return summary
