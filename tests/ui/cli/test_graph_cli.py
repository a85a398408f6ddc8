"""`demo` store choice and `paths` option checks, run as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

AUTHZ = "aws/authorization-details/example-authz-details.json"


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m toxicpath ARGS` with HOME (and so the data folder) in tmp."""
    env = {**os.environ, "COLUMNS": "200", "HOME": str(home)}
    for name in ("TOXICPATH_STORE", "XDG_DATA_HOME"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "toxicpath", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    store = home / "demo.lbdb"
    result = run_cli("demo", "--store", str(store), home=home)
    assert result.returncode == 0, result.stderr
    return store


def test_demo_keeps_default_store(tmp_path: Path, shared_data: Path) -> None:
    scanned = run_cli("scan", "--input", str(shared_data / AUTHZ), home=tmp_path)
    assert scanned.returncode == 0, scanned.stderr
    data = tmp_path / ".local" / "share" / "toxicpath"
    before = (data / "graph.lbdb").read_bytes()
    result = run_cli("demo", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (data / "graph.lbdb").read_bytes() == before
    assert (data / "demo.lbdb").read_bytes()[:4] == b"LBUG"
    assert f"paths --store {data / 'demo.lbdb'}" in result.stderr


def test_demo_json_names_store(tmp_path: Path) -> None:
    store = tmp_path / "mine.lbdb"
    result = run_cli("demo", "--store", str(store), "-o", "json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f'"store": "{store}"' in result.stdout


@pytest.mark.parametrize("option", ["--top", "--per-target"])
def test_paths_rejects_negative_counts(
    demo_store: Path, tmp_path: Path, option: str
) -> None:
    result = run_cli("paths", "--store", str(demo_store), option, "-5", home=tmp_path)
    assert result.returncode == 2
    assert option in result.stderr


def test_paths_unknown_entry_exits_two(demo_store: Path, tmp_path: Path) -> None:
    result = run_cli(
        "paths", "--store", str(demo_store), "--entry", "nosuch", home=tmp_path
    )
    assert result.returncode == 2
    assert "--entry 'nosuch': unknown node id" in " ".join(result.stderr.split())


def test_paths_unknown_target_exits_two(demo_store: Path, tmp_path: Path) -> None:
    result = run_cli(
        "paths", "--store", str(demo_store), "--target", "nosuch", home=tmp_path
    )
    assert result.returncode == 2
    assert "--target 'nosuch': unknown node id" in " ".join(result.stderr.split())


def test_paths_top_limits_count(demo_store: Path, tmp_path: Path) -> None:
    result = run_cli(
        "paths", "--store", str(demo_store), "--top", "2", "-o", "json", home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"risk"') == 2
