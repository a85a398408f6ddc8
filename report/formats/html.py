"""The HTML report for auditors: coverage, findings, acceptances, compliance, trend."""

from __future__ import annotations

import jinja2

from toxicpath.report.formats.html_template import TEMPLATE
from toxicpath.report.model import SEVERITY_ORDER, ReportData

# Autoescaping is on for the whole template: every value (resource names,
# evidence, reasons) comes from the scanned estate and may contain markup.
_ENVIRONMENT = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
)


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
        data=data,
        counts=data.open_counts(),
        new_count=sum(1 for f in data.findings if data.is_new(f)),
        not_evaluated=data.not_evaluated(),
        coverage_rows=coverage_rows,
        findings=data.sorted_findings(),
        severities=SEVERITY_ORDER,
    )
