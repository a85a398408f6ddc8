"""Every page of the Streamlit app, driven by AppTest on the demo store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from app_support import APP_SCRIPT, EARLIER_SCAN_ID, DemoStore
from streamlit.testing.v1 import AppTest

from toxicpath.findings.acceptance import load_acceptances
from toxicpath.graph.open import open_store

WEB_ROLE = "arn:aws:iam::210987654321:role/web-server-role"
PROD_ACCOUNT = "210987654321"
TIMEOUT_SECONDS = 120


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(str(APP_SCRIPT), default_timeout=TIMEOUT_SECONDS)
    app.run()
    if page != "overview":
        app.switch_page(f"screens/{page}.py")
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def iframe_html(app: AppTest) -> list[str]:
    return [str(element.proto.srcdoc) for element in app.get("iframe")]


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_overview_counts_open_findings(app_store: DemoStore) -> None:
    app = open_page("overview")
    critical = sum(
        1 for f in app_store.findings if f.severity == "critical" and f.status == "open"
    )
    assert app.title[0].value == "Overview"
    assert metric(app, "Critical") == str(critical)
    assert int(metric(app, "Identities with a path to admin")) > 0
    assert metric(app, "Internet-exposed resources") == "3"
    assert metric(app, "Services not evaluated") == "0"


def test_overview_draws_trend_chart(app_store: DemoStore) -> None:
    app = open_page("overview")
    assert app.get("vega_lite_chart")
    assert any("Scans recorded: 2." in c.value for c in app.caption)


def test_overview_lists_exposed_resources(app_store: DemoStore) -> None:
    app = open_page("overview")
    exposed = app.dataframe[1].value
    assert set(exposed["name"]) == {"web-1", "public-web", "webhook-handler"}


def test_attack_paths_table_and_graph(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    table = app.dataframe[0].value
    assert len(table) > 5
    assert list(table["risk"]) == sorted(table["risk"], reverse=True)
    drawings = iframe_html(app)
    assert len(drawings) == 1
    assert "neo4j-viz-data" in drawings[0]
    read_out = " ".join(m.value for m in app.markdown)
    assert "partner-integration" in read_out


def test_attack_paths_severity_filter(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    everything = len(app.dataframe[0].value)
    app.multiselect(key="paths_severity").set_value(["critical"]).run()
    critical = app.dataframe[0].value
    assert 0 < len(critical) < everything
    assert set(critical["severity"]) == {"critical"}


def test_attack_paths_target_filter(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    target = app.multiselect(key="paths_target")
    customer_data = next(o for o in target.options if "larkspur-customer-data" in o)
    target.set_value([customer_data]).run()
    table = app.dataframe[0].value
    assert len(table) > 0
    assert set(table["target"]) == {"larkspur-customer-data"}


def test_attack_paths_account_filter(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    everything = len(app.dataframe[0].value)
    app.multiselect(key="paths_account").set_value(["999988887777"]).run()
    table = app.dataframe[0].value
    assert 0 < len(table) < everything
    assert all("999988887777" in accounts for accounts in table["accounts"])


def test_attack_paths_technique_filter(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    everything = len(app.dataframe[0].value)
    app.multiselect(key="paths_technique").set_value(["aws-admin-policy"]).run()
    table = app.dataframe[0].value
    assert 0 < len(table) < everything
    assert all("aws-admin-policy" in t for t in table["techniques"])


def test_attack_paths_evidence_per_hop(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    evidence = [c.value for c in app.caption if c.value.startswith("Evidence:")]
    assert evidence
    assert any("policy" in text for text in evidence)


def test_attack_paths_any_identity_adds_paths(app_store: DemoStore) -> None:
    app = open_page("attack_paths")
    before = len(app.dataframe[0].value)
    app.toggle(key="paths_any_identity").set_value(True).run()
    assert len(app.dataframe[0].value) > before


def test_blast_radius_of_web_role(app_store: DemoStore) -> None:
    app = open_page("blast_radius")
    app.text_input(key="blast_text").input(WEB_ROLE).run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert f"Becomes admin of account(s) {PROD_ACCOUNT}" in errors
    reached = app.dataframe[1].value
    names = set(reached["name"])
    assert "larkspur-customer-data" in names
    assert f"admin of {PROD_ACCOUNT}" in names
    assert "Resource:object_storage" in set(reached["kind"])
    assert "neo4j-viz-data" in iframe_html(app)[0]


def test_blast_radius_by_kind_and_account(app_store: DemoStore) -> None:
    app = open_page("blast_radius")
    app.text_input(key="blast_text").input(WEB_ROLE).run()
    grouped = app.dataframe[0].value
    assert PROD_ACCOUNT in grouped.columns
    assert grouped.loc["Resource:object_storage", PROD_ACCOUNT] >= 1


def test_blast_radius_picked_from_list(app_store: DemoStore) -> None:
    app = open_page("blast_radius")
    pick = app.selectbox(key="blast_pick")
    option = next(o for o in pick.options if o.startswith("web-server-role "))
    pick.set_value(option).run()
    assert any(s.value.startswith("web-server-role reaches") for s in app.subheader)


def test_blast_radius_by_unique_id(app_store: DemoStore) -> None:
    app = open_page("blast_radius")
    app.text_input(key="blast_text").input("AIDADEVCIBOT000000001").run()
    assert any(s.value.startswith("ci-bot reaches") for s in app.subheader)


def test_blast_radius_unknown_node(app_store: DemoStore) -> None:
    app = open_page("blast_radius")
    app.text_input(key="blast_text").input("no-such-node").run()
    assert any("matches no node" in e.value for e in app.error)
    assert not app.get("iframe")


def test_choke_points_summary(app_store: DemoStore) -> None:
    app = open_page("choke_points")
    headline = app.subheader[0].value
    assert headline.startswith("Fix these 5 things to remove")
    assert any(m.value.startswith("**Fix 1**") for m in app.markdown)


def test_choke_points_edge_limit(app_store: DemoStore) -> None:
    app = open_page("choke_points")
    app.number_input(key="choke_max").set_value(1).run()
    headline = app.subheader[0].value
    assert headline.startswith("Fix this 1 thing to remove")


def test_findings_severity_filter(app_store: DemoStore) -> None:
    app = open_page("findings")
    everything = len(app.dataframe[0].value)
    app.multiselect(key="findings_severity").set_value(["critical"]).run()
    critical = app.dataframe[0].value
    assert 0 < len(critical) < everything
    assert set(critical["severity"]) == {"critical"}


def test_findings_export_buttons(app_store: DemoStore) -> None:
    app = open_page("findings")
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Download CSV", "Download JSON"]


def test_findings_acceptance_written(
    app_store: DemoStore, acceptance_file: Path
) -> None:
    app = open_page("findings")
    target = app_store.findings[0]
    choice = next(
        o
        for o in app.selectbox(key="accept_finding").options
        if target.fingerprint in o
    )
    app.selectbox(key="accept_finding").set_value(choice)
    app.radio(key="accept_status").set_value("suppressed")
    app.text_input(key="accept_owner").input("sec-team@example.com")
    app.text_area(key="accept_justification").input("Reviewed: test bucket.")
    app.date_input(key="accept_expires").set_value(date(2027, 6, 30))
    app.button[0].click().run()
    assert not app.exception
    entries = yaml.safe_load(acceptance_file.read_text(encoding="utf-8"))
    entry = entries["acceptances"][-1]
    assert entry["fingerprint"] == target.fingerprint
    assert entry["owner"] == "sec-team@example.com"
    assert entry["status"] == "suppressed"
    assert str(entry["expires"]) == "2027-06-30"
    assert any("Recorded" in s.value for s in app.success)
    open_rows = app.dataframe[0].value
    assert target.fingerprint not in set(open_rows["fingerprint"])


def test_findings_acceptance_by_rule(
    app_store: DemoStore, acceptance_file: Path
) -> None:
    app = open_page("findings")
    target = app_store.findings[1]
    picker = app.selectbox(key="accept_finding")
    picker.set_value(next(o for o in picker.options if target.fingerprint in o))
    app.radio(key="accept_scope").set_value("this rule on matching resources")
    app.text_input(key="accept_glob").input("arn:aws:*")
    app.text_input(key="accept_owner").input("cloud-team@example.com")
    app.text_area(key="accept_justification").input("Known design.")
    app.button[0].click().run()
    assert not app.exception
    entries = yaml.safe_load(acceptance_file.read_text(encoding="utf-8"))
    entry = entries["acceptances"][-1]
    assert entry["rule"] == target.rule_id
    assert entry["resource"] == "arn:aws:*"
    assert "fingerprint" not in entry
    assert load_acceptances(acceptance_file)[-1].status == "accepted"


def test_findings_acceptance_file_from_env(
    app_store: DemoStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = tmp_path / "team-acceptances.yaml"
    monkeypatch.setenv("TOXICPATH_ACCEPTANCES", str(configured))
    app = open_page("findings")
    app.text_input(key="accept_owner").input("sec-team@example.com")
    app.text_area(key="accept_justification").input("Tracked elsewhere.")
    app.button[0].click().run()
    assert not app.exception
    assert load_acceptances(configured)[-1].owner == "sec-team@example.com"


def test_findings_acceptance_needs_owner(
    app_store: DemoStore, acceptance_file: Path
) -> None:
    app = open_page("findings")
    app.text_area(key="accept_justification").input("No owner given.")
    app.button[0].click().run()
    assert any("owner" in e.value for e in app.error)
    assert not acceptance_file.exists()


def test_console_runs_read_query(app_store: DemoStore) -> None:
    app = open_page("console")
    app.button(key="console_run").click().run()
    assert not app.exception
    assert app.success[0].value.endswith("rows")
    assert len(app.dataframe[0].value) > 0
    assert "neo4j-viz-data" in iframe_html(app)[0]


def test_console_rejects_write_query(app_store: DemoStore) -> None:
    count_query = "MATCH (n) RETURN count(n) AS nodes"
    store = open_store(app_store.spec, read_only=True)
    try:
        before = store.query(count_query)[0]["nodes"]
    finally:
        store.close()
    app = open_page("console")
    app.text_area(key="console_query").input("MATCH (n) DETACH DELETE n")
    app.button(key="console_run").click().run()
    assert any(e.value.startswith("Query rejected") for e in app.error)
    assert not app.dataframe
    store = open_store(app_store.spec, read_only=True)
    try:
        after = store.query(count_query)[0]["nodes"]
    finally:
        store.close()
    assert after == before
    assert after > 0


def test_console_caps_rows(app_store: DemoStore) -> None:
    app = open_page("console")
    app.text_area(key="console_query").input("UNWIND range(1, 6000) AS x RETURN x")
    app.button(key="console_run").click().run()
    assert not app.exception
    assert any("showing the first 5000" in w.value for w in app.warning)
    assert app.success[0].value == "5000 rows"


def test_scans_lists_history(app_store: DemoStore) -> None:
    app = open_page("scans")
    listed = app.dataframe[0].value
    assert list(listed["scan"]) == [app_store.scan_id, EARLIER_SCAN_ID]


def test_scans_compare_two(app_store: DemoStore) -> None:
    app = open_page("scans")
    assert metric(app, "New") == "1"
    assert metric(app, "Resolved") == "0"
    assert metric(app, "Changed") == "1"
    tables = [d.value for d in app.dataframe]
    new_rows = next(t for t in tables if "fingerprint" in t and len(t) == 1)
    assert new_rows["fingerprint"][0] == app_store.dropped.fingerprint


@pytest.mark.parametrize(
    "page",
    [
        "overview",
        "attack_paths",
        "blast_radius",
        "choke_points",
        "findings",
        "console",
        "scans",
    ],
)
def test_page_without_store(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOXICPATH_UI_STORE", str(tmp_path / "missing" / "graph.lbdb"))
    app = AppTest.from_file(str(APP_SCRIPT), default_timeout=TIMEOUT_SECONDS)
    app.run()
    if page != "overview":
        app.switch_page(f"screens/{page}.py")
        app.run()
    assert not app.exception
    messages = [e.value for e in app.error] + [w.value for w in app.warning]
    messages += [i.value for i in app.info]
    assert messages
