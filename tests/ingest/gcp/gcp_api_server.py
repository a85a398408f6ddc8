"""A local HTTP server that speaks the Google REST APIs the GCP collector calls.

It serves the fixture organization of `tests/data/gcp/org_export.jsonl`
through Resource Manager v3, Cloud Asset Inventory v1 (`ListAssets`, paged by
the server) and IAM v2 deny policies, in the camelCase JSON the real APIs
return. Only GET is allowed; every request is logged so tests can check
that the collector stayed read-only.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "gcp"
PAGE_SIZE = 4
CONTENT_TYPES = {
    "1": "resource",
    "RESOURCE": "resource",
    "2": "iamPolicy",
    "IAM_POLICY": "iamPolicy",
    "4": "orgPolicy",
    "ORG_POLICY": "orgPolicy",
}
_CAMEL = {
    "asset_type": "assetType",
    "iam_policy": "iamPolicy",
    "org_policy": "orgPolicy",
    "update_time": "updateTime",
    "discovery_name": "discoveryName",
}

ORGANIZATION = {
    "name": "organizations/100",
    "displayName": "example.com",
    "state": "ACTIVE",
    "directoryCustomerId": "C0fixture",
}
FOLDERS = {
    "organizations/100": [
        {
            "name": "folders/200",
            "parent": "organizations/100",
            "displayName": "production",
            "state": "ACTIVE",
        }
    ]
}
PROJECTS = {
    "folders/200": [
        {
            "name": "projects/300",
            "projectId": "prod-app",
            "parent": "folders/200",
            "state": "ACTIVE",
            "displayName": "prod-app",
        }
    ],
    "organizations/100": [
        {
            "name": "projects/400",
            "projectId": "dev-sandbox",
            "parent": "organizations/100",
            "state": "ACTIVE",
            "displayName": "dev-sandbox",
        }
    ],
}
SERVICE_DISABLED = {
    "error": {
        "code": 403,
        "message": "Cloud Asset API has not been used in project 400 before or it is "
        "disabled.",
        "status": "PERMISSION_DENIED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {"service": "cloudasset.googleapis.com"},
            }
        ],
    }
}


def _camel(asset: dict[str, Any]) -> dict[str, Any]:
    converted = {_CAMEL.get(k, k): v for k, v in asset.items()}
    if "resource" in converted:
        converted["resource"] = {
            _CAMEL.get(k, k): v for k, v in converted["resource"].items()
        }
    return converted


def fixture_assets() -> list[dict[str, Any]]:
    lines = (DATA / "org_export.jsonl").read_text().splitlines()
    return [_camel(json.loads(line)) for line in lines if line.startswith("{")]


@dataclass
class ServerState:
    assets: list[dict[str, Any]] = field(default_factory=fixture_assets)
    deny_policy: dict[str, Any] = field(
        default_factory=lambda: json.loads(
            (DATA / "deny_token_minting.json").read_text()
        )
    )
    disabled_projects: set[str] = field(default_factory=lambda: {"dev-sandbox"})
    # path -> number of 429 responses still to send
    throttle: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True
    state: ServerState
    asset_types: set[str]

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.state.requests.append(("POST", self.path))
        path = urllib.parse.urlparse(self.path).path
        if path.startswith("/v3/") and path.endswith(":getIamPolicy"):
            key = path[len("/v3/") : -len(":getIamPolicy")]
            for asset in self.state.assets:
                if asset["name"].endswith("/" + key) and "iamPolicy" in asset:
                    self._send(200, asset["iamPolicy"])
                    return
            self._send(200, {"etag": "ACAB"})
            return
        self._send(405, {"error": {"code": 405, "message": "read-only fixture"}})

    do_PUT = do_PATCH = do_DELETE = do_POST  # noqa: N815

    def do_GET(self) -> None:
        self.state.requests.append(("GET", self.path))
        parsed = urllib.parse.urlparse(self.path)
        # One decode: deny-policy names keep their own %2F-encoded attachment.
        path = urllib.parse.unquote(parsed.path)
        lists = urllib.parse.parse_qs(parsed.query)
        query = {k: v[0] for k, v in lists.items()}
        self.asset_types = set(lists.get("assetTypes", []))
        remaining = self.state.throttle.get(path, 0)
        if remaining:
            self.state.throttle[path] = remaining - 1
            self._send(
                429,
                {
                    "error": {
                        "code": 429,
                        "message": "Quota exceeded",
                        "status": "RESOURCE_EXHAUSTED",
                    }
                },
            )
            return
        status, body = self._route(path, query)
        self._send(status, body)

    def _route(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        if path == "/v3/organizations/100":
            return 200, ORGANIZATION
        if path == "/v3/folders/200":
            return 200, FOLDERS["organizations/100"][0]
        if path == "/v3/folders":
            return 200, {"folders": FOLDERS.get(query.get("parent", ""), [])}
        if path == "/v3/projects":
            return 200, {"projects": PROJECTS.get(query.get("parent", ""), [])}
        if path.startswith("/v3/projects/"):
            project_id = path.rsplit("/", 1)[-1]
            for projects in PROJECTS.values():
                for project in projects:
                    if project["projectId"] == project_id:
                        return 200, project
            return 404, {
                "error": {
                    "code": 404,
                    "message": "project not found",
                    "status": "NOT_FOUND",
                }
            }
        if path.startswith("/v1/") and path.endswith("/assets"):
            return self._assets(path[len("/v1/") : -len("/assets")], query)
        if path.startswith("/v2/policies/"):
            return self._deny(path[len("/v2/") :])
        return 404, {
            "error": {"code": 404, "message": f"no route {path}", "status": "NOT_FOUND"}
        }

    def _assets(self, parent: str, query: dict[str, str]) -> tuple[int, Any]:
        if parent.removeprefix("projects/") in self.state.disabled_projects:
            return 403, SERVICE_DISABLED
        key = CONTENT_TYPES.get(query.get("contentType", ""), "")
        if not key:
            return 400, {
                "error": {
                    "code": 400,
                    "message": "contentType is required",
                    "status": "INVALID_ARGUMENT",
                }
            }
        if parent.startswith("projects/"):
            number = {"prod-app": "projects/300"}.get(parent.removeprefix("projects/"))
            scoped = [a for a in self.state.assets if number in a.get("ancestors", [])]
        else:
            scoped = [a for a in self.state.assets if parent in a.get("ancestors", [])]
        matching = []
        for asset in scoped:
            filtered = key == "resource" and bool(self.asset_types)
            if filtered and asset["assetType"] not in self.asset_types:
                continue
            if key in asset:
                matching.append(
                    {
                        k: v
                        for k, v in asset.items()
                        if k in ("name", "assetType", "ancestors", "updateTime", key)
                    }
                )
        start = int(query.get("pageToken") or 0)
        page = matching[start : start + PAGE_SIZE]
        body: dict[str, Any] = {"assets": page, "readTime": "2026-01-01T00:00:00Z"}
        if start + PAGE_SIZE < len(matching):
            body["nextPageToken"] = str(start + PAGE_SIZE)
        return 200, body

    def _deny(self, name: str) -> tuple[int, Any]:
        policy_name = self.state.deny_policy["name"]
        attachment = policy_name.split("/")[1]
        requested = name.split("/")
        if len(requested) == 3:
            if requested[1] != attachment:
                return 200, {}
            summary = {"name": policy_name, "displayName": "Block token minting"}
            return 200, {"policies": [summary]}
        if name == policy_name:
            return 200, self.state.deny_policy
        error = {"code": 404, "message": "policy not found", "status": "NOT_FOUND"}
        return 404, {"error": error}


@contextmanager
def gcp_api_server(
    state: ServerState | None = None,
) -> Iterator[tuple[str, ServerState]]:
    """Run the server on 127.0.0.1; yield its endpoint and shared state."""
    state = state or ServerState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
