"""`toxicpath findings`, `diff`, `accept`, `compliance`, `rules` and `choke-points`.

Each command takes a store spec (`--store`) and works on the store's
current scan; history and the acceptance file live beside the store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from toxicpath.ui.cli.common import (
    ExitCode,
    OutputOption,
    StoreOption,
    fail,
    handle_errors,
)
from toxicpath.ui.cli.output import OutputFormat, emit_json, emit_table, stderr_console

PoliciesOption = Annotated[
    Path | None,
    typer.Option(
        "--policies",
        envvar="TOXICPATH_POLICIES",
        help="Custom policy YAML file or folder to run with the rule library.",
    ),
]
AcceptancesOption = Annotated[
    Path | None,
    typer.Option(
        "--acceptances",
        envvar="TOXICPATH_ACCEPTANCES",
        help="Risk acceptance YAML file (default: acceptances.yaml beside the store).",
    ),
]
_SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


def _at_least(severity: str, minimum: str) -> bool:
    return _SEVERITY_ORDER.index(severity) <= _SEVERITY_ORDER.index(minimum)


def _check_severity(value: str | None, option: str) -> None:
    if value is not None and value not in _SEVERITY_ORDER:
        raise fail(
            f"{option} {value!r} is not a severity; use one of "
            f"{', '.join(_SEVERITY_ORDER)}",
            ExitCode.INPUT,
        )


def findings(
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    policies: PoliciesOption = None,
    acceptances: AcceptancesOption = None,
    severity: Annotated[
        str | None, typer.Option(help="Only findings of this severity or higher.")
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="Also list accepted and suppressed findings."),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(help="Record this scan's findings in the history file."),
    ] = True,
    fail_on: Annotated[
        str | None,
        typer.Option(
            help="Exit with status 1 when an open finding has this severity or higher."
        ),
    ] = None,
) -> None:
    """Run the rules on the current scan and list its findings, riskiest first."""
    _check_severity(severity, "--severity")
    _check_severity(fail_on, "--fail-on")
    _findings(store, output, policies, acceptances, severity, show_all, record, fail_on)


@handle_errors
def _findings(
    store: str | None,
    output: OutputFormat,
    policies: Path | None,
    acceptances: Path | None,
    severity: str | None,
    show_all: bool,
    record: bool,
    fail_on: str | None,
) -> None:
    from toxicpath.findings.evaluate import (
        default_acceptance_file,
        evaluate_store,
        history_for_store,
        record_evaluation,
    )
    from toxicpath.graph.open import open_store

    graph = open_store(store, read_only=True)
    try:
        evaluation = evaluate_store(
            graph,
            policies=policies,
            acceptances=acceptances or default_acceptance_file(store),
        )
    finally:
        graph.close()
    if record:
        record_evaluation(history_for_store(store), evaluation)
    listed = [
        f
        for f in evaluation.findings
        if (show_all or f.status == "open")
        and (severity is None or _at_least(f.severity, severity))
    ]
    if output is OutputFormat.json:
        emit_json(
            {
                "scan": evaluation.scan.id if evaluation.scan else None,
                "findings": [f.to_dict() for f in listed],
                "rules_not_evaluated": [
                    {"rule_id": r.rule_id, "error": r.error}
                    for r in evaluation.failures
                ],
            }
        )
    else:
        rows = [
            {
                "severity": f.severity,
                "risk": f.risk_score,
                "rule": f.rule_id,
                "resource": f.resource_name or f.resource_id,
                "status": f.status,
                "path": " → ".join(f.path.edge_types),
                "fingerprint": f.fingerprint,
            }
            for f in listed
        ]
        emit_table(
            rows,
            columns=[
                ("severity", "Severity"),
                ("risk", "Risk"),
                ("rule", "Rule"),
                ("resource", "Resource"),
                ("status", "Status"),
                ("path", "Path"),
                ("fingerprint", "Fingerprint"),
            ],
            title=(
                f"{len(evaluation.open)} open findings, "
                f"{len(evaluation.findings)} in total"
            ),
        )
        for failure in evaluation.failures:
            typer.echo(f"not evaluated: {failure.rule_id}: {failure.error}", err=True)
    if fail_on is not None and any(
        _at_least(f.severity, fail_on) for f in evaluation.open
    ):
        raise typer.Exit(int(ExitCode.FINDINGS))


def diff(
    scan_a: Annotated[
        str | None, typer.Argument(help="Older scan id (default: the second newest).")
    ] = None,
    scan_b: Annotated[
        str | None, typer.Argument(help="Newer scan id (default: the newest).")
    ] = None,
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Show findings that are new, resolved or changed between two recorded scans."""
    _diff(scan_a, scan_b, store, output)


