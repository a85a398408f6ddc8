"""Offline importers: turn input files and folders into one Snapshot.

`load_inputs` calls the detector of each registered importer, in
registration order, and merges what the first matching importer loads. Each cloud adds
its formats with `register_importer`, so a new format needs no change here.
The AWS formats and the snapshot file are registered by this module; Azure
and GCP modules register theirs when `_load_cloud_importers` imports them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toxicpath.ingest.errors import InputError
from toxicpath.ingest.redact import redact_response
from toxicpath.ingest.snapshot import (
    CoverageEntry,
    Snapshot,
    SnapshotError,
    SourceFile,
    is_snapshot_file,
    read_snapshot,
)

logger = logging.getLogger(__name__)


class InputProbe:
    """One input path, with its JSON content parsed at most once.

    Detectors and loaders share a probe, so a large file is read and parsed
    once however many detectors look at it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._json: Any = None
        self._json_error: InputError | None = None
        self._json_read = False

    @property
    def is_dir(self) -> bool:
        return self.path.is_dir()

    def json(self) -> Any:
        """Return the file's JSON content; raise InputError when it is not JSON."""
        self._read_json()
        if self._json_error is not None:
            raise self._json_error
        return self._json

    def json_or_none(self) -> Any:
        """Return the file's JSON content, or None when it is not JSON."""
        self._read_json()
        return self._json

    def _read_json(self) -> None:
        if self._json_read:
            return
        self._json_read = True
        if self.is_dir:
            return
        try:
            self._json = load_json_file(self.path)
        except InputError as exc:
            self._json_error = exc


Detector = Callable[[InputProbe], bool]
Loader = Callable[[InputProbe], Snapshot]


@dataclass(frozen=True)
class Importer:
    """One input format: how to recognise it and how to load it."""

    name: str
    detect: Detector
    load: Loader
    description: str


_IMPORTERS: dict[str, Importer] = {}

# Modules that register importers when imported. A module whose optional SDK
# or whose package is missing is skipped.
_CLOUD_IMPORTER_MODULES = (
    "toxicpath.ingest.aws.importers",
    "toxicpath.ingest.azure.importers",
    "toxicpath.ingest.gcp.importers",
)


def register_importer(
    name: str, detect: Detector, load: Loader, description: str
) -> None:
    """Add an input format; a second registration under `name` replaces the first."""
    _IMPORTERS[name] = Importer(
        name=name, detect=detect, load=load, description=description
    )


def registered_importers() -> list[Importer]:
    _load_cloud_importers()
    return list(_IMPORTERS.values())


def accepted_formats() -> list[str]:
    """Return the description of every registered format, for error messages."""
    return [importer.description for importer in registered_importers()]


@functools.cache
def _load_cloud_importers() -> None:
    for module in _CLOUD_IMPORTER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module.startswith(exc.name):
                logger.debug("importer module %s is not installed", module)
            else:
                logger.warning(
                    "skipping importer module %s: %s is not installed", module, exc.name
                )


def load_inputs(paths: list[Path]) -> Snapshot:
    """Detect the format of each path, load it and merge all into one Snapshot."""
    _load_cloud_importers()
    if len(paths) == 1:
        # One input keeps its own id and creation time, so a snapshot file
        # read back gives the same scan as when it was written.
        return load_input(paths[0])
    snapshot = Snapshot(kind="import")
    for path in paths:
        loaded = load_input(path)
        snapshot.merge(loaded)
        if loaded.metadata:
            snapshot.metadata.setdefault("inputs", []).append(
                {"path": str(path), **loaded.metadata}
            )
    snapshot.coverage = merge_coverage(snapshot.coverage)
    return snapshot


