"""ruff and mypy run as tests, so the README's one test command covers them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_ruff_check_clean() -> None:
    result = _run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_ruff_format_clean() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_clean() -> None:
    result = _run(
        "env", f"MYPY={BIN / 'mypy'}", "bash", str(REPO_ROOT / "scripts" / "typecheck")
    )
    assert result.returncode == 0, result.stdout + result.stderr
