"""Test-wide guards and fixtures.

Every test runs with fake cloud credentials and with outbound connections
limited to loopback, so no test can reach a real cloud, metadata service or
any other host.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

_FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AZURE_CLIENT_ID": "00000000-0000-0000-0000-000000000000",
    "AZURE_TENANT_ID": "00000000-0000-0000-0000-000000000000",
    "AZURE_CLIENT_SECRET": "testing",
    "GOOGLE_CLOUD_PROJECT": "toxicpath-test",
    "NO_GCE_CHECK": "True",
    "GCE_METADATA_HOST": "127.0.0.1:9",
    "GCE_METADATA_IP": "127.0.0.1:9",
}


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OutboundConnectionError(RuntimeError):
    """A test tried to connect to a host other than loopback."""


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any connection to a host but loopback, and force fake credentials."""
    for key, value in _FAKE_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def _check(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) and address else None
        if isinstance(host, str) and not _is_loopback(host):
            raise OutboundConnectionError(f"test tried to connect to {host}")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check(address)
        original_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check(address)
        return original_connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode()
        if isinstance(host, str) and not _is_loopback(host):
            raise OutboundConnectionError(f"test tried to resolve {host}")
        return original_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield


@pytest.fixture
def shared_data() -> Path:
    """The folder of real public input files beside the repository."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data folder not found at {SHARED_DATA}")
    return SHARED_DATA


# Skip reasons that mean a required tool is missing. Outside CI they skip, so
# the suite runs on a machine without Chromium or npm; in CI (CI=true, as
# .ci/run is started) they fail the run instead.
_REQUIRED_IN_CI = ("linter cannot run", "chromium is not installed")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    missing = [
        report
        for report in reporter.stats.get("skipped", [])
        if any(reason in str(report.longrepr) for reason in _REQUIRED_IN_CI)
    ]
    if missing:
        reporter.write_line(
            f"{len(missing)} tests skipped because a required tool is missing; "
            "CI installs it, so this fails the run",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
