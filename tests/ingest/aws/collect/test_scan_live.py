"""`toxicpath scan` without --input collects live, here from the moto lab."""

from __future__ import annotations

import json
from pathlib import Path

from labs.aws_lab import AwsLab
from typer.testing import CliRunner

from toxicpath.ingest.snapshot import read_snapshot
from toxicpath.ui.cli.main import app


def test_scan_without_input_collects(aws_lab: AwsLab, tmp_path: Path) -> None:
    store = tmp_path / "graph.lbdb"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            "--store",
            str(store),
            "--regions",
            "us-east-1",
            "--no-alerts",
            "--output",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    collected = list((tmp_path / "snapshots").glob("collected-aws-*.jsonl.gz"))
    assert len(collected) == 1
    snapshot = read_snapshot(collected[0])
    assert aws_lab.management_account_id in snapshot.metadata["accounts"]
    document = json.loads(result.stdout)
    assert document["paths"], "the lab's attack paths must be ranked"
