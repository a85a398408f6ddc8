"""The test-wide socket guard stops connections to anything but loopback."""

from __future__ import annotations

import socket

import pytest


def test_guard_rejects_non_loopback() -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, never a real host.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(RuntimeError, match=r"tried to connect to 192\.0\.2\.1"):
            sock.connect(("192.0.2.1", 443))
        # The guard raised before connect(): the socket has no peer.
        with pytest.raises(OSError):
            sock.getpeername()


def test_guard_rejects_aws_host_lookup() -> None:
    with pytest.raises(RuntimeError, match="tried to resolve"):
        socket.getaddrinfo("sts.amazonaws.com", 443)


def test_guard_allows_loopback() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2) as client:
            assert client.getpeername()[0] == "127.0.0.1"
