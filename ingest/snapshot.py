"""The snapshot: one scan's raw API responses, coverage and provenance.

Collectors and importers both produce a Snapshot, and one transform turns it
into graph records, so offline analysis of a collected snapshot gives the same
result as analysis during collection.

File format (`docs/snapshot-format.md` has the full description): gzip JSON
Lines. The first line is a header, the last line a footer whose counts must
match the lines between, so a truncated file is detected rather than read as a
smaller estate.

    {"record": "header", "format": "toxicpath-snapshot", "version": 1, ...}
    {"record": "response", "cloud": "aws", "account": "...", "region": "...",
     "service": "iam", "operation": "get-account-authorization-details",
     "params": {}, "body": {...}}
    {"record": "coverage", "cloud": "aws", "account": "...", "region": "...",
     "service": "s3", "status": "denied", "reason": "...", "calls": 3, "seconds": 0.4}
    {"record": "source", "path": "...", "sha256": "...", "format": "..."}
    {"record": "footer", "responses": N, "coverage": N, "sources": N}
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toxicpath import __version__

SNAPSHOT_FORMAT = "toxicpath-snapshot"
SNAPSHOT_VERSION = 1

# Coverage statuses. Every status but "ok" means "not evaluated" for that
# account, region and service, and reports must show it as such.
COVERAGE_OK = "ok"
COVERAGE_STATUSES = (
    COVERAGE_OK,
    "denied",  # the credentials lack permission
    "not_enabled",  # opt-in region not enabled, API disabled
    "unsupported",  # the service does not exist in that region or endpoint
    "throttled",  # throttling outlasted the retries
    "failed",  # any other error, with the reason
    "not_collected",  # the input did not contain this service
)


class SnapshotError(ValueError):
    """A snapshot file that cannot be read: wrong format, version or truncated."""


@dataclass
class RawResponse:
    """One API call's response body, as the provider returned it."""

    cloud: str
    account: str
    region: str
    service: str
    operation: str
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    # Input file the body was read from, so parse errors can name it; empty
    # for collected responses and for snapshots written before it existed.
    source: str = ""


@dataclass
class CoverageEntry:
    """The outcome of reading one service in one account and region."""

    cloud: str
    account: str
    region: str
    service: str
    status: str
    reason: str = ""
    calls: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.status not in COVERAGE_STATUSES:
            allowed = ", ".join(COVERAGE_STATUSES)
            raise ValueError(f"coverage status {self.status!r} is not one of {allowed}")


@dataclass
class SourceFile:
    """An input file an importer read, with its hash for provenance."""

    path: str
    sha256: str
    format: str


@dataclass
class Snapshot:
    """Everything one scan read, before any analysis."""

    id: str = field(default_factory=lambda: new_scan_id())
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    tool_version: str = __version__
    kind: str = "import"  # import, collect or demo
    complete: bool = True
    responses: list[RawResponse] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def add_response(self, response: RawResponse) -> None:
        self.responses.append(response)

    def responses_for(
        self, cloud: str, service: str, operation: str, *, account: str | None = None
    ) -> Iterator[RawResponse]:
        for response in self.responses:
            if (
                response.cloud == cloud
                and response.service == service
                and response.operation == operation
                and (account is None or response.account == account)
            ):
                yield response

    def clouds(self) -> list[str]:
        return sorted(
            {r.cloud for r in self.responses} | {c.cloud for c in self.coverage}
        )

    def not_evaluated(self) -> list[CoverageEntry]:
        return [c for c in self.coverage if c.status != COVERAGE_OK]

    def merge(self, other: Snapshot) -> None:
        """Fold another snapshot's content into this one (several --input paths)."""
        self.responses.extend(other.responses)
        self.coverage.extend(other.coverage)
        self.sources.extend(other.sources)
        self.complete = self.complete and other.complete


def new_scan_id() -> str:
    """Return a sortable scan id: UTC time to the second plus a random suffix."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write `snapshot` to `path` as gzip JSON Lines, atomically."""
    tmp = path.with_name(path.name + ".partial")
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        header = {
            "record": "header",
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "id": snapshot.id,
            "created_at": snapshot.created_at,
            "tool_version": snapshot.tool_version,
            "kind": snapshot.kind,
            "complete": snapshot.complete,
            "metadata": snapshot.metadata,
        }
        out.write(json.dumps(header) + "\n")
        for response in snapshot.responses:
            out.write(
                json.dumps({"record": "response", **asdict(response)}, default=str)
                + "\n"
            )
        for entry in snapshot.coverage:
            out.write(json.dumps({"record": "coverage", **asdict(entry)}) + "\n")
        for source in snapshot.sources:
            out.write(json.dumps({"record": "source", **asdict(source)}) + "\n")
        footer = {
            "record": "footer",
            "responses": len(snapshot.responses),
            "coverage": len(snapshot.coverage),
            "sources": len(snapshot.sources),
        }
        out.write(json.dumps(footer) + "\n")
    tmp.replace(path)


def is_snapshot_file(path: Path) -> bool:
    """True when `path` starts with a snapshot header (gzip or plain JSON Lines)."""
    try:
        first = _open_text(path).readline()
        header = json.loads(first)
        return isinstance(header, dict) and header.get("format") == SNAPSHOT_FORMAT
    except (OSError, ValueError, EOFError, AttributeError):
        return False


def read_snapshot(path: Path) -> Snapshot:
    """Read a snapshot file; raise SnapshotError naming the file and the problem."""
    try:
        lines = _open_text(path).read().splitlines()
    except (OSError, EOFError) as exc:
        raise SnapshotError(
            f"{path}: cannot read snapshot ({exc}); the file may be truncated"
        ) from exc
    if not lines:
        raise SnapshotError(f"{path}: empty file, expected a toxicpath snapshot")
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SnapshotError(
                f"{path}: line {number} is not valid JSON ({exc.msg})"
            ) from exc
    header = records[0]
    if header.get("record") != "header" or header.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"{path}: first line is not a {SNAPSHOT_FORMAT} header")
    if header.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(
            f"{path}: snapshot version {header.get('version')!r} is not supported; "
            f"this toxicpath reads version {SNAPSHOT_VERSION}"
        )
    footer = records[-1]
    if footer.get("record") != "footer":
        raise SnapshotError(f"{path}: no footer line, the snapshot is truncated")
    snapshot = Snapshot(
        id=header["id"],
        created_at=header["created_at"],
        tool_version=header.get("tool_version", ""),
        kind=header.get("kind", "import"),
        complete=bool(header.get("complete", True)),
        metadata=header.get("metadata") or {},
    )
    for record in records[1:-1]:
        kind = record.pop("record", None)
        if kind == "response":
            snapshot.responses.append(RawResponse(**record))
        elif kind == "coverage":
            snapshot.coverage.append(CoverageEntry(**record))
        elif kind == "source":
            snapshot.sources.append(SourceFile(**record))
        else:
            raise SnapshotError(f"{path}: unknown record kind {kind!r}")
    counts = (len(snapshot.responses), len(snapshot.coverage), len(snapshot.sources))
    expected = (footer.get("responses"), footer.get("coverage"), footer.get("sources"))
    if counts != expected:
        raise SnapshotError(
            f"{path}: footer counts {expected} do not match the records {counts}; "
            "the snapshot is damaged"
        )
    return snapshot


def _open_text(path: Path) -> Any:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")
