"""Live collection for `toxicpath scan` without `--input`.

`scan` collects with each cloud's default credentials and a few common
options, writes the snapshot beside the store, and then scans that file, so
a live scan leaves the same evidence as `collect` followed by `scan --input`.
The `collect` commands expose every collector option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from toxicpath.ingest.snapshot import Snapshot, write_snapshot
from toxicpath.pipeline import snapshot_dir_for
from toxicpath.ui.cli.common import ExitCode, fail
from toxicpath.ui.cli.output import stderr_console


class Cloud(StrEnum):
    aws = "aws"
    azure = "azure"
    gcp = "gcp"


@dataclass(frozen=True)
class LiveOptions:
    """The collector options `scan` offers; `collect` has the rest."""

    cloud: Cloud = Cloud.aws
    profile: str | None = None
    role_arn: str | None = None
    organization: bool = False
    regions: Sequence[str] = field(default_factory=tuple)
    subscriptions: Sequence[str] = field(default_factory=tuple)
    projects: Sequence[str] = field(default_factory=tuple)


def collect_to_file(options: LiveOptions, *, store_spec: str | None) -> Path:
    """Collect `options.cloud` live and write the snapshot beside the store."""
    snapshot = _collect(options)
    folder = snapshot_dir_for(store_spec)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"collected-{options.cloud.value}-{snapshot.id}.jsonl.gz"
    write_snapshot(snapshot, path)
    stderr_console.print(f"Collected snapshot written to {path}", highlight=False)
    return path


def _collect(options: LiveOptions) -> Snapshot:
    if options.cloud is Cloud.aws:
        return _collect_aws(options)
    if options.cloud is Cloud.gcp:
        return _collect_gcp(options)
    return _collect_azure(options)


def _collect_aws(options: LiveOptions) -> Snapshot:
    from toxicpath.ingest.aws.collect import AwsCollectOptions, CollectError
    from toxicpath.ui.cli.collect_cmd import collect_with_progress

    try:
        collect_options = AwsCollectOptions(
            profile=options.profile,
            role_arn=options.role_arn,
            organization=options.organization,
            regions=tuple(options.regions),
        )
        return collect_with_progress(collect_options)
    except (CollectError, ValueError) as error:
        raise fail(f"AWS collection failed: {error}", ExitCode.INPUT) from None


def _collect_azure(options: LiveOptions) -> Snapshot:
    try:
        from azure.core.exceptions import ClientAuthenticationError

        from toxicpath.ingest.azure.collect import AzureCollectorConfig, collect_azure
        from toxicpath.ingest.azure.credentials import (
            CredentialError,
            CredentialOptions,
            build_credential,
        )
    except ImportError as error:
        raise fail(
            f"the Azure SDKs are not installed ({error.name}); "
            "install toxicpath[azure]",
            ExitCode.INPUT,
        ) from None
    try:
        credential = build_credential(CredentialOptions(method="default"))
        config = AzureCollectorConfig(
            credential=credential, subscriptions=tuple(options.subscriptions)
        )
        with stderr_console.status("Collecting Azure configuration"):
            return collect_azure(config)
    except (CredentialError, ClientAuthenticationError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise fail(
            f"Azure sign-in failed ({first_line}); run `az login` or use "
            "`toxicpath collect azure` with --auth",
            ExitCode.INPUT,
        ) from None


def _collect_gcp(options: LiveOptions) -> Snapshot:
    try:
        from toxicpath.ingest.gcp import collect
    except ImportError as error:
        raise fail(
            f"the Google Cloud SDKs are not installed ({error.name}); "
            "install toxicpath[gcp]",
            ExitCode.INPUT,
        ) from None
    if not options.projects:
        raise fail(
            "live GCP scans need --project; use `toxicpath collect gcp` for an "
            "organization or folders",
            ExitCode.INPUT,
        )
    try:
        config = collect.GcpCollectorConfig(
            credentials=collect.build_credentials(), projects=tuple(options.projects)
        )
        with stderr_console.status("Collecting GCP configuration"):
            return collect.collect_gcp(config)
    except collect.CollectError as error:
        raise fail(str(error), ExitCode.INPUT) from None
