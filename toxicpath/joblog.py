"""Logging for unattended runs: text or JSON lines on stderr, tagged with the scan id.

`--log-format json` gives one JSON object per line with `time`, `level`,
`logger`, `message` and `scan_id` (null until the scan id is known), which
log shippers parse without patterns.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

_SCAN_ID: ContextVar[str | None] = ContextVar("toxicpath_scan_id", default=None)
# Handlers this module installed carry this name, so a second call replaces
# them and leaves other handlers (pytest's, an embedding app's) alone.
_HANDLER_NAME = "toxicpath-job"
NOISY_LOGGERS = ("botocore", "boto3", "urllib3", "azure", "google", "neo4j")


def set_scan_id(scan_id: str | None) -> None:
    """Tag the log lines that follow with `scan_id`."""
    _SCAN_ID.set(scan_id)


class _ScanIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.scan_id = _SCAN_ID.get()
        return True


class JsonLineFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "scan_id": getattr(record, "scan_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_job_logging(*, level: str = "WARNING", log_format: str = "text") -> None:
    """Send log lines to stderr as text or JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ScanIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonLineFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s [scan %(scan_id)s]: %(message)s"
            )
        )
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
