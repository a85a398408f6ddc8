"""docker-compose.yml against the Compose Specification JSON schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = (
    Path(__file__).resolve().parents[1] / "data" / "graph" / "compose-spec.json"
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_file_matches_spec(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema)
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(compose)
    ]
    assert errors == []


def test_schema_rejects_unknown_key(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    broken = {**compose, "services": {"neo4j": {"image": "neo4j", "imagee": "x"}}}
    assert not jsonschema.Draft201909Validator(schema).is_valid(broken)


def test_neo4j_image_pins_minor(compose: dict[str, Any]) -> None:
    image = compose["services"]["neo4j"]["image"]
    repository, tag = image.split(":")
    assert repository == "neo4j"
    assert tag.startswith("5.")
    assert tag.endswith("-community")


def test_ports_bound_to_loopback(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_services_use_neo4j_store(compose: dict[str, Any]) -> None:
    for name in ("ui", "scheduler"):
        command = compose["services"][name]["command"]
        assert command[command.index("--store") + 1] == "bolt://neo4j:7687"
        condition = compose["services"][name]["depends_on"]["neo4j"]["condition"]
        assert condition == "service_healthy"


def test_env_example_lists_variables(compose: dict[str, Any]) -> None:
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    names = {
        line.split("=", 1)[0]
        for line in example.splitlines()
        if line and not line.startswith("#")
    }
    assert {"TOXICPATH_NEO4J_PASSWORD", "TOXICPATH_NEO4J_USER"} <= names
    assert (
        "TOXICPATH_NEO4J_PASSWORD"
        in compose["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    )
