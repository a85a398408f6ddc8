"""`toxicpath accept` input checks: each bad value exits 2 and writes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from findings_estates import exposed_vm_to_admin
from typer.testing import CliRunner

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.store import ScanInfo
from toxicpath.ui.cli.main import app

runner = CliRunner()
FUTURE = "2999-01-01"
WELL_FORMED = "0123456789abcdef01234567"


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "graph.lbdb"
    graph = LadybugStore(path)
    graph.load(
        exposed_vm_to_admin(),
        ScanInfo(id="s1", created_at="2026-01-01T00:00:00Z", complete=True),
    )
    graph.close()
    return str(path)


def accept(store: str, *args: str, acceptances: Path | None = None) -> Any:
    target = acceptances or Path(store).with_name("acceptances.yaml")
    base = ["accept", "--store", store, "--acceptances", str(target)]
    return runner.invoke(app, [*base, *args])


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_unknown_rule_is_rejected(store: str) -> None:
    result = accept(
        store,
        "--rule",
        "no-such-rule",
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        FUTURE,
    )
    assert result.exit_code == 2
    assert "'no-such-rule' is not in the rule library" in one_line(result.output)
    assert not Path(store).with_name("acceptances.yaml").exists()


def test_malformed_fingerprint_is_rejected(store: str) -> None:
    result = accept(
        store,
        "--fingerprint",
        "nope",
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        FUTURE,
    )
    assert result.exit_code == 2
    assert "is not a finding fingerprint" in one_line(result.output)


def test_past_expiry_is_rejected(store: str) -> None:
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    result = accept(
        store,
        "--rule",
        "public-object-storage",
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        yesterday.isoformat(),
    )
    assert result.exit_code == 2
    assert "is in the past" in one_line(result.output)


def test_today_expiry_is_accepted(store: str) -> None:
    today = datetime.now(UTC).date()
    result = accept(
        store,
        "--rule",
        "public-object-storage",
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        today.isoformat(),
    )
    assert result.exit_code == 0, result.output


def test_fingerprint_and_rule_exclusive(store: str) -> None:
    result = accept(
        store,
        "--fingerprint",
        WELL_FORMED,
        "--rule",
        "public-object-storage",
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        FUTURE,
    )
    assert result.exit_code == 2
    assert "are exclusive" in one_line(result.output)


@pytest.mark.parametrize("option", ["--owner", "--justification"])
def test_multiline_text_is_rejected(store: str, option: str) -> None:
    values = {"--owner": "o", "--justification": "j", option: "first\nsecond"}
    result = accept(
        store,
        "--rule",
        "public-object-storage",
        "--owner",
        values["--owner"],
        "--justification",
        values["--justification"],
        "--expires",
        FUTURE,
    )
    assert result.exit_code == 2
    assert f"{option} must be one line" in one_line(result.output)


def test_unseen_fingerprint_warns_but_records(store: str) -> None:
    recorded = runner.invoke(app, ["findings", "--store", store, "--record"])
    assert recorded.exit_code == 0, recorded.output
    result = accept(
        store,
        "--fingerprint",
        WELL_FORMED,
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        FUTURE,
    )
    assert result.exit_code == 0, result.output
    assert "no finding with fingerprint" in one_line(result.output)
    assert WELL_FORMED in Path(store).with_name("acceptances.yaml").read_text()


def test_seen_fingerprint_has_no_warning(store: str) -> None:
    listed = runner.invoke(
        app, ["findings", "--store", store, "--record", "-o", "json"]
    )
    assert listed.exit_code == 0, listed.output
    known = json.loads(listed.stdout)["findings"][0]["fingerprint"]
    result = accept(
        store,
        "--fingerprint",
        known,
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        FUTURE,
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


@pytest.fixture
def immutable_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "locked"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    marked = subprocess.run(
        [chattr, "+i", str(folder)], capture_output=True, check=False
    )
    if marked.returncode != 0:
        pytest.skip(f"chattr +i is not permitted here: {marked.stderr!r}")
    yield folder
    subprocess.run([chattr, "-i", str(folder)], check=True)


def test_unwritable_acceptance_file(store: str, immutable_folder: Path) -> None:
    target = immutable_folder / "acceptances.yaml"
    result = accept(
        store,
        "--rule",
        "public-object-storage",
        "--owner",
        "o",
        "--justification",
        "j",
        "--expires",
        FUTURE,
        acceptances=target,
    )
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write the acceptance file" in one_line(result.output)
