"""The report formats, one table: name, file suffix, description and renderer.

Every caller (the `report` command, `scan --report`) writes through
`write_report`, so adding a format is one row here and one renderer module.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toxicpath.report.formats.cef import render_cef
from toxicpath.report.formats.csv_report import render_csv
from toxicpath.report.formats.html import render_html
from toxicpath.report.formats.json_report import render_json
from toxicpath.report.formats.ocsf import render_ocsf
from toxicpath.report.formats.sarif import render_sarif
from toxicpath.report.model import ReportData

logger = logging.getLogger(__name__)


class ReportSpecError(ValueError):
    """A `FORMAT:FILE` value with an unknown format or no file."""


@dataclass(frozen=True)
class ReportFormat:
    """One report format."""

    name: str
    suffix: str
    description: str
    render: Callable[[ReportData], str]


FORMATS: dict[str, ReportFormat] = {
    entry.name: entry
    for entry in (
        ReportFormat(
            "json", ".json", "toxicpath JSON report (documented schema)", render_json
        ),
        ReportFormat(
            "sarif", ".sarif", "SARIF 2.1.0 for code-scanning tools", render_sarif
        ),
        ReportFormat("csv", ".csv", "one row per finding", render_csv),
        ReportFormat(
            "ocsf",
            ".ocsf.jsonl",
            "OCSF Detection Finding events, JSON Lines",
            render_ocsf,
        ),
        ReportFormat("cef", ".cef", "ArcSight CEF lines for syslog", render_cef),
        ReportFormat("html", ".html", "HTML report for auditors", render_html),
    )
}


def get_format(name: str) -> ReportFormat:
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise ReportSpecError(
            f"unknown report format {name!r}; use one of {', '.join(FORMATS)}"
        ) from None


def parse_report_spec(spec: str) -> tuple[ReportFormat, Path]:
    """Split `FORMAT:FILE` (for example `sarif:out/scan.sarif`)."""
    name, separator, file_name = spec.partition(":")
    if not separator or not file_name:
        raise ReportSpecError(
            f"--report {spec!r} is not FORMAT:FILE; write for example "
            f"sarif:scan.sarif (formats: {', '.join(FORMATS)})"
        )
    return get_format(name), Path(file_name).expanduser()


def write_report(data: ReportData, *, report_format: ReportFormat, path: Path) -> Path:
    """Render and write one report; the file appears whole or not at all."""
    text = report_format.render(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    logger.info(
        "wrote the %s report of scan %s to %s", report_format.name, data.scan_id, path
    )
    return path