@handle_errors
def _diff(
    scan_a: str | None, scan_b: str | None, store: str | None, output: OutputFormat
) -> None:
    from toxicpath.findings.evaluate import history_for_store
    from toxicpath.findings.history import HistoryError

    history = history_for_store(store)
    scans = [s.id for s in history.scans()]
    if scan_a is None or scan_b is None:
        if len(scans) < 2:
            raise fail(
                f"the history at {history.path} contains {len(scans)} scans; run "
                "`toxicpath findings` after at least two scans, or name two scan ids",
                ExitCode.INPUT,
            )
        scan_a, scan_b = scan_a or scans[-2], scan_b or scans[-1]
    try:
        result = history.diff(scan_a, scan_b)
    except HistoryError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    if output is OutputFormat.json:
        emit_json(
            {
                "scan_a": scan_a,
                "scan_b": scan_b,
                "new": [f.to_dict() for f in result.new],
                "resolved": [f.to_dict() for f in result.resolved],
                "changed": [
                    {
                        "before": c.before.to_dict(),
                        "after": c.after.to_dict(),
                        "changes": list(c.changes),
                    }
                    for c in result.changed
                ],
            }
        )
        return
    rows = [
        {
            "change": "new",
            "severity": f.severity,
            "rule": f.rule_id,
            "resource": f.resource_id,
        }
        for f in result.new
    ]
    rows += [
        {
            "change": "resolved",
            "severity": f.severity,
            "rule": f.rule_id,
            "resource": f.resource_id,
        }
        for f in result.resolved
    ]
    rows += [
        {
            "change": "changed: " + ", ".join(c.changes),
            "severity": c.after.severity,
            "rule": c.after.rule_id,
            "resource": c.after.resource_id,
        }
        for c in result.changed
    ]
    emit_table(
        rows,
        columns=[
            ("change", "Change"),
            ("severity", "Severity"),
            ("rule", "Rule"),
            ("resource", "Resource"),
        ],
        title=f"{scan_a} → {scan_b}",
    )


def accept(
    owner: Annotated[str, typer.Option(help="Person or team who takes the risk.")],
    justification: Annotated[str, typer.Option(help="Why the risk is acceptable.")],
    expires: Annotated[
        str, typer.Option(help="Last day the acceptance applies, as YYYY-MM-DD.")
    ],
    fingerprint: Annotated[
        str | None, typer.Option(help="Fingerprint of one finding.")
    ] = None,
    rule: Annotated[
        str | None, typer.Option(help="Rule id, to accept every matching finding.")
    ] = None,
    resource: Annotated[
        str, typer.Option(help="Resource id glob (fnmatch) limiting --rule.")
    ] = "*",
    compensating_control: Annotated[
        str, typer.Option(help="What reduces the risk meanwhile.")
    ] = "",
    suppress: Annotated[
        bool,
        typer.Option(help="Mark as a false positive (suppressed) instead of accepted."),
    ] = False,
    store: StoreOption = None,
    acceptances: AcceptancesOption = None,
    policies: PoliciesOption = None,
) -> None:
    """Add a risk acceptance or suppression to the reviewable acceptance file.

    Pass exactly one of --fingerprint and --rule. The rule must be in the rule
    library or the --policies file, and --expires today or later. A
    fingerprint must have the fingerprint form; one absent from the latest
    recorded scan is still recorded, with a warning, because a risk can be
    accepted before the scan that finds it.
    """
    _accept(
        owner,
        justification,
        expires,
        fingerprint,
        rule,
        resource,
        compensating_control,
        suppress,
        store,
        acceptances,
        policies,
    )


