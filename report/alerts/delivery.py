"""HTTP delivery of alert payloads with bounded retries and exponential backoff.

Webhook URLs are secrets (Slack's path is the credential), so log lines
carry the channel name and the URL with its path and query replaced.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

USER_AGENT = "toxicpath-alerts/1"


class DeliveryError(RuntimeError):
    """A failed delivery; the message never contains the full URL."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently one delivery is retried within one run."""

    max_attempts: int = 4
    backoff_seconds: float = 2.0
    timeout_seconds: float = 10.0

    def delay(self, attempt: int) -> float:
        """Return the wait after failed attempt number `attempt` (1-based)."""
        return float(self.backoff_seconds * (2 ** (attempt - 1)))


def redact_url(url: str) -> str:
    """Return `scheme://host[:port]/…`: the URL without its path and query."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    hidden = "/…" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{hidden}"


def post_json(url: str, payload: Any, *, timeout: float) -> int:
    """POST `payload` as JSON; return the status, raise DeliveryError on failure."""
    body = json.dumps(payload, default=str).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        text = str(reason).replace(url, redact_url(url))
        raise DeliveryError(f"connection failed: {text}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    return status


def deliver(
    *,
    channel: str,
    url: str,
    payload: Any,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Send one payload, retrying; return None when sent, else the last error."""
    last_error = ""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            status = post_json(url, payload, timeout=policy.timeout_seconds)
        except DeliveryError as error:
            last_error = str(error)
            if attempt < policy.max_attempts:
                delay = policy.delay(attempt)
                logger.warning(
                    "alert delivery to channel %s (%s) failed on attempt %d of %d: "
                    "%s; retrying in %.2f s",
                    channel,
                    redact_url(url),
                    attempt,
                    policy.max_attempts,
                    last_error,
                    delay,
                )
                sleep(delay)
            continue
        logger.info(
            "alert delivered to channel %s (%s): HTTP %d on attempt %d",
            channel,
            redact_url(url),
            status,
            attempt,
        )
        return None
    logger.error(
        "alert delivery to channel %s (%s) failed after %d attempts: %s; "
        "the alert stays queued for the next run",
        channel,
        redact_url(url),
        policy.max_attempts,
        last_error,
    )
    return last_error
