"""`collect azure` writes a snapshot from the local ARM server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from azure.core.credentials import AccessToken
from azure_arm_server import ArmServer, start_arm_server
from typer.testing import CliRunner

from toxicpath.ingest.azure import credentials
from toxicpath.ingest.azure.credentials import (
    CredentialError,
    CredentialOptions,
    build_credential,
)
from toxicpath.ingest.snapshot import read_snapshot
from toxicpath.ui.cli import collect_azure_cmd

ESTATE = Path(__file__).resolve().parents[2] / "data" / "azure" / "estate.json"


class StaticCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token", int(time.time()) + 3600)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ArmServer]:
    routes = json.loads(ESTATE.read_text(encoding="utf-8"))["routes"]
    state = start_arm_server(routes, tmp_path)
    yield state
    state.stop()


def cli_app() -> typer.Typer:
    app = typer.Typer()
    app.command("azure")(collect_azure_cmd.azure)
    # A second command keeps typer from turning `azure` into the root command.
    app.command("version")(lambda: None)
    return app


def test_collect_azure_writes_snapshot(
    server: ArmServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[CredentialOptions] = []

    def fake_build(options: CredentialOptions) -> StaticCredential:
        seen.append(options)
        return StaticCredential()

    monkeypatch.setattr(credentials, "build_credential", fake_build)
    output = tmp_path / "azure.snapshot.jsonl.gz"
    result = CliRunner().invoke(
        cli_app(),
        [
            "azure",
            "--auth",
            "cli",
            "--tenant",
            "11111111-1111-1111-1111-111111111111",
            "--subscription",
            "bbbbbbbb-0000-0000-0000-000000000002",
            "--endpoint",
            server.base_url,
            "--ca-bundle",
            str(server.ca_path),
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    assert seen[0].method == "cli"
    assert seen[0].tenant_id == "11111111-1111-1111-1111-111111111111"
    snapshot = read_snapshot(output)
    assert snapshot.metadata["azure"]["subscriptions"] == [
        "bbbbbbbb-0000-0000-0000-000000000002"
    ]
    accounts = {r.account for r in snapshot.responses if r.account}
    assert accounts == {"bbbbbbbb-0000-0000-0000-000000000002"}


def test_collect_azure_no_subscription_fails(
    server: ArmServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        credentials, "build_credential", lambda options: StaticCredential()
    )
    output = tmp_path / "none.snapshot.jsonl.gz"
    result = CliRunner().invoke(
        cli_app(),
        [
            "azure",
            "--subscription",
            "99999999-0000-0000-0000-000000000009",
            "--endpoint",
            server.base_url,
            "--ca-bundle",
            str(server.ca_path),
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 2
    assert "can see no subscription" in result.output
    assert not output.exists()


def test_service_principal_needs_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOXICPATH_TEST_SECRET", raising=False)
    options = CredentialOptions(
        method="service-principal",
        tenant_id="11111111-1111-1111-1111-111111111111",
        client_id="22222222-2222-2222-2222-222222222222",
        client_secret_env="TOXICPATH_TEST_SECRET",
    )
    with pytest.raises(CredentialError) as caught:
        build_credential(options)
    assert "TOXICPATH_TEST_SECRET" in str(caught.value)


def test_service_principal_reads_secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from azure.identity import ClientSecretCredential

    monkeypatch.setenv("TOXICPATH_TEST_SECRET", "not-a-real-secret")
    options = CredentialOptions(
        method="service-principal",
        tenant_id="11111111-1111-1111-1111-111111111111",
        client_id="22222222-2222-2222-2222-222222222222",
        client_secret_env="TOXICPATH_TEST_SECRET",
    )
    assert isinstance(build_credential(options), ClientSecretCredential)


def test_unknown_auth_method_rejected() -> None:
    with pytest.raises(CredentialError) as caught:
        build_credential(CredentialOptions(method="password"))
    assert "service-principal" in str(caught.value)


def test_tenant_scoped_credential_passes_tenant() -> None:
    from toxicpath.ingest.azure.credentials import TenantScopedCredential

    seen: list[dict[str, Any]] = []

    class Recording:
        def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
            seen.append(kwargs)
            return AccessToken("fake-token", int(time.time()) + 3600)

    credential = TenantScopedCredential(
        Recording(), "44444444-4444-4444-4444-444444444444"
    )
    credential.get_token("https://management.azure.com/.default")
    assert seen == [{"tenant_id": "44444444-4444-4444-4444-444444444444"}]
