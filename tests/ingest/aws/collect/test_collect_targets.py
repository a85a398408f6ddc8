"""Which accounts a collection reads: --role-arn, organization mode and filters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ProfileNotFound
from labs.aws_errors import ErrorInjector
from labs.aws_lab import AwsLab

from toxicpath.ingest.aws.collect import AwsCollectOptions, CollectError, collect_aws

OptionsFactory = Callable[..., AwsCollectOptions]


def _member_role(lab: AwsLab) -> str:
    return f"arn:aws:iam::{lab.member_account_id}:role/OrganizationAccountAccessRole"


def test_role_arn_reads_that_account(
    aws_lab: AwsLab, lab_options: OptionsFactory
) -> None:
    assume_params: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        assume_params.append(dict(params))

    options = lab_options(
        regions=("us-east-1",),
        services=("sts",),
        role_arn=_member_role(aws_lab),
        external_id="lab-external-id",
        event_handlers=(("provide-client-params.sts.AssumeRole", capture),),
    )
    snapshot = collect_aws(options)
    assert snapshot.metadata["accounts"] == [aws_lab.member_account_id]
    (identity,) = snapshot.responses_for("aws", "sts", "get-caller-identity")
    assert identity.body["Account"] == aws_lab.member_account_id
    assert assume_params[0]["RoleArn"] == _member_role(aws_lab)
    assert assume_params[0]["ExternalId"] == "lab-external-id"
    assert assume_params[0]["RoleSessionName"] == "toxicpath-collect"


def test_organization_exclude_account(
    aws_lab: AwsLab, lab_options: OptionsFactory
) -> None:
    options = lab_options(
        regions=("us-east-1",),
        services=("sts",),
        organization=True,
        exclude_accounts=(aws_lab.member_account_id,),
    )
    snapshot = collect_aws(options)
    assert snapshot.metadata["accounts"] == [aws_lab.management_account_id]


def test_organization_accounts_filter(
    aws_lab: AwsLab, lab_options: OptionsFactory
) -> None:
    options = lab_options(
        regions=("us-east-1",),
        services=("sts",),
        organization=True,
        accounts=(aws_lab.member_account_id,),
    )
    snapshot = collect_aws(options)
    assert snapshot.metadata["accounts"] == [aws_lab.member_account_id]


def test_unassumable_account_recorded_denied(
    aws_lab: AwsLab,
    lab_options: OptionsFactory,
    error_injector: Callable[..., ErrorInjector],
) -> None:
    denied = error_injector("sts-assume-role-denied")
    options = lab_options(
        regions=("us-east-1",),
        services=("sts",),
        organization=True,
        event_handlers=(("before-send.sts.AssumeRole", denied),),
    )
    snapshot = collect_aws(options)
    assert snapshot.metadata["accounts"] == [aws_lab.management_account_id]
    member = [e for e in snapshot.coverage if e.account == aws_lab.member_account_id]
    assert len(member) == 1
    assert member[0].status == "denied"
    assert member[0].service == "*"
    assert "OrganizationAccountAccessRole" in member[0].reason


def test_unknown_region_rejected(aws_lab: AwsLab, lab_options: OptionsFactory) -> None:
    options = lab_options(regions=("us-east-7",), services=("sts",))
    with pytest.raises(CollectError, match="unknown region"):
        collect_aws(options)


def test_profile_with_role_reads_member(
    aws_lab: AwsLab,
    lab_options: OptionsFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A named profile that assumes a role from a source profile, as written by
    # `aws configure`; botocore resolves it like any other profile.
    config = tmp_path / "config"
    config.write_text(
        "[profile lab-base]\n"
        "region = us-east-1\n"
        "[profile lab-member]\n"
        f"role_arn = {_member_role(aws_lab)}\n"
        "source_profile = lab-base\n"
        "region = us-east-1\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[lab-base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    options = lab_options(
        regions=("us-east-1",), services=("sts",), profile="lab-member"
    )
    snapshot = collect_aws(options)
    assert snapshot.metadata["accounts"] == [aws_lab.member_account_id]


def test_missing_profile_rejected(aws_lab: AwsLab, lab_options: OptionsFactory) -> None:
    options = lab_options(services=("sts",), profile="no-such-profile")
    with pytest.raises(ProfileNotFound, match="no-such-profile"):
        collect_aws(options)
