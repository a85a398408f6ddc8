"""Wrong store paths through the CLI: one error line, exit 3, nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AUTHZ = "aws/authorization-details/example-authz-details.json"


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "HOME": str(home)}
    env.pop("TOXICPATH_STORE", None)
    env.pop("XDG_DATA_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "toxicpath", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_scan_keeps_garbage_store_file(tmp_path: Path, shared_data: Path) -> None:
    target = tmp_path / "garbage.lbdb"
    target.write_text("garbage\n")
    result = run_cli(
        "scan",
        "--input",
        str(shared_data / AUTHZ),
        "--store",
        str(target),
        home=tmp_path,
    )
    assert result.returncode == 3, result.stderr
    assert "not a LadybugDB database" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_text() == "garbage\n"


def test_scan_folder_store_leaves_nothing(tmp_path: Path, shared_data: Path) -> None:
    work = tmp_path / "work"
    folder = work / "graph.lbdb"
    folder.mkdir(parents=True)
    result = run_cli(
        "scan",
        "--input",
        str(shared_data / AUTHZ),
        "--store",
        str(folder),
        home=tmp_path,
    )
    assert result.returncode == 3, result.stderr
    assert "is a folder" in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["graph.lbdb"]
    assert list(folder.iterdir()) == []


def test_paths_http_store_is_error(tmp_path: Path) -> None:
    result = run_cli("paths", "--store", "http://127.0.0.1:1", home=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "unsupported store" in result.stderr
    assert "Traceback" not in result.stderr
