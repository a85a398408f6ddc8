"""The embedded store: LadybugDB, one database file per store.

A load builds the whole scan in a new database file beside the current one
with `COPY ... FROM` Arrow tables, and only when every COPY has succeeded does
it replace the current file with an atomic rename. A failed or interrupted
load leaves the previous complete scan current. Queries open the file
read-only, so any number of readers (other processes included) can run while
a load builds the next file. A lock file allows one load at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa

from toxicpath.graph.model import (
    BOOLEAN,
    DOUBLE,
    EDGE_TYPES,
    INT64,
    NODE_LABELS,
    STRING_LIST,
    EdgeType,
    NodeLabel,
    Property,
)
from toxicpath.graph.readonly import check_read_only
from toxicpath.graph.records import Edge, GraphRecords, Node, to_json_text
from toxicpath.graph.results import (
    InternalId,
    adapt_ladybug_value,
    collect_ladybug_ids,
)
from toxicpath.graph.schema import SCAN_META_LABEL, ladybug_ddl
from toxicpath.graph.store import ScanInfo, StoreError

logger = logging.getLogger(__name__)

_ARROW_TYPES: dict[str, pa.DataType] = {
    BOOLEAN: pa.bool_(),
    INT64: pa.int64(),
    DOUBLE: pa.float64(),
    STRING_LIST: pa.list_(pa.string()),
}

# Properties that records may hold as dicts or lists but the model stores as
# JSON text.
_JSON_TEXT_PROPERTIES = frozenset({"tags", "attrs", "evidence", "document"})


# Queries that run longer are interrupted, so a console query without bounds
# cannot hold a reader forever.
DEFAULT_QUERY_TIMEOUT_SECONDS = 300.0

# Relationship endpoints per node table looked up with `IN $offsets`; above
# this, the store reads and caches the table's whole id column.
ENDPOINT_LOOKUP_LIST_MAX = 64


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return (status.st_dev, status.st_ino)


# The first bytes of every LadybugDB database file.
DATABASE_MAGIC = b"LBUG"


def check_database_file(path: Path) -> None:
    """Raise StoreError unless the file at `path` is a LadybugDB database.

    A load replaces the file at the store path, so anything else there (a
    document passed by mistake, for example) must stop the load instead.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(DATABASE_MAGIC))
    except IsADirectoryError:
        raise StoreError(
            f"store {path} is a folder, not a graph file; pass --store with a file "
            f"path such as {path / 'graph.lbdb'}"
        ) from None
    except OSError as error:
        raise StoreError(
            f"cannot read store {path}: {error.strerror}; check its permissions or "
            "pass --store with another path"
        ) from error
    if header != DATABASE_MAGIC:
        raise StoreError(
            f"{path} exists and is not a LadybugDB database, so toxicpath will not "
            "replace it; move the file away or pass --store with another path"
        )


def wal_path(path: Path) -> Path:
    """Return the write-ahead log LadybugDB keeps beside an open database file."""
    return path.with_name(path.name + ".wal")


