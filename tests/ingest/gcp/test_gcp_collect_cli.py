"""`collect gcp` writes a snapshot from the local Google API server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from gcp_api_server import gcp_api_server
from google.oauth2.credentials import Credentials
from typer.testing import CliRunner

from toxicpath.ingest.gcp import collect
from toxicpath.ingest.snapshot import read_snapshot
from toxicpath.ui.cli import collect_gcp_cmd


def cli_app() -> typer.Typer:
    app = typer.Typer()
    app.command("gcp")(collect_gcp_cmd.gcp)
    # A second command keeps typer from turning `gcp` into the root command.
    app.command("version")(lambda: None)
    return app


def test_collect_gcp_writes_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []

    def fake_credentials(**options: Any) -> Credentials:
        seen.append(options)
        return Credentials(token="fake-token")

    monkeypatch.setattr(collect, "build_credentials", fake_credentials)
    output = tmp_path / "gcp.snapshot.jsonl.gz"
    with gcp_api_server() as (endpoint, _):
        result = CliRunner().invoke(
            cli_app(),
            [
                "gcp",
                "--project",
                "prod-app,dev-sandbox",
                "--impersonate",
                "reader@ops.iam.gserviceaccount.com",
                "--endpoint",
                endpoint,
                "--output",
                str(output),
            ],
        )
    assert result.exit_code == 0, result.output
    assert seen == [
        {"impersonate": "reader@ops.iam.gserviceaccount.com", "quota_project": ""}
    ]
    snapshot = read_snapshot(output)
    assert snapshot.metadata["gcp"]["projects"] == ["dev-sandbox", "prod-app"]
    statuses = {(c.account, c.service): c.status for c in snapshot.coverage}
    assert statuses[("projects/dev-sandbox", "cloudasset")] == "not_enabled"


def test_collect_gcp_needs_scope() -> None:
    result = CliRunner().invoke(cli_app(), ["gcp"])
    assert result.exit_code == 2
    assert "--organization" in result.output


def test_missing_adc_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "none.json"))
    result = CliRunner().invoke(cli_app(), ["gcp", "--project", "p1"])
    assert result.exit_code == 2
    assert "Application Default Credentials" in result.output
