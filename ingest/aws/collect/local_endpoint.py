"""Adjustments that apply only when the endpoint is a local AWS emulator.

S3 Control puts the account id in front of the endpoint host
(`123456789012.s3-control.us-east-1.amazonaws.com`). Against an emulator at
`http://127.0.0.1:PORT` that gives `123456789012.127.0.0.1`, which does not
resolve. The handler below strips that prefix, and only when the rest of the
host is a loopback address, so requests to AWS itself are never changed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import botocore.session

_REGISTRATION_ID = "toxicpath-local-s3-control-host"


def strip_loopback_account_prefix(request: Any, **_: Any) -> None:
    """Remove a 12-digit account id label in front of a loopback host."""
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    prefix, _dot, rest = host.partition(".")
    if not (prefix.isdigit() and len(prefix) == 12):
        return
    if not (rest == "localhost" or rest.startswith("127.")):
        return
    netloc = rest if parts.port is None else f"{rest}:{parts.port}"
    request.url = urlunsplit(parts._replace(netloc=netloc))


def install_local_endpoint_fixes(session: botocore.session.Session) -> None:
    """Register the S3 Control host fix on `session` (loopback hosts only)."""
    session.register(
        "before-sign.s3-control.*",
        strip_loopback_account_prefix,
        unique_id=_REGISTRATION_ID,
    )
