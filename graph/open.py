"""Open the store a `--store` value names: a file path or a Neo4j URI."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from toxicpath.graph.store import GraphStore

NEO4J_SCHEMES = (
    "bolt://",
    "bolt+s://",
    "bolt+ssc://",
    "neo4j://",
    "neo4j+s://",
    "neo4j+ssc://",
)


def default_store_path() -> Path:
    """Return the embedded graph file used when no store is named."""
    return platformdirs.user_data_path("toxicpath") / "graph.lbdb"


def open_store(spec: str | None, *, read_only: bool) -> GraphStore:
    """Open a LadybugDB file (the default) or a Neo4j server by URI.

    `spec` is None for the default file, a path, or a `bolt://`, `bolt+s://`,
    `neo4j://` or `neo4j+s://` URI; Neo4j credentials come from the
    TOXICPATH_NEO4J_* environment variables.
    """
    if spec is not None and spec.lower().startswith(NEO4J_SCHEMES):
        from toxicpath.graph.neo4j_store import Neo4jStore

        return Neo4jStore.from_environment(uri=spec, read_only=read_only)
    if spec is not None and "://" in spec:
        raise ValueError(
            f"unsupported store {spec!r}: pass a file path for the embedded store "
            f"or a URI starting with one of {', '.join(NEO4J_SCHEMES)}"
        )
    from toxicpath.graph.ladybug_store import LadybugStore

    path = Path(spec) if spec else default_store_path()
    return LadybugStore(path, read_only=read_only)