@handle_errors
def _accept(
    owner: str,
    justification: str,
    expires: str,
    fingerprint: str | None,
    rule: str | None,
    resource: str,
    compensating_control: str,
    suppress: bool,
    store: str | None,
    acceptances: Path | None,
    policies: Path | None,
) -> None:
    from pydantic import ValidationError

    from toxicpath.findings.acceptance import (
        Acceptance,
        AcceptanceError,
        save_acceptance,
    )
    from toxicpath.findings.evaluate import default_acceptance_file

    if fingerprint is not None and rule is not None:
        raise fail(
            "--fingerprint and --rule are exclusive: pass --fingerprint for one "
            "finding, or --rule with an optional --resource glob",
            ExitCode.INPUT,
        )
    for option, value in (
        ("--owner", owner),
        ("--justification", justification),
        ("--compensating-control", compensating_control),
        ("--resource", resource),
    ):
        if any(ord(character) < 32 or ord(character) == 127 for character in value):
            raise fail(
                f"{option} must be one line of text without control characters "
                "such as newlines; rewrite it as a single line",
                ExitCode.INPUT,
            )
    try:
        expiry = date.fromisoformat(expires)
    except ValueError:
        raise fail(
            f"--expires {expires!r} is not a date; write it as YYYY-MM-DD",
            ExitCode.INPUT,
        ) from None
    today = datetime.now(UTC).date()
    if expiry < today:
        raise fail(
            f"--expires {expires} is in the past; pass today ({today.isoformat()}) "
            "or a later date",
            ExitCode.INPUT,
        )
    if rule is not None:
        _check_rule_exists(rule, policies)
    if fingerprint is not None:
        _check_fingerprint(fingerprint, store)
    try:
        entry = Acceptance(
            fingerprint=fingerprint,
            rule=rule,
            resource=resource,
            status="suppressed" if suppress else "accepted",
            owner=owner,
            justification=justification,
            expires=expiry,
            compensating_control=compensating_control,
        )
    except ValidationError as error:
        raise fail(
            "invalid acceptance: "
            + "; ".join(str(e["msg"]) for e in error.errors())
            + " (pass --fingerprint, or --rule with an optional --resource glob)",
            ExitCode.INPUT,
        ) from None
    path = acceptances or default_acceptance_file(store)
    try:
        save_acceptance(path, entry)
    except AcceptanceError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    typer.echo(f"recorded in {path}: {entry.describe()}")


def _check_rule_exists(rule: str, policies: Path | None) -> None:
    """Exit with INPUT unless `rule` is a library rule or a custom policy."""
    from toxicpath.queries.custom import load_custom_policies
    from toxicpath.queries.loader import RuleLoadError, load_rules

    try:
        extra = load_custom_policies(policies) if policies is not None else []
        loaded = load_rules(check_controls=False, extra=extra)
    except RuleLoadError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    if rule not in {candidate.id for candidate in loaded}:
        raise fail(
            f"--rule {rule!r} is not in the rule library"
            + (f" or {policies}" if policies is not None else "")
            + "; `toxicpath rules` lists the rule ids (pass --policies for a "
            "custom policy)",
            ExitCode.INPUT,
        )


