"""The foreground scheduler: cron parsing, runs, logs and stopping on signals."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toxicpath.schedule import ScheduleError, Scheduler, next_run, validate_cron
from toxicpath.ui.cli.main import app


def test_next_run_of_nightly_cron() -> None:
    after = datetime(2026, 3, 2, 2, 0, 30, tzinfo=UTC)
    assert next_run("0 2 * * *", after) == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("expression", ["0 2 * *", "61 * * * *", "every day"])
def test_invalid_cron_is_rejected(expression: str) -> None:
    with pytest.raises(ScheduleError, match="is not a cron expression"):
        validate_cron(expression)


def test_scheduler_needs_command() -> None:
    with pytest.raises(ScheduleError, match="no command to schedule"):
        Scheduler(cron="* * * * *", arguments=[])


def test_schedule_cli_rejects_bad_cron() -> None:
    result = CliRunner().invoke(app, ["schedule", "--cron", "bad", "--", "version"])
    assert result.exit_code == 2
    assert "is not a cron expression" in result.stderr


def test_scheduler_runs_and_logs_exit_codes(caplog: pytest.LogCaptureFixture) -> None:
    # Just before a minute boundary, so every due time is 0.2 s away.
    fixed = datetime(2026, 3, 2, 1, 59, 59, 800000, tzinfo=UTC)
    scheduler = Scheduler(
        cron="* * * * *", arguments=["version"], max_runs=2, clock=lambda: fixed
    )
    with caplog.at_level(logging.INFO, logger="toxicpath.schedule"):
        scheduler.run()
    assert scheduler.exit_codes == [0, 0]
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("run 1 started at") for m in messages)
    assert any("run 2 ended at" in m and "exit code 0" in m for m in messages)
    assert messages[-1] == "scheduler stopped after 2 run(s)"


def test_scheduler_logs_failing_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fixed = datetime(2026, 3, 2, 1, 59, 59, 800000, tzinfo=UTC)
    scheduler = Scheduler(
        cron="* * * * *",
        arguments=[
            "scan",
            "--input",
            str(tmp_path / "absent-estate"),
            "--store",
            str(tmp_path / "graph.lbdb"),
            "--quiet",
        ],
        max_runs=1,
        clock=lambda: fixed,
    )
    with caplog.at_level(logging.INFO, logger="toxicpath.schedule"):
        scheduler.run()
    assert scheduler.exit_codes == [2]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("exit code 2" in m for m in errors)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_schedule_stops_on_signal(signum: int) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toxicpath",
            "schedule",
            "--cron",
            "0 2 * * *",
            "--",
            "version",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline and "next run at" not in line:
        line = process.stderr.readline()
    assert "next run at" in line
    process.send_signal(signum)
    rest = process.stderr.read()
    code = process.wait(timeout=30)
    assert code == 0
    assert "stopping the scheduler" in rest
    assert "scheduler stopped after 0 run(s)" in rest