class LadybugStore:
    """A `GraphStore` kept in one LadybugDB file."""

    dialect = "ladybug"

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        query_timeout_seconds: float | None = DEFAULT_QUERY_TIMEOUT_SECONDS,
    ) -> None:
        self.path = Path(path).expanduser()
        self.read_only = read_only
        self.query_timeout_seconds = query_timeout_seconds
        self._database: ladybug.Database | None = None
        self._connection: ladybug.Connection | None = None
        self._opened_file: tuple[int, int] | None = None
        # Node ids by table and offset, read from the open file when a query
        # returns many relationships; cleared when the file is closed.
        self._node_ids_by_table: dict[int, dict[int, str]] = {}

    # --- reading -----------------------------------------------------------

    def _connect(self) -> ladybug.Connection:
        """Return a read-only connection to the current file.

        A load replaces the file by renaming, so an open handle keeps showing
        the scan it opened. When the file at the path is no longer the one
        opened, the handle is reopened and the next query sees the new scan.
        """
        current_file = _file_identity(self.path)
        if self._connection is not None and current_file == self._opened_file:
            return self._connection
        if self._connection is not None:
            logger.info("%s was replaced by a new scan; reopening it", self.path)
            self.close()
        if current_file is None:
            raise StoreError(
                f"no graph at {self.path}: the store is empty. Load a scan first "
                "with `toxicpath scan --input FILE` or `toxicpath demo`, or pass "
                "--store with the path of an existing graph file"
            )
        try:
            self._database = open_database(self.path, read_only=True)
            self._connection = ladybug.Connection(self._database)
        except RuntimeError as error:
            self._database = None
            raise StoreError(_open_error_message(self.path, error)) from error
        if self.query_timeout_seconds is not None:
            self._connection.set_query_timeout(int(self.query_timeout_seconds * 1000))
        self._opened_file = current_file
        return self._connection

    def query(
        self, cypher: str, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run read-only Cypher and return rows with nodes, edges and paths adapted."""
        check_read_only(cypher)
        # One connection for the query and the endpoint lookup, so both read
        # the same file even if a load replaces it in between.
        connection = self._connect()
        rows = self._execute(connection, cypher, params or {})
        known, missing = collect_ladybug_ids(rows)
        if missing:
            known.update(self._lookup_node_ids(connection, missing))
        return [
            {key: adapt_ladybug_value(value, known) for key, value in row.items()}
            for row in rows
        ]

    def _execute(
        self, connection: ladybug.Connection, cypher: str, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            result = connection.execute(cypher, params)
        except RuntimeError as error:
            if "interrupted" in str(error).lower():
                raise StoreError(
                    f"query on {self.path} timed out after "
                    f"{self.query_timeout_seconds} s; add a LIMIT, bound the path "
                    "length, or raise query_timeout_seconds"
                ) from error
            raise StoreError(f"query failed on {self.path}: {error}") from error
        except (ValueError, TypeError) as error:
            # LadybugDB 0.22's Python wrapper raises these while converting
            # parameters, for example for a list mixing strings and integers.
            raise StoreError(
                f"invalid query parameters for {self.path}: {error}. Every list "
                "must hold values of one type, and maps in one list the same keys"
            ) from error
        if isinstance(result, list):
            raise StoreError("send one statement at a time")
        columns = result.get_column_names()
        rows = [dict(zip(columns, values, strict=True)) for values in result.get_all()]
        result.close()
        return rows

    def _lookup_node_ids(
        self, connection: ladybug.Connection, internal_ids: set[InternalId]
    ) -> dict[InternalId, str]:
        """Find the `id` of nodes known only by internal id (relationship endpoints)."""
        tables = {
            int(row["id"]): str(row["name"])
            for row in self._execute(connection, "CALL show_tables() RETURN *", {})
            if row["type"] == "NODE"
        }
        offsets_by_table: dict[int, list[int]] = {}
        for table, offset in internal_ids:
            offsets_by_table.setdefault(table, []).append(offset)
        found: dict[InternalId, str] = {}
        for table, offsets in offsets_by_table.items():
            cached = self._node_ids_by_table.get(table)
            if cached is None and len(offsets) > ENDPOINT_LOOKUP_LIST_MAX:
                # `offset IN $list` compares every node with the whole list,
                # so for many endpoints reading the table's ids once is faster
                # (100,000 ids in 0.25 s on a 2-core machine).
                rows = self._execute(
                    connection,
                    f"MATCH (n:{tables[table]}) "
                    "RETURN offset(ID(n)) AS offset, n.id AS id",
                    {},
                )
                cached = {int(row["offset"]): str(row["id"]) for row in rows}
                self._node_ids_by_table[table] = cached
            if cached is not None:
                found.update({(table, offset): cached[offset] for offset in offsets})
                continue
            rows = self._execute(
                connection,
                f"MATCH (n:{tables[table]}) WHERE offset(ID(n)) IN $offsets "
                "RETURN offset(ID(n)) AS offset, n.id AS id",
                {"offsets": offsets},
            )
            for row in rows:
                found[(table, int(row["offset"]))] = str(row["id"])
        return found

    def current_scan(self) -> ScanInfo | None:
        """Return the scan in the current file, or None when nothing is loaded."""
        if not self.path.exists():
            return None
        rows = self._execute(
            self._connect(),
            f"MATCH (s:{SCAN_META_LABEL}) WHERE s.current = true "
            "RETURN s.id AS id, s.created_at AS created_at, s.complete AS complete, "
            "s.kind AS kind, s.sources AS sources, s.counts AS counts",
            {},
        )
        if not rows:
            return None
        row = rows[0]
        return ScanInfo(
            id=row["id"],
            created_at=row["created_at"],
            complete=bool(row["complete"]),
            kind=row["kind"] or "import",
            sources=tuple(row["sources"] or ()),
            counts=json.loads(row["counts"] or "{}"),
        )

    def close(self) -> None:
        """Close the read-only handle; the next query opens the current file again."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._database is not None:
            self._database.close()
            self._database = None
        self._opened_file = None
        self._node_ids_by_table = {}

    # --- loading -----------------------------------------------------------

    def load(self, records: GraphRecords, scan: ScanInfo) -> None:
        """Build the scan in a new file and swap it in once every COPY succeeded."""
        if self.read_only:
            raise StoreError(
                f"{self.path} is open read-only; open the store with read_only=False "
                "to load a scan"
            )
        records.validate()
        from toxicpath.graph.open import check_store_target

        check_store_target(str(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot create the folder of store {self.path}: {error.strerror}; "
                "pass --store with a path in a writable folder"
            ) from error
        with self._writer_lock():
            # Holding the lock, no other load is running, so any staging file
            # is left over from a load that crashed.
            for leftover in self.path.parent.glob(f".{self.path.name}.loading-*"):
                logger.warning("removing %s left by an interrupted load", leftover)
                leftover.unlink()
            staging = self.path.with_name(f".{self.path.name}.loading-{os.getpid()}")
            try:
                counts = _build_database(staging, records, scan)
                self.close()
                self._swap_in(staging)
            except Exception:
                _remove_database_files(staging)
                raise
        logger.info(
            "loaded scan %s into %s: %d nodes, %d edges",
            scan.id,
            self.path,
            sum(counts.get(label.name, 0) for label in NODE_LABELS),
            sum(counts.get(edge.name, 0) for edge in EDGE_TYPES),
        )

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = lock_path.open("a")
        except OSError as error:
            raise StoreError(
                f"cannot create the lock file {lock_path}: {error.strerror}; pass "
                "--store with a path in a writable folder"
            ) from error
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise StoreError(
                    f"another process is loading a scan into {self.path}; wait for "
                    f"it to finish (lock file {lock_path})"
                ) from error
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _swap_in(self, staging: Path) -> None:
        # Checked again under the lock, right before the rename replaces it.
        if self.path.exists() or self.path.is_symlink():
            check_database_file(self.path)
        # The current file is only written while it is a staging file, so a
        # .wal beside it is left over from a crash and holds no committed data.
        # It must go before the new file takes the name, because LadybugDB
        # rejects a database file beside another file's log.
        stale_wal = wal_path(self.path)
        if stale_wal.exists():
            logger.warning("removing stale write-ahead log %s", stale_wal)
            stale_wal.unlink()
        with staging.open("rb") as handle:
            os.fsync(handle.fileno())
        staging.replace(self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _open_error_message(path: Path, error: RuntimeError) -> str:
    text = str(error)
    if "lock" in text.lower():
        return (
            f"cannot open {path}: another process holds it for writing ({text}); "
            "wait for that process to finish"
        )
    if wal_path(path).exists():
        return (
            f"cannot open {path}: {text}. A write-ahead log {wal_path(path)} is "
            "beside it; if no process is writing, load the scan again (the load "
            "removes the log) or move the .wal file away"
        )
    return (
        f"cannot open {path} as a LadybugDB {ladybug.__version__} database: {text}. "
        "Check the path, or load a scan to create it"
    )


def _remove_database_files(path: Path) -> None:
    for candidate in (path, wal_path(path)):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


# The database file's virtual address reservation; LadybugDB's 8 TiB default
# shows as a huge VSZ and fails where virtual memory is limited.
DEFAULT_MAX_DB_SIZE_GB = 64
BUFFER_POOL_VARIABLE = "TOXICPATH_LADYBUG_BUFFER_POOL_MB"


def database_limits() -> dict[str, int]:
    """Memory limits for every LadybugDB database this store opens.

    The buffer pool keeps LadybugDB's default (80% of physical memory, used
    only as needed), because a bulk load of a large estate needs several GiB:
    a 1 GiB pool failed on a two-account synthetic estate of 4,000 roles.
    `TOXICPATH_LADYBUG_BUFFER_POOL_MB` sets it explicitly.

    NOTE: loading 1.2 million records (a 20,000-role estate) peaked at
    8.6 GB with the default pool. The smallest pool that load needs was
    not measured.
    """
    limits = {"max_db_size": DEFAULT_MAX_DB_SIZE_GB * 1024**3}
    text = os.environ.get(BUFFER_POOL_VARIABLE)
    if not text:
        return limits
    try:
        buffer_pool_mb = int(text)
    except ValueError:
        buffer_pool_mb = 0
    if buffer_pool_mb < 1:
        raise StoreError(
            f"invalid {BUFFER_POOL_VARIABLE}={text!r}: expected a whole number of "
            "MiB such as 4096"
        )
    limits["buffer_pool_size"] = buffer_pool_mb * 1024 * 1024
    return limits


def open_database(path: Path, *, read_only: bool) -> ladybug.Database:
    """Open a LadybugDB database with the limits of `database_limits`."""
    limits = database_limits()
    # A buffer_pool_size of 0 keeps LadybugDB's default.
    return ladybug.Database(
        str(path),
        read_only=read_only,
        buffer_pool_size=limits.get("buffer_pool_size", 0),
        max_db_size=limits["max_db_size"],
    )


def _build_database(
    path: Path, records: GraphRecords, scan: ScanInfo
) -> dict[str, int]:
    """Create a database at `path` holding the scan; raise StoreError on any failure."""
    database = open_database(path, read_only=False)
    connection = ladybug.Connection(database)
    try:
        for statement in ladybug_ddl():
            connection.execute(statement)
        counts = _copy_records(connection, records, scan)
        _write_scan_meta(connection, scan, counts)
    except RuntimeError as error:
        raise StoreError(
            f"loading scan {scan.id} failed; the previous scan stays current: {error}"
        ) from error
    finally:
        connection.close()
        database.close()
    return counts


def _copy_records(
    connection: ladybug.Connection, records: GraphRecords, scan: ScanInfo
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label in NODE_LABELS:
        nodes = list(records.nodes_with_label(label.name))
        if nodes:
            table = _node_table(label, nodes, scan.id)
            _copy(connection, f"COPY {label.name} FROM $rows", table, label.name)
        counts[label.name] = len(nodes)
    for edge_type in EDGE_TYPES:
        by_pair: dict[tuple[str, str], list[Edge]] = {}
        for edge in records.edges_of_type(edge_type.name):
            pair = (records.nodes[edge.source].label, records.nodes[edge.target].label)
            by_pair.setdefault(pair, []).append(edge)
        for (source, target), edges in sorted(by_pair.items()):
            table = _edge_table(edge_type, edges, scan.id)
            options = (
                f" (from='{source}', to='{target}')"
                if len(edge_type.endpoints) > 1
                else ""
            )
            _copy(
                connection,
                f"COPY {edge_type.name} FROM $rows{options}",
                table,
                f"{edge_type.name} ({source} -> {target})",
            )
        counts[edge_type.name] = sum(len(edges) for edges in by_pair.values())
    return counts


def _copy(
    connection: ladybug.Connection, statement: str, table: pa.Table, what: str
) -> None:
    logger.debug("COPY %d rows into %s", table.num_rows, what)
    try:
        connection.execute(statement, {"rows": table})
    except RuntimeError as error:
        raise RuntimeError(f"COPY into {what} failed: {error}") from error


def _column_value(prop: Property, value: Any, describe: Callable[[], str]) -> Any:
    if value is None:
        return None
    if prop.name in _JSON_TEXT_PROPERTIES and not isinstance(value, str):
        return to_json_text(value)
    if prop.type == STRING_LIST:
        if isinstance(value, str) or not isinstance(value, list | tuple | set):
            raise StoreError(
                f"{describe()}: property {prop.name} must be a list of strings, "
                f"got {type(value).__name__}; fix the transform that sets it"
            )
        return [str(item) for item in value]
    return value


def _arrow_columns(
    properties: tuple[Property, ...],
    rows: list[dict[str, Any]],
    scan_id: str,
    describe: Callable[[int], str],
) -> dict[str, pa.Array]:
    """Build one Arrow column per property; `describe(i)` names row i in errors."""
    columns: dict[str, pa.Array] = {}
    for prop in properties:
        if prop.name == "id":
            continue
        values: list[Any]
        if prop.name == "scan_id":
            values = [scan_id] * len(rows)
        elif prop.name in _JSON_TEXT_PROPERTIES or prop.type == STRING_LIST:
            values = [
                _column_value(prop, props.get(prop.name), partial(describe, index))
                for index, props in enumerate(rows)
            ]
        else:
            # Plain values go to Arrow unchanged, which checks their type.
            values = [props.get(prop.name) for props in rows]
        arrow_type = _ARROW_TYPES.get(prop.type, pa.string())
        try:
            columns[prop.name] = pa.array(values, type=arrow_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise StoreError(
                f"property {prop.name} does not fit its declared type {prop.type}: "
                f"{error}; fix the transform that sets it"
            ) from error
    return columns


def _node_table(label: NodeLabel, nodes: list[Node], scan_id: str) -> pa.Table:
    def describe(index: int) -> str:
        return f"node {nodes[index].id!r} ({label.name})"

    columns = {"id": pa.array([node.id for node in nodes], type=pa.string())}
    rows = [node.props for node in nodes]
    columns.update(_arrow_columns(label.properties, rows, scan_id, describe))
    return pa.table(columns)


def _edge_table(edge_type: EdgeType, edges: list[Edge], scan_id: str) -> pa.Table:
    def describe(index: int) -> str:
        edge = edges[index]
        return f"{edge_type.name} edge {edge.source!r} -> {edge.target!r}"

    columns = {
        "from": pa.array([edge.source for edge in edges], type=pa.string()),
        "to": pa.array([edge.target for edge in edges], type=pa.string()),
    }
    rows = [_edge_props_as_stored(edge) for edge in edges]
    columns.update(_arrow_columns(edge_type.properties, rows, scan_id, describe))
    return pa.table(columns)


def _edge_props_as_stored(edge: Edge) -> dict[str, Any]:
    # An edge's key includes its technique with "" for none, and Neo4j cannot
    # MERGE on a null, so both stores keep "" for a missing technique.
    if edge.type == "CAN_ESCALATE" and edge.props.get("technique") is None:
        return {**edge.props, "technique": ""}
    return edge.props


def _write_scan_meta(
    connection: ladybug.Connection, scan: ScanInfo, counts: dict[str, int]
) -> None:
    connection.execute(
        f"CREATE (s:{SCAN_META_LABEL} {{id: $id, created_at: $created_at, "
        "complete: true, current: true, kind: $kind, sources: $sources, "
        "counts: $counts})",
        {
            "id": scan.id,
            "created_at": scan.created_at,
            "kind": scan.kind,
            "sources": list(scan.sources),
            "counts": json.dumps(counts, sort_keys=True),
        },
    )
