"""A local HTTPS server that serves ARM GET requests from recorded routes.

Routes map a REST path (compared lower-cased, query ignored) to either a
`body` returned as is, a list of `pages` served with `nextLink` paging that
points back at this server, or a `status` with an ARM error body. Unknown
paths get an empty list page. The certificate is self-signed at start-up for
127.0.0.1, so the SDKs' bearer-token policy (which requires https) runs
unchanged.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str


@dataclass
class ArmServer:
    routes: dict[str, Any]
    ca_path: Path
    requests: list[RecordedRequest] = field(default_factory=list)
    # Paths served a 429 once before their recorded response.
    throttle_once: set[str] = field(default_factory=set)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.DNSName("localhost"),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "arm-server.pem"
    key_path = folder / "arm-server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def start_arm_server(routes: dict[str, Any], folder: Path) -> ArmServer:
    """Start the server on a free loopback port; call `stop()` when done."""
    cert_path, key_path = _self_signed(folder)
    lowered = {path.lower().rstrip("/"): route for path, route in routes.items()}
    state = ArmServer(routes=lowered, ca_path=cert_path)

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _reply(
            self, status: int, body: Any, headers: dict[str, str] | None = None
        ) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path.lower().rstrip("/")
            query = parse_qs(parts.query)
            state.requests.append(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    query=query,
                    authorization=self.headers.get("Authorization", ""),
                )
            )

            if self.command != "GET":
                self._reply(
                    405, {"error": {"code": "MethodNotAllowed", "message": "GET only"}}
                )
                return
            if path in state.throttle_once:
                state.throttle_once.discard(path)
                self._reply(
                    429,
                    {"error": {"code": "TooManyRequests", "message": "throttled"}},
                    {"Retry-After": "0"},
                )
                return

            route = state.routes.get(path)
            if route is None:
                self._reply(200, {"value": []})
                return
            if "status" in route:
                self._reply(int(route["status"]), route["body"])
                return
            if "body" in route:
                self._reply(200, route["body"])
                return

            pages = route["pages"]
            index = int(query.get("page", ["0"])[0])
            body: dict[str, Any] = {"value": pages[index]}
            if index + 1 < len(pages):
                body["nextLink"] = (
                    f"{state.base_url}{parts.path}?page={index + 1}&api-version=test"
                )
            self._reply(200, body)

        # http.server dispatches on these names; every method is recorded so
        # a test can see that no write reached the server.
        do_GET = _handle  # noqa: N815
        do_POST = _handle  # noqa: N815
        do_PUT = _handle  # noqa: N815
        do_DELETE = _handle  # noqa: N815
        do_PATCH = _handle  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    state._server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state
