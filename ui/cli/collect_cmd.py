"""`toxicpath collect aws`: read live AWS accounts into a snapshot file.

The snapshot is what `toxicpath scan --input SNAPSHOT` analyses, so a
collection can run where the credentials are and the analysis elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from toxicpath.ingest.aws.collect import AwsCollectOptions
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ui.cli.common import ExitCode, configure_logging, fail, handle_errors
from toxicpath.ui.cli.output import emit_table, stderr_console

app = typer.Typer(
    name="collect",
    help="Read live cloud configuration into a snapshot file (read-only).",
    no_args_is_help=True,
)

ListOption = list[str] | None


@app.callback()
def collect() -> None:
    """Read live cloud configuration into a snapshot file (read-only)."""


def split_list(values: ListOption) -> tuple[str, ...]:
    """Flatten repeated and comma-separated option values, dropping blanks."""
    items: list[str] = []
    for value in values or []:
        items.extend(part.strip() for part in value.split(","))
    return tuple(item for item in items if item)


def collect_with_progress(options: AwsCollectOptions) -> Snapshot:
    """Run `collect_aws` with a rich progress bar on stderr."""
    from toxicpath.ingest.aws.collect import collect_aws

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console,
        transient=True,
    ) as progress:
        task = progress.add_task("Resolving accounts and regions", total=None)

        def report(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done, total=total, description=label)

        return collect_aws(options, progress=report)


def _default_output(snapshot: Snapshot) -> Path:
    return Path(f"toxicpath-aws-{snapshot.id}.snapshot.jsonl.gz")


def _print_summary(snapshot: Snapshot, path: Path) -> None:
    accounts = snapshot.metadata.get("accounts", [])
    stderr_console.print(
        f"Collected {len(snapshot.responses)} responses from "
        f"{len(accounts)} account(s) into {path}",
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
                "account": entry.account,
                "region": entry.region,
                "service": entry.service,
                "status": entry.status,
                "reason": entry.reason,
            }
            for entry in not_evaluated
        ),
        columns=[
            ("account", "Account"),
            ("region", "Region"),
            ("service", "Service"),
            ("status", "Status"),
            ("reason", "Reason"),
        ],
    )


@app.command("aws")
def aws(
    profile: Annotated[
        str | None,
        typer.Option(
            help="AWS profile from ~/.aws/config (SSO profiles included); "
            "default: the standard credential chain.",
            envvar="AWS_PROFILE",
        ),
    ] = None,
    role_arn: Annotated[
        str | None,
        typer.Option(help="Role to assume before collecting one account."),
    ] = None,
    external_id: Annotated[
        str | None,
        typer.Option(
            help="ExternalId for --role-arn and for the organization role.",
            envvar="TOXICPATH_AWS_EXTERNAL_ID",
        ),
    ] = None,
    organization: Annotated[
        bool,
        typer.Option(
            "--organization",
            help="Collect every account of the organization; needs management "
            "account or delegated administrator credentials.",
        ),
    ] = False,
    org_role_name: Annotated[
        str,
        typer.Option(help="Role assumed in each member account with --organization."),
    ] = "OrganizationAccountAccessRole",
    accounts: Annotated[
        ListOption,
        typer.Option(help="Only these account ids (comma-separated, repeatable)."),
    ] = None,
    exclude_accounts: Annotated[
        ListOption,
        typer.Option(help="Skip these account ids (comma-separated, repeatable)."),
    ] = None,
    regions: Annotated[
        ListOption,
        typer.Option(
            help="Only these regions (comma-separated, repeatable); default: "
            "every region enabled in each account."
        ),
    ] = None,
    services: Annotated[
        ListOption,
        typer.Option(
            help="Only these services (comma-separated, repeatable), named as in "
            "the AWS CLI: iam, s3, ec2, lambda, ...; default: all."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(min=1, help="Parallel API workers across accounts and regions."),
    ] = 8,
    max_attempts: Annotated[
        int,
        typer.Option(min=1, help="Attempts per API call, retries included (adaptive)."),
    ] = 10,
    home_region: Annotated[
        str,
        typer.Option(help="Region for global services when the profile sets none."),
    ] = "us-east-1",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Snapshot file to write (gzip JSON Lines); default: "
            "toxicpath-aws-<scan id>.snapshot.jsonl.gz in the current folder.",
        ),
    ] = None,
    log_level: Annotated[
        str, typer.Option(help="Log level on stderr: DEBUG, INFO, WARNING, ERROR.")
    ] = "WARNING",
) -> None:
    """Collect AWS configuration (read-only API calls) into a snapshot file."""
    configure_logging(log_level.upper())
    _collect_aws(
        profile=profile,
        role_arn=role_arn,
        external_id=external_id,
        organization=organization,
        org_role_name=org_role_name,
        accounts=split_list(accounts),
        exclude_accounts=split_list(exclude_accounts),
        regions=split_list(regions),
        services=split_list(services),
        workers=workers,
        max_attempts=max_attempts,
        home_region=home_region,
        output=output,
    )


@handle_errors
def _collect_aws(
    *,
    profile: str | None,
    role_arn: str | None,
    external_id: str | None,
    organization: bool,
    org_role_name: str,
    accounts: tuple[str, ...],
    exclude_accounts: tuple[str, ...],
    regions: tuple[str, ...],
    services: tuple[str, ...],
    workers: int,
    max_attempts: int,
    home_region: str,
    output: Path | None,
) -> None:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        ProfileNotFound,
        SSOTokenLoadError,
        UnauthorizedSSOTokenError,
    )

    from toxicpath.ingest.aws.collect import CollectError, write_snapshot

    try:
        options = AwsCollectOptions(
            profile=profile,
            role_arn=role_arn,
            external_id=external_id,
            organization=organization,
            org_role_name=org_role_name,
            accounts=accounts,
            exclude_accounts=exclude_accounts,
            regions=regions,
            services=services,
            workers=workers,
            max_attempts=max_attempts,
            home_region=home_region,
        )
    except ValueError as exc:
        raise fail(str(exc), ExitCode.INPUT) from None
    try:
        snapshot = collect_with_progress(options)
    except CollectError as exc:
        raise fail(str(exc), ExitCode.INPUT) from None
    except (SSOTokenLoadError, UnauthorizedSSOTokenError) as exc:
        raise fail(
            f"{exc}; run `aws sso login --profile {profile or 'default'}` and retry",
            ExitCode.INPUT,
        ) from None
    except (ProfileNotFound, NoCredentialsError) as exc:
        raise fail(str(exc), ExitCode.INPUT) from None
    except (ClientError, BotoCoreError) as exc:
        raise fail(
            f"AWS call failed with an error the collector does not handle: {exc}; "
            "no snapshot was written",
            ExitCode.PARTIAL,
        ) from None
    path = output or _default_output(snapshot)
    write_snapshot(snapshot, path)
    _print_summary(snapshot, path)
    typer.echo(str(path))
