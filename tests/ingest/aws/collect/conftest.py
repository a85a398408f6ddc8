"""A moto server on 127.0.0.1 holding the AWS lab, shared by the collector tests.

The server, the lab and one organization-wide collection are session-scoped,
so the lab is built once and sequentially (moto's server can crash under
concurrent writes).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from labs.aws_errors import ErrorInjector, load_error_injector
from labs.aws_lab import AwsLab, build_aws_lab
from moto.server import ThreadedMotoServer

from toxicpath.ingest.aws.collect import AwsCollectOptions, collect_aws
from toxicpath.ingest.snapshot import Snapshot

_SERVER_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}

# Regions the lab collection reads: the lab's region and an opt-in region
# that moto reports as not enabled.
LAB_REGIONS = ("us-east-1", "ap-east-1")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """Start moto's server on a free loopback port and return its URL.

    The server reads the MOTO_* settings from the environment when a backend
    is first used, so they stay set until the session ends.
    """
    patch = pytest.MonkeyPatch()
    for key, value in _SERVER_ENVIRONMENT.items():
        patch.setenv(key, value)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        patch.undo()


@contextmanager
def _endpoint(url: str) -> Iterator[None]:
    """Point every boto3 client at `url` (AWS_ENDPOINT_URL) inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", url)
        yield


@pytest.fixture(autouse=True)
def _moto_endpoint_for_test(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point boto3 at the moto server for each test of this folder only."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)


@pytest.fixture(scope="session")
def aws_lab(moto_endpoint: str) -> AwsLab:
    with _endpoint(moto_endpoint):
        return build_aws_lab()


def _lab_options(**overrides: object) -> AwsCollectOptions:
    """Collector options for the lab: fast polling and few retries."""
    values: dict[str, object] = {
        "regions": LAB_REGIONS,
        "workers": 4,
        "max_attempts": 3,
        "credential_report_poll_seconds": 0.05,
    }
    values.update(overrides)
    return AwsCollectOptions(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def lab_api_calls() -> set[tuple[str, str]]:
    """(botocore service name, API operation) of every call `lab_snapshot` made."""
    return set()


@pytest.fixture(scope="session")
def lab_snapshot(
    moto_endpoint: str, aws_lab: AwsLab, lab_api_calls: set[tuple[str, str]]
) -> Snapshot:
    """The whole lab organization, collected once."""

    def record_call(model: Any, **_: Any) -> None:
        lab_api_calls.add((model.service_model.service_name, model.name))

    handlers = (("provide-client-params", record_call),)
    with _endpoint(moto_endpoint):
        return collect_aws(_lab_options(organization=True, event_handlers=handlers))


@pytest.fixture
def lab_options() -> Callable[..., AwsCollectOptions]:
    """Build collector options for the lab, with keyword overrides."""
    return _lab_options


@pytest.fixture
def error_injector() -> Callable[..., ErrorInjector]:
    """Build an ErrorInjector from a named entry of error-responses.json."""
    return load_error_injector
