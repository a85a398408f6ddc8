"""A Neo4j store whose server is down fails fast with a message naming --store."""

from __future__ import annotations

import socket
import time

import pytest

from toxicpath.graph.neo4j_store import Neo4jStore
from toxicpath.graph.store import StoreError


def closed_port() -> int:
    """Return a loopback port with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_refused_connection_fails_fast() -> None:
    uri = f"bolt://127.0.0.1:{closed_port()}"
    store = Neo4jStore.from_environment(uri=uri, read_only=True)
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        store.query("MATCH (n) RETURN count(n) AS n")
    elapsed = time.monotonic() - started
    store.close()
    assert elapsed < 10
    assert f"the Neo4j server at {uri} is unreachable" in str(caught.value)
    assert "--store / TOXICPATH_NEO4J_URI" in str(caught.value)