def _check_fingerprint(fingerprint: str, store: str | None) -> None:
    """Exit with INPUT on a malformed fingerprint; warn when no finding has it."""
    import re

    from toxicpath.findings.model import FINGERPRINT_HEX_LENGTH

    if not re.fullmatch(f"[0-9a-f]{{{FINGERPRINT_HEX_LENGTH}}}", fingerprint):
        raise fail(
            f"--fingerprint {fingerprint!r} is not a finding fingerprint "
            f"({FINGERPRINT_HEX_LENGTH} lowercase hex digits); copy it from "
            "`toxicpath findings --output json`",
            ExitCode.INPUT,
        )
    history_file = _existing_history_file(store)
    if history_file is None:
        return
    from toxicpath.findings.history import ScanHistory

    history = ScanHistory(history_file)
    latest = history.latest_scan()
    if latest is None:
        return
    if not any(f.fingerprint == fingerprint for f in history.findings(latest.id)):
        stderr_console.print(
            f"[yellow]warning:[/yellow] no finding with fingerprint {fingerprint} in "
            f"scan {latest.id}; recorded anyway, it applies once a scan finds it",
            highlight=False,
        )


def _existing_history_file(store: str | None) -> Path | None:
    """Return the store's history file if it exists, without creating one."""
    from toxicpath.findings.evaluate import data_folder_for
    from toxicpath.findings.history import history_path_for
    from toxicpath.graph.open import default_store_path

    if store and "://" in store:
        path = data_folder_for(store) / "neo4j.history.sqlite"
    else:
        path = history_path_for(
            Path(store).expanduser() if store else default_store_path()
        )
    return path if path.is_file() else None


def compliance(
    framework: Annotated[
        str, typer.Option(help="Framework key, for example cis_aws_3, soc2 or hipaa.")
    ],
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    policies: PoliciesOption = None,
    acceptances: AcceptancesOption = None,
) -> None:
    """Summarize pass, fail and not evaluated for each control of a framework."""
    _compliance(framework, store, output, policies, acceptances)


@handle_errors
def _compliance(
    framework: str,
    store: str | None,
    output: OutputFormat,
    policies: Path | None,
    acceptances: Path | None,
) -> None:
    from toxicpath.findings.compliance.catalog import CatalogError, get_framework
    from toxicpath.findings.compliance.summary import summarize
    from toxicpath.findings.evaluate import (
        coverage_for_scan,
        default_acceptance_file,
        evaluate_store,
    )
    from toxicpath.graph.open import open_store

    try:
        get_framework(framework)
    except CatalogError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    graph = open_store(store, read_only=True)
    try:
        evaluation = evaluate_store(
            graph,
            policies=policies,
            acceptances=acceptances or default_acceptance_file(store),
        )
    finally:
        graph.close()
    coverage = coverage_for_scan(store, evaluation.scan)
    summary = summarize(
        framework,
        evaluation.findings,
        coverage,
        rules=evaluation.rules,
        failed_rule_ids=[f.rule_id for f in evaluation.failures],
    )
    rows = [
        {
            "control": c.control_id,
            "status": c.status,
            "open": c.open_findings,
            "excepted": c.excepted_findings,
            "title": c.title,
            "reason": c.reason,
        }
        for c in summary.controls
    ]
    if output is OutputFormat.json:
        emit_json(
            {
                "framework": framework,
                "name": summary.framework.name,
                "version": summary.framework.version,
                "coverage_known": coverage is not None,
                "controls": [
                    {
                        **row,
                        "rules": list(c.rule_ids),
                        "failing_findings": list(c.failing_fingerprints),
                    }
                    for row, c in zip(rows, summary.controls, strict=True)
                ],
            }
        )
        return
    fw = summary.framework
    emit_table(
        rows,
        columns=[
            ("control", "Control"),
            ("status", "Status"),
            ("open", "Open"),
            ("excepted", "Accepted"),
            ("title", "Title"),
            ("reason", "Reason"),
        ],
        title=(
            f"{fw.name} {fw.version}: {summary.count('pass')} pass, "
            f"{summary.count('fail')} fail, "
            f"{summary.count('not_evaluated')} not evaluated"
        ),
    )
    if coverage is None:
        typer.echo(
            "coverage unknown: no snapshot kept for this scan, so controls pass "
            "without checking which services were read",
            err=True,
        )


