"""`toxicpath ui`: the streamlit command line and its checks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toxicpath.ui.cli import ui_cmd
from toxicpath.ui.cli.main import app


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_command_binds_loopback_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "graph.lbdb"
    store.write_bytes(b"")
    started: list[tuple[list[str], dict[str, str]]] = []

    def fake_execve(path: str, command: list[str], env: dict[str, str]) -> None:
        started.append((command, env))

    monkeypatch.setattr(ui_cmd.os, "execve", fake_execve)
    result = CliRunner().invoke(app, ["ui", "--store", str(store), "--port", "8600"])
    assert result.exit_code == 0, result.output
    command, env = started[0]
    assert command[0] == sys.executable
    assert command[1:5] == ["-m", "streamlit", "run", str(ui_cmd.APP_SCRIPT)]
    assert option(command, "--server.address") == "127.0.0.1"
    assert option(command, "--server.port") == "8600"
    assert option(command, "--server.headless") == "true"
    assert option(command, "--browser.gatherUsageStats") == "false"
    assert env[ui_cmd.STORE_ENV] == str(store.resolve())


def test_command_host_option(tmp_path: Path) -> None:
    command = ui_cmd.streamlit_command(host="0.0.0.0", port=9000)
    assert option(command, "--server.address") == "0.0.0.0"


def test_command_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.lbdb"
    result = CliRunner().invoke(app, ["ui", "--store", str(missing)])
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.output.split())


def test_command_invalid_port(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ui", "--port", "70000"])
    assert result.exit_code == 2
    assert "not a TCP port" in " ".join(result.output.split())
