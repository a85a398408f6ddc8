"""Open the store a `--store` value names: a file path or a Neo4j URI."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from toxicpath.graph.store import GraphStore, StoreError

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


def default_demo_store_path() -> Path:
    """Return the graph file `toxicpath demo` fills when no store is named.

    It is separate from the default store, so the demo never replaces a real
    scan.
    """
    return platformdirs.user_data_path("toxicpath") / "demo.lbdb"


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
        raise StoreError(_unsupported_scheme_message(spec))
    from toxicpath.graph.ladybug_store import LadybugStore

    path = Path(spec) if spec else default_store_path()
    return LadybugStore(path, read_only=read_only)


def _unsupported_scheme_message(spec: str) -> str:
    return (
        f"unsupported store {spec!r}: pass --store with a file path for the "
        f"embedded store or a URI starting with one of {', '.join(NEO4J_SCHEMES)}"
    )


def check_store_target(spec: str | None) -> None:
    """Raise StoreError unless a scan can be written to the store `spec` names.

    A Neo4j URI is checked when the server is reached. For the embedded store,
    an existing file must be a LadybugDB database, since a load replaces it,
    and the folder must be one that this process can write. The check runs
    before any analysis, so a wrong path costs nothing and leaves no files.
    """
    if spec is not None and spec.lower().startswith(NEO4J_SCHEMES):
        return
    if spec is not None and "://" in spec:
        raise StoreError(_unsupported_scheme_message(spec))
    from toxicpath.graph.ladybug_store import check_database_file

    path = Path(spec).expanduser() if spec else default_store_path()
    if path.is_dir():
        raise StoreError(
            f"store {path} is a folder, not a graph file; pass --store with a file "
            f"path such as {path / 'graph.lbdb'}"
        )
    if path.exists():
        check_database_file(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise StoreError(
            f"cannot create store {path}: {folder} is a file, not a folder; pass "
            "--store with a path inside a folder"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"cannot write store {path}: the folder {folder} is not writable; make "
            "it writable or pass --store with a path in a writable folder"
        )
