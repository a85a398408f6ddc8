"""The configuration examples shipped in deploy/ and docs/ must load."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from toxicpath.config import parse_config
from toxicpath.schedule import validate_cron

REPO = Path(__file__).resolve().parents[2]


def test_kubernetes_configmap_config_is_valid() -> None:
    documents = list(
        yaml.safe_load_all(
            (REPO / "deploy" / "kubernetes-cronjob.yaml").read_text(encoding="utf-8")
        )
    )
    config_map = next(d for d in documents if d["kind"] == "ConfigMap")
    config = parse_config(
        tomllib.loads(config_map["data"]["config.toml"]), source="configmap"
    )
    assert config.store.spec == "/data/graph.lbdb"
    cron_job = next(d for d in documents if d["kind"] == "CronJob")
    validate_cron(cron_job["spec"]["schedule"])
    assert cron_job["spec"]["concurrencyPolicy"] == "Forbid"


def test_documented_config_example_is_valid() -> None:
    text = (REPO / "docs" / "scheduled-scans.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    config = parse_config(tomllib.loads(example.group(1)), source="docs")
    assert [c.name for c in config.alerts.channels] == ["secops-slack", "soar"]
