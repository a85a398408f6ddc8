"""The CLI end to end, run as a user runs it: a subprocess per command."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AUTHZ = "aws/authorization-details/example-authz-details.json"
ACCEPTED_FORMATS_MARK = "Accepted input formats:"


def run_cli(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m toxicpath ARGS --store STORE` with a wide terminal."""
    env = {**os.environ, "COLUMNS": "200", "TOXICPATH_STORE": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "toxicpath", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def node_count(store: Path) -> int:
    result = run_cli(
        "query", "MATCH (n) RETURN count(n) AS nodes", "--output", "json", store=store
    )
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stdout)[0]["nodes"])


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store" / "graph.lbdb"


def test_demo_prints_ranked_paths(store: Path) -> None:
    result = run_cli("demo", store=store)
    assert result.returncode == 0, result.stderr
    assert "Top attack paths" in result.stdout
    assert "#1  risk" in result.stdout
    # The demo's web server path must be among the printed ones.
    assert "web-server-role" in result.stdout


def test_demo_json_lists_paths_by_risk(store: Path) -> None:
    result = run_cli("demo", "--output", "json", store=store)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    risks = [path["risk"] for path in document["paths"]]
    assert risks
    assert risks == sorted(risks, reverse=True)
    assert document["scan"]["kind"] == "demo"


def _bad_inputs(tmp_path: Path, shared_data: Path) -> dict[str, Path]:
    not_json = tmp_path / "not-json.json"
    not_json.write_text("this is not json {", encoding="utf-8")
    wrong_shape = tmp_path / "wrong-shape.json"
    wrong_shape.write_text(json.dumps({"hello": ["world"]}), encoding="utf-8")
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    unknown_name_folder = tmp_path / "unknown-name"
    unknown_name_folder.mkdir()
    (unknown_name_folder / "notes.txt").write_text("{}", encoding="utf-8")
    truncated = tmp_path / "truncated.json"
    text = (shared_data / AUTHZ).read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    truncated_snapshot = tmp_path / "truncated-snapshot.jsonl.gz"
    with gzip.open(truncated_snapshot, "wt", encoding="utf-8") as out:
        out.write(
            json.dumps({"record": "header", "format": "toxicpath-snapshot"}) + "\n"
        )
    return {
        "not json": not_json,
        "wrong shape": wrong_shape,
        "empty folder": empty_folder,
        "unknown file name": unknown_name_folder,
        "truncated file": truncated,
        "truncated snapshot": truncated_snapshot,
    }


def test_bad_input_exits_2_keeps_store(
    tmp_path: Path, shared_data: Path, store: Path
) -> None:
    first = run_cli("scan", "--input", str(shared_data / AUTHZ), store=store)
    assert first.returncode == 0, first.stderr
    before = node_count(store)
    assert before > 0
    for case, path in _bad_inputs(tmp_path, shared_data).items():
        result = run_cli("scan", "--input", str(path), store=store)
        assert result.returncode == 2, f"{case}: {result.stderr}"
        message = " ".join(result.stderr.split())
        assert str(path) in message, f"{case}: {message}"
        assert ACCEPTED_FORMATS_MARK in message, f"{case}: {message}"
        assert "Traceback" not in result.stderr, f"{case}: {result.stderr}"
    assert node_count(store) == before


def test_query_rejects_detach_delete(shared_data: Path, store: Path) -> None:
    first = run_cli("scan", "--input", str(shared_data / AUTHZ), store=store)
    assert first.returncode == 0, first.stderr
    before = node_count(store)
    result = run_cli("query", "MATCH (n) DETACH DELETE n", store=store)
    assert result.returncode == 2
    assert "read-only" in result.stderr
    assert node_count(store) == before


def test_blast_radius_of_demo_web_role(store: Path) -> None:
    assert run_cli("demo", store=store).returncode == 0
    result = run_cli(
        "blast-radius",
        "arn:aws:iam::210987654321:role/web-server-role",
        "--output",
        "json",
        store=store,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    reached = {item["name"] for item in document["reached"]}
    assert "larkspur-customer-data" in reached
    assert document["reaches_admin_of"] == ["210987654321"]
