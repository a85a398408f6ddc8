"""A recording webhook and a one-channel alert configuration for alert tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toxicpath.config import ToxicpathConfig, parse_config


@dataclass
class Webhook:
    """A loopback HTTP server that records POST bodies and fails on request."""

    url: str
    received: list[Any] = field(default_factory=list)
    requests: int = 0
    # Requests that get HTTP 500 before the server returns 200; -1 fails them all.
    failures_left: int = 0


def make_alert_config(url: str, *, channel_type: str = "webhook") -> ToxicpathConfig:
    """Return a configuration with one channel and fast retries."""
    return parse_config(
        {
            "alerts": {
                "max_attempts": 3,
                "backoff_seconds": 0.01,
                "timeout_seconds": 5,
                "channels": [{"name": "soc", "type": channel_type, "url": url}],
            }
        },
        source="test",
    )