def merge_coverage(entries: list[CoverageEntry]) -> list[CoverageEntry]:
    """Drop "not_collected" entries that another input's entries contradict.

    When two inputs cover one account, one may lack a service the other has.
    A "not_collected" entry is dropped when another entry of the same cloud,
    account and service has a different status in the same region, or in any
    region when the dropped entry's region is "all". Entries with the same key
    and status become one, with their calls and seconds added up.
    """
    read: set[tuple[str, str, str, str]] = set()
    read_anywhere: set[tuple[str, str, str]] = set()
    for entry in entries:
        if entry.status != "not_collected":
            read.add((entry.cloud, entry.account, entry.region, entry.service))
            read_anywhere.add((entry.cloud, entry.account, entry.service))
    merged: dict[tuple[str, str, str, str, str], CoverageEntry] = {}
    for entry in entries:
        key = (entry.cloud, entry.account, entry.region, entry.service)
        if entry.status == "not_collected":
            if key in read:
                continue
            if entry.region == "all" and key[:2] + key[3:] in read_anywhere:
                continue
        identity = (*key, entry.status)
        existing = merged.get(identity)
        if existing is None:
            merged[identity] = dataclasses.replace(entry)
        else:
            existing.calls += entry.calls
            existing.seconds += entry.seconds
    return list(merged.values())


def load_input(path: Path) -> Snapshot:
    """Load one file or folder with the first importer that recognises it."""
    _load_cloud_importers()
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir() and not any(path.iterdir()):
        raise InputError(path, "the folder is empty")
    probe = InputProbe(path)
    for importer in _IMPORTERS.values():
        if importer.detect(probe):
            logger.info("reading %s as %s", path, importer.name)
            return importer.load(probe)
    raise InputError(path, _describe_unrecognised(probe))


def _describe_unrecognised(probe: InputProbe) -> str:
    if probe.is_dir:
        names = sorted(child.name for child in probe.path.iterdir())
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return f"no entry of this folder is in a recognised format ({shown})"
    with probe.path.open("rb") as stream:
        magic = stream.read(2)
    if magic == b"\x1f\x8b":
        return (
            "a gzip file whose first line is not a toxicpath snapshot header,"
            " so it is damaged, truncated or not a snapshot"
        )
    try:
        content = probe.json()
    except InputError as exc:
        return exc.problem
    if isinstance(content, dict):
        keys = ", ".join(sorted(content)[:8]) or "none"
        return f"JSON object of an unrecognised shape (top-level keys: {keys})"
    if isinstance(content, list):
        return f"JSON array of {len(content)} items of an unrecognised shape"
    return f"JSON {type(content).__name__} where an object or array was expected"


def load_json_file(path: Path) -> Any:
    """Parse a JSON file; raise InputError saying whether it is truncated."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror})") from exc
    if not text.strip():
        raise InputError(path, "the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not text[exc.pos :].strip():
            problem = (
                f"the JSON ends before the document is complete (line {exc.lineno}),"
                " so the file is truncated; export it again"
            )
        else:
            problem = (
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            )
        raise InputError(path, problem) from exc


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_file(path: Path, format_name: str) -> SourceFile:
    """Return the provenance record of one input file."""
    return SourceFile(path=str(path), sha256=sha256_of(path), format=format_name)


def _detect_snapshot(probe: InputProbe) -> bool:
    return not probe.is_dir and is_snapshot_file(probe.path)


def _load_snapshot(probe: InputProbe) -> Snapshot:
    try:
        snapshot = read_snapshot(probe.path)
    except SnapshotError as exc:
        problem = str(exc).removeprefix(f"{probe.path}: ")
        raise InputError(probe.path, problem) from exc
    # Snapshots written by toxicpath are redacted already. Redacting again is
    # a no-op for them and keeps secrets out of hand-made or older files.
    snapshot.responses = [redact_response(response) for response in snapshot.responses]
    snapshot.sources.append(source_file(probe.path, "toxicpath-snapshot"))
    return snapshot


register_importer(
    "toxicpath-snapshot",
    _detect_snapshot,
    _load_snapshot,
    "a toxicpath snapshot file (.jsonl.gz)",
)
