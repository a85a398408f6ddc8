"""`toxicpath collect aws` against the moto lab."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from labs.aws_lab import AwsLab
from typer.testing import CliRunner

from toxicpath.ingest.snapshot import read_snapshot
from toxicpath.ui.cli.collect_cmd import app, split_list


@pytest.fixture(autouse=True)
def _restore_root_handlers() -> Iterator[None]:
    """Drop the log handlers a command installs on CliRunner's temporary stderr."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    level = root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_command_writes_snapshot(aws_lab: AwsLab, tmp_path: Path) -> None:
    path = tmp_path / "lab.jsonl.gz"
    result = CliRunner().invoke(
        app,
        [
            "aws",
            "--regions",
            "us-east-1",
            "--services",
            "sts,sqs",
            "--services",
            "lambda",
            "--workers",
            "2",
            "--max-attempts",
            "2",
            "--output",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(str(path))
    snapshot = read_snapshot(path)
    services = {entry.service for entry in snapshot.coverage}
    assert services == {"sts", "sqs", "lambda"}
    assert snapshot.metadata["accounts"] == [aws_lab.management_account_id]


def test_command_rejects_unknown_service(aws_lab: AwsLab, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["aws", "--services", "iam,lambada", "--output", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "unknown AWS service(s) lambada" in _one_line(result.output)


def test_command_rejects_foreign_account(aws_lab: AwsLab, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["aws", "--accounts", "111122223333", "--output", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "--accounts does not list" in _one_line(result.output)
    assert not (tmp_path / "x").exists()


def test_split_list_flattens_values() -> None:
    assert split_list(["a,b", " c ", "", "d,,"]) == ("a", "b", "c", "d")
    assert split_list(None) == ()