def rules(
    output: OutputOption = OutputFormat.table,
    policies: PoliciesOption = None,
    severity: Annotated[
        str | None, typer.Option(help="Only rules of this severity or higher.")
    ] = None,
    framework: Annotated[
        str | None, typer.Option(help="Only rules mapped to this framework key.")
    ] = None,
) -> None:
    """List the rule library and custom policies with severity and controls."""
    _check_severity(severity, "--severity")
    _rules(output, policies, severity, framework)


@handle_errors
def _rules(
    output: OutputFormat,
    policies: Path | None,
    severity: str | None,
    framework: str | None,
) -> None:
    from toxicpath.queries.custom import load_custom_policies
    from toxicpath.queries.loader import RuleLoadError, load_rules

    try:
        extra = load_custom_policies(policies) if policies is not None else []
        loaded = load_rules(extra=extra)
    except RuleLoadError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    selected = [
        r
        for r in loaded
        if (severity is None or _at_least(r.severity, severity))
        and (framework is None or framework in r.metadata.compliance)
    ]
    if output is OutputFormat.json:
        emit_json([r.metadata.model_dump(mode="json") for r in selected])
        return
    rows = [
        {
            "id": r.id,
            "severity": r.severity,
            "kind": r.metadata.kind,
            "title": r.title,
            "clouds": list(r.metadata.clouds),
            "controls": sum(len(c) for c in r.metadata.compliance.values()),
        }
        for r in selected
    ]
    emit_table(
        rows,
        columns=[
            ("id", "Id"),
            ("severity", "Severity"),
            ("kind", "Kind"),
            ("title", "Title"),
            ("clouds", "Clouds"),
            ("controls", "Controls"),
        ],
        title=f"{len(rows)} rules",
    )


def choke_points(
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    max_edges: Annotated[
        int, typer.Option(help="Maximum number of edges to propose removing.")
    ] = 5,
    any_identity: Annotated[
        bool,
        typer.Option(
            "--any-identity",
            help="Also start paths at every identity, as if any one were compromised.",
        ),
    ] = False,
) -> None:
    """Print the fewest edge removals that cut the most attack-path risk."""
    _choke_points(store, output, max_edges, any_identity)


@handle_errors
def _choke_points(
    store: str | None, output: OutputFormat, max_edges: int, any_identity: bool
) -> None:
    from toxicpath.analysis.scoring.chokepoints import choke_points as compute
    from toxicpath.analysis.scoring.graph import load_attack_graph
    from toxicpath.graph.open import open_store

    graph = open_store(store, read_only=True)
    try:
        attack = load_attack_graph(graph)
    finally:
        graph.close()
    report = compute(attack, max_edges=max_edges, any_identity=any_identity)
    names = {n: str(d.get("name") or n) for n, d in attack.graph.nodes(data=True)}
    rows = [
        {
            "step": step,
            "edges": [
                f"{names[u]} -[{kind}]-> {names[v]}"
                for (u, v), kind in zip(fix.edges, fix.edge_kinds, strict=True)
            ],
            "risk_removed": fix.risk_removed,
            "percent": 100.0 * fix.risk_removed / report.total_risk,
            "protects": [names[t] for t in fix.targets_protected],
        }
        for step, fix in enumerate(report.fixes, start=1)
    ]
    if output is OutputFormat.json:
        emit_json(
            {
                "summary": report.summary(),
                "total_risk": report.total_risk,
                "percent_removed": report.percent_removed,
                "fixes": [
                    {**row, "edge_ids": [list(e) for e in fix.edges]}
                    for row, fix in zip(rows, report.fixes, strict=True)
                ],
            }
        )
        return
    emit_table(
        rows,
        columns=[
            ("step", "Step"),
            ("edges", "Remove"),
            ("percent", "% of risk"),
            ("protects", "Cuts off"),
        ],
        title=report.summary(),
    )
