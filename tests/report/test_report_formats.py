"""Every report format of a demo scan: schema validation and escaping."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from typer.testing import CliRunner

from toxicpath.job import JobResult
from toxicpath.report.build import accepted_risks
from toxicpath.report.formats.cef import cef_line, escape_extension, escape_header
from toxicpath.report.formats.html import account_coverage
from toxicpath.report.formats.json_report import SCHEMA_PATH, report_document
from toxicpath.report.formats.ocsf import render_ocsf
from toxicpath.report.formats.sarif import sarif_document
from toxicpath.report.model import CoverageRow
from toxicpath.report.registry import FORMATS, parse_report_spec, write_report
from toxicpath.ui.cli.main import app

SARIF_SCHEMA = (
    Path(__file__).resolve().parents[1] / "data" / "report" / ("sarif-2.1.0-rtm.5.json")
)


def _json_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )


def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def test_json_report_matches_schema(demo_result: JobResult) -> None:
    document = report_document(demo_result.report)
    errors = list(_json_validator().iter_errors(document))
    assert errors == []
    assert document["summary"]["open_by_severity"]["critical"] >= 1
    assert len(document["findings"]) == len(demo_result.evaluation.findings)


def test_json_schema_rejects_bad_severity(demo_result: JobResult) -> None:
    document = report_document(demo_result.report)
    document["findings"][0]["severity"] = "urgent"
    errors = list(_json_validator().iter_errors(document))
    assert len(errors) == 1


def test_sarif_matches_official_schema(demo_result: JobResult) -> None:
    document = sarif_document(demo_result.report)
    errors = list(_sarif_validator().iter_errors(document))
    assert errors == []
    results = document["runs"][0]["results"]
    assert len(results) == len(demo_result.evaluation.findings)
    assert all(r["partialFingerprints"]["toxicpath/v1"] for r in results)


def test_sarif_schema_rejects_bad_level(demo_result: JobResult) -> None:
    document = sarif_document(demo_result.report)
    document["runs"][0]["results"][0]["level"] = "critical"
    errors = list(_sarif_validator().iter_errors(document))
    assert errors


def test_sarif_path_becomes_code_flow(demo_result: JobResult) -> None:
    document = sarif_document(demo_result.report)
    with_path = [r for r in document["runs"][0]["results"] if "codeFlows" in r]
    assert with_path
    steps = with_path[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert steps[0]["location"]["logicalLocations"][0]["fullyQualifiedName"]


def test_ocsf_events_validate_as_detection_findings(demo_result: JobResult) -> None:
    lines = render_ocsf(demo_result.report).splitlines()
    assert len(lines) == len(demo_result.evaluation.findings)
    for line in lines:
        event = DetectionFinding.model_validate(json.loads(line))
        assert event.class_uid == 2004
        assert event.finding_info.uid


def test_ocsf_model_rejects_missing_finding_info(demo_result: JobResult) -> None:
    event = json.loads(render_ocsf(demo_result.report).splitlines()[0])
    del event["finding_info"]
    with pytest.raises(ValueError, match="finding_info"):
        DetectionFinding.model_validate(event)


def test_csv_has_one_row_per_finding(demo_result: JobResult) -> None:
    text = FORMATS["csv"].render(demo_result.report)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(demo_result.evaluation.findings)
    assert {row["severity"] for row in rows} >= {"critical", "high"}


def test_csv_neutralizes_formula_cells(demo_result: JobResult) -> None:
    data = demo_result.report
    finding = replace(data.findings[0], resource_name='=HYPERLINK("x")')
    text = FORMATS["csv"].render(replace(data, findings=[finding]))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["resource_name"] == '\'=HYPERLINK("x")'


def test_cef_escapes_header_characters() -> None:
    assert escape_header("a|b\\c") == "a\\|b\\\\c"


def test_cef_escapes_extension_characters() -> None:
    assert escape_extension("k=v\\x\ny") == "k\\=v\\\\x\\ny"


def _split_cef_header(line: str) -> list[str]:
    """Split a CEF line at its first seven unescaped pipes, undoing header escapes."""
    fields, current, index = [], "", 0
    while index < len(line):
        char = line[index]
        if char == "\\" and len(fields) < 7:
            current += line[index + 1]
            index += 2
            continue
        if char == "|" and len(fields) < 7:
            fields.append(current)
            current = ""
        else:
            current += char
        index += 1
    return [*fields, current]


def test_cef_line_has_seven_header_fields(demo_result: JobResult) -> None:
    data = demo_result.report
    finding = replace(data.findings[0], title="Title | with = and \\")
    fields = _split_cef_header(cef_line(data, finding))
    assert len(fields) == 8
    assert fields[0] == "CEF:0"
    assert fields[4] == finding.rule_id
    assert fields[5] == "Title | with = and \\"
    assert fields[6] in {"10", "8", "5", "3", "1"}
    assert "msg=Title | with \\= and \\\\" in fields[7]


def test_html_escapes_estate_text(demo_result: JobResult) -> None:
    data = demo_result.report
    finding = replace(data.findings[0], resource_name="<script>alert(1)</script>")
    html = FORMATS["html"].render(replace(data, findings=[finding]))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_lists_not_evaluated_services(demo_result: JobResult) -> None:
    data = demo_result.report
    failed = CoverageRow(
        cloud="aws",
        account="210987654321",
        region="eu-west-1",
        service="rds",
        status="access_denied",
        reason="AccessDenied on DescribeDBInstances",
    )
    html = FORMATS["html"].render(
        replace(data, coverage=[*(data.coverage or []), failed])
    )
    assert "not evaluated (access_denied)" in html
    assert "AccessDenied on DescribeDBInstances" in html
    assert "Compliance summary" in html
    assert "Trend across scans" in html


def test_html_shows_unknown_coverage(demo_result: JobResult) -> None:
    html = FORMATS["html"].render(replace(demo_result.report, coverage=None))
    assert "Coverage unknown" in html


def test_write_report_every_format(demo_result: JobResult, tmp_path: Path) -> None:
    for name, report_format in FORMATS.items():
        path = write_report(
            demo_result.report,
            report_format=report_format,
            path=tmp_path / f"out{report_format.suffix}",
        )
        assert path.stat().st_size > 0, name


def test_report_spec_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        parse_report_spec("pdf:out.pdf")


def test_report_spec_needs_file() -> None:
    with pytest.raises(ValueError, match="is not FORMAT:FILE"):
        parse_report_spec("sarif")


def test_report_command_writes_sarif(
    demo_result: JobResult, demo_store: Path, tmp_path: Path
) -> None:
    output = tmp_path / "scan.sarif"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "--format",
            "sarif",
            "--output",
            str(output),
            "--store",
            str(demo_store),
        ],
    )
    assert result.exit_code == 0
    document = json.loads(output.read_text(encoding="utf-8"))
    assert list(_sarif_validator().iter_errors(document)) == []
    assert document["runs"][0]["automationDetails"]["id"] == (
        f"toxicpath/{demo_result.outcome.scan.id}"
    )


def test_report_command_rejects_empty_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "--format", "json", "--store", str(tmp_path / "empty.lbdb")]
    )
    assert result.exit_code == 2
    assert "contains no scan" in result.stderr


def test_account_coverage_puts_gaps_first() -> None:
    rows = [
        CoverageRow(
            cloud="aws", account="111", region="us-east-1", service="s3", status="ok"
        ),
        CoverageRow(
            cloud="aws", account="222", region="us-east-1", service="s3", status="ok"
        ),
        CoverageRow(
            cloud="aws",
            account="222",
            region="eu-west-1",
            service="rds",
            status="error",
        ),
    ]
    summaries = account_coverage(rows)
    assert [s.account for s in summaries] == ["222", "111"]
    assert summaries[0].regions == 2
    assert summaries[0].evaluated == 1
    assert summaries[0].not_evaluated == 1


def test_sarif_baseline_state_marks_new(demo_result: JobResult) -> None:
    data = demo_result.report
    first = data.sorted_findings()[0].fingerprint
    compared = replace(data, baseline="scan-0", new_fingerprints=frozenset({first}))
    document = sarif_document(compared)
    states = {
        r["partialFingerprints"]["toxicpath/v1"]: r["baselineState"]
        for r in document["runs"][0]["results"]
    }
    assert states[first] == "new"
    assert set(states.values()) == {"new", "unchanged"}
    assert list(_sarif_validator().iter_errors(document)) == []


def test_ocsf_activity_follows_baseline(demo_result: JobResult) -> None:
    data = demo_result.report
    first = data.sorted_findings()[0].fingerprint
    compared = replace(data, baseline="scan-0", new_fingerprints=frozenset({first}))
    events = [json.loads(line) for line in render_ocsf(compared).splitlines()]
    activities = {e["finding_info"]["uid"]: e["activity_id"] for e in events}
    assert activities[first] == 1
    assert sorted(set(activities.values())) == [1, 2]


def test_accepted_risk_shows_owner(demo_result: JobResult, tmp_path: Path) -> None:
    data = demo_result.report
    target = data.sorted_findings()[0]
    acceptance_file = tmp_path / "acceptances.yaml"
    acceptance_file.write_text(
        "acceptances:\n"
        f"  - fingerprint: {target.fingerprint}\n"
        "    owner: data-team@example.com\n"
        "    justification: Partner downloads, reviewed quarterly.\n"
        "    expires: 2099-01-31\n",
        encoding="utf-8",
    )
    accepted = replace(target, status="accepted", status_reason="accepted")
    risks = accepted_risks([accepted, *data.findings[1:]], acceptance_file)
    assert len(risks) == 1
    assert risks[0].owner == "data-team@example.com"
    assert risks[0].review_date == "2099-01-31"
    html = FORMATS["html"].render(replace(data, accepted=risks))
    assert "data-team@example.com" in html
    assert "2099-01-31" in html
