"""The HTML report for auditors: coverage, findings, acceptances, compliance, trend."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from toxicpath.report.formats.html_template import TEMPLATE
from toxicpath.report.model import SEVERITY_ORDER, CoverageRow, ReportData

# Autoescaping is on for the whole template: every value (resource names,
# evidence, reasons) comes from the scanned estate and may contain markup.
_ENVIRONMENT = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
)


@dataclass(frozen=True)
class AccountCoverage:
    """Coverage of one account: regions seen, services read and not read."""

    cloud: str
    account: str
    regions: int
    evaluated: int
    not_evaluated: int


def account_coverage(rows: list[CoverageRow]) -> list[AccountCoverage]:
    """Sum coverage rows per cloud and account, accounts with gaps first."""
    grouped: dict[tuple[str, str], list[CoverageRow]] = {}
    for row in rows:
        grouped.setdefault((row.cloud, row.account), []).append(row)
    summaries = [
        AccountCoverage(
            cloud=cloud,
            account=account,
            regions=len({row.region for row in group}),
            evaluated=sum(1 for row in group if row.evaluated),
            not_evaluated=sum(1 for row in group if not row.evaluated),
        )
        for (cloud, account), group in grouped.items()
    ]
    return sorted(summaries, key=lambda s: (-s.not_evaluated, s.cloud, s.account))


def render_html(data: ReportData) -> str:
    template = _ENVIRONMENT.from_string(TEMPLATE)
    coverage_rows = sorted(
        data.coverage or [],
        key=lambda row: (
            row.evaluated,
            row.cloud,
            row.account,
            row.region,
            row.service,
        ),
    )
    return template.render(
        account_rows=account_coverage(data.coverage or []),
        data=data,
        counts=data.open_counts(),
        new_count=sum(1 for f in data.findings if data.is_new(f)),
        not_evaluated=data.not_evaluated(),
        coverage_rows=coverage_rows,
        findings=data.sorted_findings(),
        severities=SEVERITY_ORDER,
    )
