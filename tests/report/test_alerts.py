"""Alert delivery from scan jobs to a webhook on 127.0.0.1, and digest timing."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_webhook import Webhook, make_alert_config

from toxicpath.config import ToxicpathConfig
from toxicpath.findings.evaluate import history_for_store
from toxicpath.findings.model import Finding
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.job import JobOptions, JobResult, run_scan_job
from toxicpath.report.alerts.delivery import redact_url
from toxicpath.report.alerts.dispatch import flush_alerts, route_alerts
from toxicpath.report.alerts.model import AlertItem, alertable_changes
from toxicpath.report.alerts.state import AlertState, alert_state_path_for


def _scan(
    store: Path, config: ToxicpathConfig, inputs: Path | None = None
) -> JobResult:
    return run_scan_job(
        JobOptions(
            inputs=[inputs or demo_estate_path()],
            store_spec=str(store),
            config=config,
        )
    )


def _item(fingerprint: str, severity: str) -> AlertItem:
    return AlertItem(
        fingerprint=fingerprint,
        rule_id="public-object-storage",
        severity=severity,
        title="Public bucket",
        resource_id=f"arn:aws:s3:::{fingerprint}",
        resource_name=fingerprint,
        risk_score=1.0,
        path_text="",
        remediation="Block public access.",
        change="new",
        scan_id="scan-1",
    )


def test_new_critical_posts_one_alert(
    tmp_path: Path, webhook: Webhook, alert_config: ToxicpathConfig
) -> None:
    store = tmp_path / "graph.lbdb"
    first = _scan(store, alert_config)
    criticals = {
        f.fingerprint for f in first.evaluation.open if f.severity == "critical"
    }
    assert len(webhook.received) == 1
    alert = webhook.received[0]
    assert alert["type"] == "alert"
    assert {f["fingerprint"] for f in alert["findings"]} == criticals
    assert first.alerts is not None
    assert first.alerts.sent == 1

    second = _scan(store, alert_config)
    assert second.outcome.scan.id != first.outcome.scan.id
    assert len(webhook.received) == 1
    assert webhook.requests == 1


def test_alert_only_for_added_critical(
    tmp_path: Path, webhook: Webhook, narrowed_demo: Path, alert_config: ToxicpathConfig
) -> None:
    store = tmp_path / "graph.lbdb"
    baseline = _scan(store, alert_config, narrowed_demo)
    webhook.received.clear()
    full = _scan(store, alert_config)
    before = {f.fingerprint for f in baseline.evaluation.findings}
    added = {
        f.fingerprint
        for f in full.evaluation.open
        if f.severity == "critical" and f.fingerprint not in before
    }
    assert added
    assert len(webhook.received) == 1
    assert {f["fingerprint"] for f in webhook.received[0]["findings"]} == added


def test_retry_delivers_after_two_failures(
    tmp_path: Path, webhook: Webhook, alert_config: ToxicpathConfig
) -> None:
    webhook.failures_left = 2
    result = _scan(tmp_path / "graph.lbdb", alert_config)
    assert webhook.requests == 3
    assert len(webhook.received) == 1
    assert result.alerts is not None
    assert result.alerts.undelivered == 0


def test_failed_delivery_keeps_scan_and_queue(
    tmp_path: Path,
    webhook: Webhook,
    alert_config: ToxicpathConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    webhook.failures_left = -1
    store = tmp_path / "graph.lbdb"
    with caplog.at_level(logging.WARNING, logger="toxicpath.report.alerts"):
        result = _scan(store, alert_config)
    assert webhook.requests == 3
    history = history_for_store(str(store))
    assert history.get_scan(result.outcome.scan.id) is not None
    assert result.alerts is not None
    assert result.alerts.undelivered == 1
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("channel soc" in m and "HTTP 500" in m for m in failures)
    assert "secret-token-123" not in caplog.text
    state = AlertState(alert_state_path_for(str(store)))
    queued = state.outbox("soc")
    assert len(queued) == 1
    assert queued[0].attempts == 3

    webhook.failures_left = 0
    summary = flush_alerts(
        settings=alert_config.alerts, state=state, now=datetime.now(UTC)
    )
    assert summary.sent == 1
    assert len(webhook.received) == 1
    assert state.outbox("soc") == []


def test_daily_digest_waits_one_day(tmp_path: Path, webhook: Webhook) -> None:
    settings = make_alert_config(webhook.url).alerts
    state = AlertState(tmp_path / "alerts.sqlite")
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    queued = route_alerts(
        settings=settings,
        state=state,
        items=[_item("aaa", "high"), _item("bbb", "medium")],
        now=start,
    )
    assert queued == 2
    flush_alerts(settings=settings, state=state, now=start + timedelta(hours=23))
    assert webhook.received == []
    flush_alerts(settings=settings, state=state, now=start + timedelta(days=1))
    assert len(webhook.received) == 1
    assert webhook.received[0]["cadence"] == "daily"
    assert [f["fingerprint"] for f in webhook.received[0]["findings"]] == ["aaa"]
    flush_alerts(settings=settings, state=state, now=start + timedelta(days=7))
    assert len(webhook.received) == 2
    assert webhook.received[1]["cadence"] == "weekly"


def test_routing_off_queues_nothing(tmp_path: Path, webhook: Webhook) -> None:
    settings = make_alert_config(webhook.url).alerts
    state = AlertState(tmp_path / "alerts.sqlite")
    queued = route_alerts(
        settings=settings,
        state=state,
        items=[_item("ccc", "info")],
        now=datetime.now(UTC),
    )
    assert queued == 0


def test_slack_payload_has_text_and_blocks(tmp_path: Path, webhook: Webhook) -> None:
    settings = make_alert_config(webhook.url, channel_type="slack").alerts
    state = AlertState(tmp_path / "alerts.sqlite")
    now = datetime.now(UTC)
    route_alerts(
        settings=settings, state=state, items=[_item("ddd", "critical")], now=now
    )
    flush_alerts(settings=settings, state=state, now=now)
    message = webhook.received[0]
    assert message["text"].startswith("toxicpath alert: 1 critical")
    assert message["blocks"][0]["type"] == "header"
    assert "*CRITICAL* (new) Public bucket" in message["blocks"][1]["text"]["text"]


def test_ticket_payload_has_sla(tmp_path: Path, webhook: Webhook) -> None:
    settings = make_alert_config(webhook.url, channel_type="ticket").alerts
    state = AlertState(tmp_path / "alerts.sqlite")
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    items = [_item("eee", "critical"), _item("fff", "critical")]
    route_alerts(settings=settings, state=state, items=items, now=now)
    flush_alerts(settings=settings, state=state, now=now)
    assert len(webhook.received) == 2
    ticket = webhook.received[0]
    assert ticket["trigger"] == "toxicpath.finding.new"
    assert ticket["sla"]["hours"] == 24.0
    assert ticket["sla"]["due_at"] == "2026-03-03T02:00:00+00:00"
    assert ticket["dedup_key"] == "eee"


def test_redact_url_hides_path_and_query() -> None:
    redacted = redact_url("https://hooks.example.com:8443/services/T1/B2/xyz?token=1")
    assert redacted == "https://hooks.example.com:8443/…"


def test_digest_drops_closed_findings(tmp_path: Path, webhook: Webhook) -> None:
    settings = make_alert_config(webhook.url).alerts
    state = AlertState(tmp_path / "alerts.sqlite")
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    items = [_item("ggg", "high"), _item("hhh", "high")]
    route_alerts(settings=settings, state=state, items=items, now=start)
    dropped = state.discard_pending(keep={"hhh"})
    flush_alerts(settings=settings, state=state, now=start + timedelta(days=1))
    assert dropped == 1
    assert [f["fingerprint"] for f in webhook.received[0]["findings"]] == ["hhh"]


def test_alertable_changes_marks_reopened() -> None:
    accepted = Finding(
        rule_id="r",
        severity="critical",
        title="t",
        resource_id="x",
        fingerprint="f1",
        status="accepted",
    )
    reopened = replace(accepted, status="open")
    unchanged = replace(accepted, fingerprint="f2", status="open")
    added = replace(accepted, fingerprint="f3", status="open")
    changes = alertable_changes([reopened, unchanged, added], [accepted, unchanged])
    assert changes == {"f1": "reopened", "f3": "new"}


def test_alertable_changes_skips_accepted() -> None:
    finding = Finding(
        rule_id="r",
        severity="critical",
        title="t",
        resource_id="x",
        fingerprint="f1",
        status="suppressed",
    )
    assert alertable_changes([finding], None) == {}
