"""Fixtures for report and alert tests: demo scans in real stores, a local webhook."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from alert_webhook import Webhook, make_alert_config

from toxicpath.config import ToxicpathConfig
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.job import JobOptions, JobResult, run_scan_job

# The public bucket policy of the demo; the baseline estate narrows it to one
# account, which removes the two critical findings on this bucket.
EXPORTS_POLICY = Path(
    "larkspur-prod/us-east-1/s3-get-bucket-policy/larkspur-customer-exports"
)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store file that `demo_result` scans into."""
    return tmp_path_factory.mktemp("demo-job") / "graph.lbdb"


@pytest.fixture(scope="session")
def demo_result(demo_store: Path) -> JobResult:
    """One scan job of the demo estate in a fresh store, shared by format tests."""
    return run_scan_job(
        JobOptions(inputs=[demo_estate_path()], store_spec=str(demo_store), kind="demo")
    )


@pytest.fixture
def narrowed_demo(tmp_path: Path) -> Path:
    """A copy of the demo estate whose exports bucket is not public."""
    target = tmp_path / "narrowed-demo"
    shutil.copytree(demo_estate_path(), target)
    policy_file = target / EXPORTS_POLICY
    body = json.loads(policy_file.read_text(encoding="utf-8"))
    policy = json.loads(body["Policy"])
    policy["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::210987654321:root"}
    body["Policy"] = json.dumps(policy)
    policy_file.write_text(json.dumps(body), encoding="utf-8")
    return target


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    state = Webhook(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            with lock:
                state.requests += 1
                failing = state.failures_left != 0
                if state.failures_left > 0:
                    state.failures_left -= 1
                if not failing:
                    state.received.append(body)
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    state.url = f"http://127.0.0.1:{port}/services/T000/B000/secret-token-123"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def alert_config(webhook: Webhook) -> ToxicpathConfig:
    """A configuration with one webhook channel on the loopback server."""
    return make_alert_config(webhook.url)
