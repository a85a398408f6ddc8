"""`toxicpath collect azure`: read live Azure subscriptions into a snapshot file.

The command uses only read (GET) calls of Azure Resource Manager. The snapshot
is what `toxicpath scan --input SNAPSHOT` analyses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ui.cli.collect_cmd import split_list
from toxicpath.ui.cli.common import ExitCode, configure_logging, fail, handle_errors
from toxicpath.ui.cli.output import emit_table, stderr_console

ListOption = list[str] | None


def azure(
    auth: Annotated[
        str,
        typer.Option(
            help="Credential: default (DefaultAzureCredential), cli (az login), "
            "service-principal or managed-identity.",
        ),
    ] = "default",
    tenant: Annotated[
        str | None,
        typer.Option(help="Tenant id to sign in to.", envvar="AZURE_TENANT_ID"),
    ] = None,
    client_id: Annotated[
        str | None,
        typer.Option(
            help="Client id of the service principal, or of a user-assigned "
            "managed identity with --auth managed-identity.",
        ),
    ] = None,
    client_secret_env: Annotated[
        str,
        typer.Option(
            help="Name of the environment variable that contains the service "
            "principal's client secret (the secret is never a command-line value).",
        ),
    ] = "AZURE_CLIENT_SECRET",
    certificate: Annotated[
        Path | None,
        typer.Option(
            help="PEM certificate of the service principal, instead of a secret."
        ),
    ] = None,
    subscriptions: Annotated[
        ListOption,
        typer.Option(
            "--subscription",
            help="Only these subscription ids (comma-separated, repeatable); "
            "default: every subscription the credential can see.",
        ),
    ] = None,
    management_groups: Annotated[
        bool,
        typer.Option(
            "--management-groups/--no-management-groups",
            help="Read management groups and their role assignments.",
        ),
    ] = True,
    endpoint: Annotated[
        str,
        typer.Option(help="Azure Resource Manager endpoint (sovereign clouds)."),
    ] = "https://management.azure.com",
    ca_bundle: Annotated[
        Path | None,
        typer.Option(help="CA bundle for a TLS-inspecting proxy or private endpoint."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Snapshot file to write (gzip JSON Lines); default: "
            "toxicpath-azure-<scan id>.snapshot.jsonl.gz in the current folder.",
        ),
    ] = None,
    log_level: Annotated[
        str, typer.Option(help="Log level on stderr: DEBUG, INFO, WARNING, ERROR.")
    ] = "WARNING",
) -> None:
    """Collect Azure RBAC, identities, network and storage (read-only calls)."""
    configure_logging(log_level.upper())
    _collect_azure(
        auth=auth,
        tenant=tenant or "",
        client_id=client_id or "",
        client_secret_env=client_secret_env,
        certificate=str(certificate) if certificate else "",
        subscriptions=split_list(subscriptions),
        management_groups=management_groups,
        endpoint=endpoint,
        ca_bundle=str(ca_bundle) if ca_bundle else "",
        output=output,
    )


@handle_errors
def _collect_azure(
    *,
    auth: str,
    tenant: str,
    client_id: str,
    client_secret_env: str,
    certificate: str,
    subscriptions: tuple[str, ...],
    management_groups: bool,
    endpoint: str,
    ca_bundle: str,
    output: Path | None,
) -> None:
    try:
        from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

        from toxicpath.ingest.azure.collect import AzureCollectorConfig, collect_azure
        from toxicpath.ingest.azure.credentials import (
            CredentialError,
            CredentialOptions,
            build_credential,
        )
    except ImportError as exc:
        raise fail(
            f"the Azure SDKs are not installed ({exc.name}); install toxicpath[azure]",
            ExitCode.INPUT,
        ) from None
    from toxicpath.ingest.snapshot import write_snapshot

    try:
        credential = build_credential(
            CredentialOptions(
                method=auth,
                tenant_id=tenant,
                client_id=client_id,
                client_secret_env=client_secret_env,
                certificate_path=certificate,
            )
        )
    except CredentialError as exc:
        raise fail(str(exc), ExitCode.INPUT) from None
    config = AzureCollectorConfig(
        credential=credential,
        subscriptions=subscriptions,
        include_management_groups=management_groups,
        base_url=endpoint.rstrip("/"),
        connection_verify=ca_bundle or True,
    )
    with stderr_console.status("Collecting Azure configuration"):
        try:
            snapshot = collect_azure(config)
        except ClientAuthenticationError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise fail(
                f"Azure sign-in failed ({first_line}); check --auth and --tenant, "
                "or run `az login`",
                ExitCode.INPUT,
            ) from None
        except HttpResponseError as exc:
            raise fail(
                f"Azure call failed with an error the collector does not handle: "
                f"{exc.message}; no snapshot was written",
                ExitCode.PARTIAL,
            ) from None
    if not snapshot.metadata.get("azure", {}).get("subscriptions"):
        raise fail(
            "the credential can see no subscription (or none of those given with "
            "--subscription); grant it Reader on a subscription and retry",
            ExitCode.INPUT,
        )
    path = output or Path(f"toxicpath-azure-{snapshot.id}.snapshot.jsonl.gz")
    write_snapshot(snapshot, path)
    _print_summary(snapshot, path)
    typer.echo(str(path))


def _print_summary(snapshot: Snapshot, path: Path) -> None:
    subscriptions = snapshot.metadata.get("azure", {}).get("subscriptions", [])
    stderr_console.print(
        f"Collected {len(snapshot.responses)} responses from "
        f"{len(subscriptions)} subscription(s) into {path}",
        highlight=False,
    )
    not_evaluated = snapshot.not_evaluated()
    if not not_evaluated:
        return
    stderr_console.print(
        f"[yellow]{len(not_evaluated)} service(s) were not evaluated:[/yellow]"
    )
    emit_table(
        (
            {
                "subscription": entry.account or "(tenant)",
                "service": entry.service,
                "status": entry.status,
                "reason": entry.reason,
            }
            for entry in not_evaluated
        ),
        columns=[
            ("subscription", "Subscription"),
            ("service", "Service"),
            ("status", "Status"),
            ("reason", "Reason"),
        ],
    )
