"""An OS file lock beside the store, so two scans on one store never interleave.

The lock is `fcntl.flock` on `<store>.job.lock` (or, for a Neo4j store, a
file named after the URI in the user data folder). It spans the whole job:
load, rules, history and alerts. The embedded store's own `<store>.lock`
guards only a load, so it cannot keep two jobs' history and alerts apart.
The kernel releases the lock when the holder exits, crashed or not, so a
stale lock file never blocks a run.
The holder writes its pid, start time and scan label into the file so a
waiting run can name it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)

# How often a waiting run retries the lock.
POLL_SECONDS = 0.2


class LockBusyError(RuntimeError):
    """Another run holds the store lock and did not release it in time."""

    def __init__(self, message: str, *, holder: dict[str, object]) -> None:
        super().__init__(message)
        self.holder = holder


def lock_path_for(store_spec: str | None) -> Path:
    """Return the lock file of a store: beside an embedded file, else per URI.

    Raises StoreError when the store path cannot hold a store (a folder, a
    file that is not a database, a folder that cannot be written), so a job
    stops before it creates its lock, history or snapshot files.
    """
    from toxicpath.graph.open import check_store_target, default_store_path
    from toxicpath.pipeline import default_data_dir

    check_store_target(store_spec)

    if store_spec and "://" in store_spec:
        digest = hashlib.sha256(store_spec.encode("utf-8")).hexdigest()[:16]
        return default_data_dir() / f"neo4j-{digest}.job.lock"
    path = Path(store_spec).expanduser() if store_spec else default_store_path()
    return path.with_name(path.name + ".job.lock")


@dataclass
class StoreLock:
    """An exclusive, non-blocking lock with an optional wait."""

    path: Path
    label: str = "scan"
    _fd: int | None = None

    def acquire(self, *, wait_seconds: float = 0.0) -> None:
        """Take the lock, retrying up to `wait_seconds`; raise LockBusyError."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            from toxicpath.graph.store import StoreError

            raise StoreError(
                f"cannot create the store lock file {self.path}: {error.strerror}; "
                "make its folder writable or pass --store with a path in a "
                "writable folder"
            ) from error
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        logged_wait = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = read_holder(self.path)
                    os.close(fd)
                    raise LockBusyError(
                        _busy_message(self.path, holder, wait_seconds), holder=holder
                    ) from None
                if not logged_wait:
                    logger.info(
                        "waiting up to %.0f s for the store lock %s held by %s",
                        wait_seconds,
                        self.path,
                        describe_holder(read_holder(self.path)),
                    )
                    logged_wait = True
                time.sleep(POLL_SECONDS)
        self._fd = fd
        holder = {
            "pid": os.getpid(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "label": self.label,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode("utf-8"), 0)
        logger.debug("took the store lock %s", self.path)

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
        logger.debug("released the store lock %s", self.path)

    def __enter__(self) -> StoreLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def read_holder(path: Path) -> dict[str, object]:
    """Return what the holder wrote into the lock file, or {} when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if text.strip() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_holder(holder: dict[str, object]) -> str:
    if not holder:
        return "another process (no holder details written yet)"
    return (
        f"pid {holder.get('pid', '?')} ({holder.get('label', 'scan')} started at "
        f"{holder.get('started_at', '?')})"
    )


def _busy_message(path: Path, holder: dict[str, object], wait_seconds: float) -> str:
    waited = f"after waiting {wait_seconds:g} s" if wait_seconds > 0 else "now"
    return (
        f"the store is locked by {describe_holder(holder)}: lock file {path} is "
        f"still held {waited}. Wait for that scan to finish, or pass --wait SECONDS "
        "to queue behind it."
    )
