"""Payloads per channel type: generic webhook JSON, Slack message, SOAR ticket.

A webhook or Slack channel gets one message per flush and cadence, listing
its findings. A ticket channel gets one ticket per finding, because a SOAR
tool opens, assigns and closes tickets one finding at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from toxicpath.config import ChannelSettings
from toxicpath.report.alerts.model import AlertItem

SOURCE = "toxicpath"
# Slack accepts at most 50 blocks per message; two go to the header and footer.
SLACK_MAX_FINDINGS = 40
_CADENCE_TITLES = {
    "immediate": "alert",
    "daily": "daily digest",
    "weekly": "weekly summary",
}
_SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


def _ordered(items: list[AlertItem]) -> list[AlertItem]:
    return sorted(
        items,
        key=lambda i: (
            _SEVERITY_ORDER.index(i.severity) if i.severity in _SEVERITY_ORDER else 9,
            -i.risk_score,
            i.fingerprint,
        ),
    )


def _headline(items: list[AlertItem], cadence: str) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.severity] = counts.get(item.severity, 0) + 1
    summary = ", ".join(f"{counts[s]} {s}" for s in _SEVERITY_ORDER if counts.get(s))
    scans = sorted({i.scan_id for i in items})
    where = f"scan {scans[-1]}" if len(scans) == 1 else f"{len(scans)} scans"
    title = _CADENCE_TITLES.get(cadence, cadence)
    return f"toxicpath {title}: {summary} new or re-opened finding(s) in {where}"


def webhook_payloads(
    channel: ChannelSettings, items: list[AlertItem], cadence: str, now: datetime
) -> list[dict[str, Any]]:
    ordered = _ordered(items)
    return [
        {
            "source": SOURCE,
            "type": "alert" if cadence == "immediate" else "digest",
            "cadence": cadence,
            "sent_at": now.isoformat(timespec="seconds"),
            "text": _headline(ordered, cadence),
            "findings": [item.to_dict() for item in ordered],
        }
    ]


def slack_payloads(
    channel: ChannelSettings, items: list[AlertItem], cadence: str, now: datetime
) -> list[dict[str, Any]]:
    ordered = _ordered(items)
    headline = _headline(ordered, cadence)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline[:150]}}
    ]
    for item in ordered[:SLACK_MAX_FINDINGS]:
        lines = [
            f"*{item.severity.upper()}* ({item.change}) {_slack_escape(item.title)}",
            f"`{_slack_escape(item.resource_name or item.resource_id)}`",
        ]
        if item.path_text:
            lines.append(_slack_escape(item.path_text))
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}
        )
    if len(ordered) > SLACK_MAX_FINDINGS:
        rest = len(ordered) - SLACK_MAX_FINDINGS
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"and {rest} more; see the scan's report",
                    }
                ],
            }
        )
    return [{"text": headline, "blocks": blocks}]


def ticket_payloads(
    channel: ChannelSettings, items: list[AlertItem], cadence: str, now: datetime
) -> list[dict[str, Any]]:
    tickets = []
    for item in _ordered(items):
        hours = channel.sla_hours.get(item.severity, 720.0)
        tickets.append(
            {
                "source": SOURCE,
                "trigger": f"toxicpath.finding.{item.change}",
                "dedup_key": item.fingerprint,
                "title": f"[{item.severity}] {item.title}: "
                f"{item.resource_name or item.resource_id}",
                "severity": item.severity,
                "assignee": channel.assignee,
                "sla": {
                    "hours": hours,
                    "due_at": (now + timedelta(hours=hours)).isoformat(
                        timespec="seconds"
                    ),
                },
                "description": item.path_text or item.title,
                "remediation": item.remediation,
                "finding": item.to_dict(),
            }
        )
    return tickets


def _slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control sequences."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PayloadBuilder = Callable[
    [ChannelSettings, list[AlertItem], str, datetime], list[dict[str, Any]]
]
PAYLOAD_BUILDERS: dict[str, PayloadBuilder] = {
    "webhook": webhook_payloads,
    "slack": slack_payloads,
    "ticket": ticket_payloads,
}
