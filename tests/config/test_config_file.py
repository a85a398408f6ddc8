"""The TOML configuration: validation messages, defaults and what each table feeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from toxicpath.config import ConfigError, default_config_path, load_config
from toxicpath.findings.evaluate import evaluate_store
from toxicpath.graph.open import open_store
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.pipeline import scan_inputs
from toxicpath.ui.cli.main import app

runner = CliRunner()

VALID = """
acceptance_file = "/etc/toxicpath/acceptances.yaml"

[store]
path = "/var/lib/toxicpath/graph.lbdb"

[sensitivity]
"arn:aws:s3:::larkspur-app-logs" = "critical"

[scoring]
conditional_factor = 0.2

[scoring.edge_weights]
CAN_ASSUME = 0.9

[alerts]
backoff_seconds = 0.5

[alerts.routing]
high = "immediate"

[[alerts.channels]]
name = "secops"
type = "slack"
url_env = "TOXICPATH_TEST_SLACK_URL"
min_severity = "high"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, text))
    return str(raised.value)


def test_config_check_names_bad_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "[alerts]\nchanels = []\n")
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert "alerts.chanels: unknown key" in result.stderr
    assert "rename it to 'channels'" in result.stderr


def test_config_check_accepts_valid_file(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    result = runner.invoke(
        app,
        ["config", "check", "--config", str(path)],
        env={"TOXICPATH_TEST_SLACK_URL": "http://127.0.0.1:9/hook"},
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("OK:")


def test_config_check_warns_unset_url_env(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 0
    assert "TOXICPATH_TEST_SLACK_URL is not set" in result.stderr


def test_valid_config_fills_sections(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, VALID))
    assert config.store.spec == "/var/lib/toxicpath/graph.lbdb"
    assert config.alerts.routing.cadence("high") == "immediate"
    assert config.alerts.routing.cadence("medium") == "weekly"
    assert config.alerts.channels[0].min_severity == "high"


def test_bad_routing_value_names_choices(tmp_path: Path) -> None:
    message = _errors(tmp_path, '[alerts.routing]\ncritical = "hourly"\n')
    assert "alerts.routing.critical:" in message
    assert "'immediate', 'daily', 'weekly' or 'off'" in message


def test_channel_without_url_is_rejected(tmp_path: Path) -> None:
    message = _errors(tmp_path, '[[alerts.channels]]\nname = "x"\ntype = "webhook"\n')
    assert "alerts.channels[0]:" in message
    assert "needs exactly one of url, url_env or url_file" in message


def test_store_path_and_uri_conflict(tmp_path: Path) -> None:
    message = _errors(tmp_path, '[store]\npath = "a.lbdb"\nuri = "bolt://db:7687"\n')
    assert "set either store.path" in message


def test_bad_sensitivity_level_named(tmp_path: Path) -> None:
    message = _errors(tmp_path, '[sensitivity]\n"arn:aws:s3:::x" = "secret"\n')
    assert "sensitivity: " in message
    assert "use low, medium, high, critical" in message


def test_unknown_scoring_setting_named(tmp_path: Path) -> None:
    message = _errors(tmp_path, "[scoring]\nchain_factor = 0.5\n")
    assert "unknown scoring setting 'chain_factor'" in message


def test_invalid_toml_names_file(tmp_path: Path) -> None:
    message = _errors(tmp_path, "[alerts\n")
    assert "invalid TOML" in message
    assert "config.toml" in message


def test_relative_paths_follow_config_file(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            'acceptance_file = "acceptances.yaml"\n[store]\npath = "data/graph.lbdb"\n',
        )
    )
    assert config.acceptance_file == tmp_path / "acceptances.yaml"
    assert config.store.spec == str(tmp_path / "data" / "graph.lbdb")


def test_missing_explicit_file_is_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_default_path_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, VALID)
    monkeypatch.setenv("TOXICPATH_CONFIG", str(path))
    assert default_config_path() == path
    assert load_config().acceptance_file == Path("/etc/toxicpath/acceptances.yaml")


def test_missing_default_file_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOXICPATH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty"))
    config = load_config()
    assert config.alerts.channels == []


def test_sensitivity_and_scoring_feed_scan(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            '[sensitivity]\n"larkspur-app-logs" = "critical"\n'
            "[scoring.edge_weights]\nCAN_ACCESS = 0.1\n",
        )
    )
    store = str(tmp_path / "graph.lbdb")
    outcome = scan_inputs(
        [demo_estate_path()],
        store_spec=store,
        sensitivity_overrides=config.sensitivity,
    )
    logs = outcome.records.nodes["arn:aws:s3:::larkspur-app-logs"]
    assert logs.props["sensitivity"] == "critical"

    graph = open_store(store, read_only=True)
    try:
        default = evaluate_store(graph)
        weighted = evaluate_store(graph, scoring=config.scoring)
    finally:
        graph.close()
    default_risk = {f.fingerprint: f.risk_score for f in default.findings}
    lowered = [
        f
        for f in weighted.findings
        if "CAN_ACCESS" in f.path.edge_types
        and f.risk_score < default_risk[f.fingerprint]
    ]
    assert lowered


def test_neo4j_settings_fill_environment(tmp_path: Path) -> None:
    config = load_config(
        _write(
            tmp_path,
            '[store]\nuri = "bolt://127.0.0.1:7687"\nuser = "scanner"\n'
            'password_file = "neo4j-password"\n',
        )
    )
    environment = config.store.neo4j_environment()
    assert config.store.spec == "bolt://127.0.0.1:7687"
    assert environment["TOXICPATH_NEO4J_USER"] == "scanner"
    assert environment["TOXICPATH_NEO4J_PASSWORD_FILE"] == str(
        tmp_path / "neo4j-password"
    )
    assert "TOXICPATH_NEO4J_DATABASE" not in environment


def test_neo4j_user_without_uri_rejected(tmp_path: Path) -> None:
    message = _errors(tmp_path, '[store]\nuser = "scanner"\n')
    assert "store.user applies to Neo4j only" in message


def test_config_check_validates_acceptances(tmp_path: Path) -> None:
    (tmp_path / "acceptances.yaml").write_text(
        "acceptances:\n  - rule: public-object-storage\n    owner: web-team\n",
        encoding="utf-8",
    )
    path = _write(tmp_path, 'acceptance_file = "acceptances.yaml"\n')
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert "acceptance_file:" in result.stderr
    assert "justification" in result.stderr
