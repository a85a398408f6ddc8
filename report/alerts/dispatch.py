"""Route new and re-opened findings to channels by severity, then deliver what is due.

Routing (`[alerts.routing]`) maps each severity to a cadence. `immediate`
goes out at the end of the scan run that found it. `daily` and `weekly`
collect in the state file until the channel's digest period has passed
since its last digest. `off` never alerts. Flushing builds payloads for
every due digest, then delivers the whole outbox, including payloads a
failed earlier run left there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from toxicpath.config import AlertSettings, ChannelSettings, ConfigError
from toxicpath.report.alerts.delivery import RetryPolicy, deliver
from toxicpath.report.alerts.model import AlertItem
from toxicpath.report.alerts.payloads import PAYLOAD_BUILDERS
from toxicpath.report.alerts.state import AlertState

logger = logging.getLogger(__name__)

CADENCE_PERIODS: dict[str, timedelta] = {
    "immediate": timedelta(0),
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
}
_SEVERITY_RANK = {
    name: rank
    for rank, name in enumerate(("critical", "high", "medium", "low", "info"))
}


@dataclass
class AlertRunSummary:
    """Counts of one alert run: queued, sent and left undelivered."""

    queued: int = 0
    sent: int = 0
    undelivered: int = 0
    errors: list[str] = field(default_factory=list)


def route_alerts(
    *,
    settings: AlertSettings,
    state: AlertState,
    items: Iterable[AlertItem],
    now: datetime,
) -> int:
    """Queue each item on every channel that takes its severity; return the count."""
    queued = 0
    for item in items:
        cadence = settings.routing.cadence(item.severity)
        if cadence == "off":
            continue
        for channel in settings.channels:
            if not _takes(channel, item.severity):
                continue
            if state.queue(channel=channel.name, cadence=cadence, item=item, now=now):
                queued += 1
    logger.info("queued %d alert item(s)", queued)
    return queued


def flush_alerts(
    *,
    settings: AlertSettings,
    state: AlertState,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> AlertRunSummary:
    """Build payloads for due digests, then deliver every payload in the outbox."""
    summary = AlertRunSummary()
    for channel in settings.channels:
        for cadence, period in CADENCE_PERIODS.items():
            items = state.pending(channel=channel.name, cadence=cadence)
            if not items:
                continue
            started = state.period_start(channel=channel.name, cadence=cadence)
            if started is not None and period and now - started < period:
                logger.debug(
                    "%s digest of channel %s is due at %s",
                    cadence,
                    channel.name,
                    started + period,
                )
                continue
            builder = PAYLOAD_BUILDERS[channel.type]
            payloads = builder(channel, items, cadence, now)
            state.move_to_outbox(
                channel=channel.name, cadence=cadence, payloads=payloads, now=now
            )
    _deliver_outbox(settings=settings, state=state, summary=summary, sleep=sleep)
    return summary


def _deliver_outbox(
    *,
    settings: AlertSettings,
    state: AlertState,
    summary: AlertRunSummary,
    sleep: Callable[[float], None],
) -> None:
    channels = {channel.name: channel for channel in settings.channels}
    policy = RetryPolicy(
        max_attempts=settings.max_attempts,
        backoff_seconds=settings.backoff_seconds,
        timeout_seconds=settings.timeout_seconds,
    )
    for entry in state.outbox():
        channel = channels.get(entry.channel)
        if channel is None:
            logger.warning(
                "outbox entry %d is for channel %s, which the configuration no "
                "longer names; it stays queued",
                entry.id,
                entry.channel,
            )
            summary.undelivered += 1
            continue
        try:
            url = channel.resolve_url()
        except ConfigError as error:
            logger.error("alert channel %s: %s", channel.name, error)
            state.failed(entry.id, attempts=0, error=str(error))
            summary.undelivered += 1
            summary.errors.append(str(error))
            continue
        error_text = deliver(
            channel=channel.name,
            url=url,
            payload=entry.payload,
            policy=policy,
            sleep=sleep,
        )
        if error_text is None:
            state.delivered(entry.id)
            summary.sent += 1
        else:
            state.failed(entry.id, attempts=policy.max_attempts, error=error_text)
            summary.undelivered += 1
            summary.errors.append(f"channel {channel.name}: {error_text}")


def _takes(channel: ChannelSettings, severity: str) -> bool:
    rank = _SEVERITY_RANK.get(severity, len(_SEVERITY_RANK))
    return rank <= _SEVERITY_RANK[channel.min_severity]
