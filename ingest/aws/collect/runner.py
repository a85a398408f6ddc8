"""Collect AWS configuration from live accounts into a Snapshot.

The run has three phases:
1. resolve credentials: the caller's, an assumed role, or one role per
   account of the organization;
2. discover each account's enabled regions with ec2 describe-regions; opt-in
   regions the account has not enabled get a `not_enabled` coverage entry;
3. read every (account, service) for global services and every (account,
   region, service) for regional ones in a bounded thread pool.

Each unit of phase 3 records its call count, time and failures in one
coverage entry. A coverage entry whose service is "*" covers the whole account
or region (a role that cannot be assumed, a region not enabled).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import boto3
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError

from toxicpath import __version__
from toxicpath.ingest.aws.collect.credentials import (
    AccountTarget,
    CollectError,
    assume_role_credentials,
    caller_credentials,
    new_boto3_session,
    new_botocore_session,
)
from toxicpath.ingest.aws.collect.errors import classify
from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder
from toxicpath.ingest.aws.collect.services import (
    GLOBAL_COLLECTORS,
    REGIONAL_COLLECTORS,
    SERVICE_NAMES,
)
from toxicpath.ingest.aws.coverage import GLOBAL_REGION
from toxicpath.ingest.snapshot import CoverageEntry, RawResponse, Snapshot

logger = logging.getLogger(__name__)

ALL_SERVICES = "*"
_ENABLED_OPT_IN_STATUSES = ("opt-in-not-required", "opted-in")

# Called after each unit of work with (units done, units in total, label).
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class _Unit:
    target: AccountTarget
    service: str
    region: str  # where the clients point
    response_region: str  # the region written into responses and coverage

    @property
    def label(self) -> str:
        return f"{self.target.account_id} {self.response_region} {self.service}"


@dataclass
class _Plan:
    caller_arn: str
    targets: list[AccountTarget] = field(default_factory=list)
    units: list[_Unit] = field(default_factory=list)
    responses: list[RawResponse] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)
    regions: dict[str, list[str]] = field(default_factory=dict)


def client_config(options: AwsCollectOptions) -> Config:
    """Return the botocore client configuration every collector client uses."""
    return Config(
        retries={"mode": "adaptive", "total_max_attempts": options.max_attempts},
        user_agent_extra=f"toxicpath/{__version__}",
    )


def collect_aws(
    options: AwsCollectOptions, *, progress: ProgressCallback | None = None
) -> Snapshot:
    """Read the AWS accounts that `options` selects and return the snapshot."""
    unknown = sorted(set(options.services) - set(SERVICE_NAMES))
    if unknown:
        raise CollectError(
            f"unknown AWS service(s) {', '.join(unknown)}; "
            f"known services: {', '.join(SERVICE_NAMES)}"
        )
    plan = _plan(options)
    recorders = _run_units(options, plan.units, progress)

    snapshot = Snapshot(kind="collect")
    snapshot.responses.extend(plan.responses)
    coverage = list(plan.coverage)
    for recorder in recorders:
        snapshot.responses.extend(recorder.responses)
        coverage.append(_coverage_of(recorder))
    snapshot.coverage.extend(_merge_coverage(coverage))

    snapshot.metadata = {
        "collector": "aws",
        "caller_arn": plan.caller_arn,
        "accounts": [target.account_id for target in plan.targets],
        "regions": plan.regions,
        "options": _options_metadata(options),
    }
    logger.info(
        "collected %d responses from %d account(s); %d coverage entries not ok",
        len(snapshot.responses),
        len(plan.targets),
        len(snapshot.not_evaluated()),
    )
    return snapshot


def _options_metadata(options: AwsCollectOptions) -> dict[str, Any]:
    values = asdict(options)
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in values.items()
        if key not in ("external_id", "event_handlers")
    }


def _plan(options: AwsCollectOptions) -> _Plan:
    base = new_botocore_session(options)
    credentials = caller_credentials(base)
    if options.role_arn:
        credentials = _assume_or_raise(base, options, options.role_arn)
    identity = _caller_identity(options, credentials)
    plan = _Plan(caller_arn=identity["Arn"])
    caller = AccountTarget(
        account_id=identity["Account"], credentials=credentials, via="caller"
    )
    if options.organization:
        _plan_organization(base, options, caller, identity["Arn"], plan)
    else:
        if options.accounts and caller.account_id not in options.accounts:
            raise CollectError(
                f"the credentials belong to account {caller.account_id}, which "
                f"--accounts does not list; use --organization to read other "
                "accounts, or --role-arn to assume a role in one"
            )
        if caller.account_id not in options.exclude_accounts:
            plan.targets.append(caller)
    for target in plan.targets:
        regions = _discover_regions(options, target, plan)
        plan.regions[target.account_id] = regions
        plan.units.extend(_units_for(options, target, regions))
        logger.info(
            "account %s (%s): reading %d region(s): %s",
            target.account_id,
            target.via,
            len(regions),
            ", ".join(regions),
        )
    return plan


def _assume_or_raise(
    base: Any, options: AwsCollectOptions, role_arn: str
) -> Credentials:
    try:
        return assume_role_credentials(
            base,
            role_arn=role_arn,
            session_name=options.role_session_name,
            external_id=options.external_id,
        )
    except ClientError as error:
        raise CollectError(
            f"cannot assume role {role_arn}: {error}; check the role's trust "
            "policy, the ExternalId, and sts:AssumeRole on the caller"
        ) from error


def _caller_identity(
    options: AwsCollectOptions, credentials: Credentials
) -> dict[str, Any]:
    session = new_boto3_session(
        options, credentials=credentials, region=options.home_region
    )
    sts = session.client("sts", config=client_config(options))
    try:
        identity: dict[str, Any] = sts.get_caller_identity()
    except (ClientError, BotoCoreError) as error:
        raise CollectError(
            f"the AWS credentials were rejected by sts get-caller-identity: {error}"
        ) from error
    return identity


def _plan_organization(
    base: Any,
    options: AwsCollectOptions,
    caller: AccountTarget,
    caller_arn: str,
    plan: _Plan,
) -> None:
    """Add one target per selected account of the caller's organization."""
    session = new_boto3_session(
        options, credentials=caller.credentials, region=options.home_region
    )
    organizations = session.client("organizations", config=client_config(options))
    try:
        pages = organizations.get_paginator("list_accounts").paginate()
        accounts = pages.build_full_result().get("Accounts", [])
    except ClientError as error:
        raise CollectError(
            f"cannot list the organization's accounts as {caller_arn}: {error}; "
            "organization mode needs credentials of the management account or "
            "of a delegated administrator"
        ) from error
    partition = caller_arn.split(":")[1]
    for account in accounts:
        account_id = account["Id"]
        if account.get("Status") != "ACTIVE":
            continue
        if options.accounts and account_id not in options.accounts:
            continue
        if account_id in options.exclude_accounts:
            continue
        name = account.get("Name", "")
        if account_id == caller.account_id:
            plan.targets.append(
                AccountTarget(account_id, caller.credentials, name, "caller")
            )
            continue
        role_arn = f"arn:{partition}:iam::{account_id}:role/{options.org_role_name}"
        try:
            credentials = assume_role_credentials(
                base,
                role_arn=role_arn,
                session_name=options.role_session_name,
                external_id=options.external_id,
            )
        except ClientError as error:
            classified = classify(error, operation="sts assume-role")
            if classified is None:
                raise
            logger.warning(
                "account %s: cannot assume %s: %s", account_id, role_arn, error
            )
            plan.coverage.append(
                CoverageEntry(
                    cloud="aws",
                    account=account_id,
                    region=GLOBAL_REGION,
                    service=ALL_SERVICES,
                    status=classified.status,
                    reason=f"cannot assume {role_arn}: {classified.reason}",
                )
            )
            continue
        plan.targets.append(
            AccountTarget(account_id, credentials, name, "organization role")
        )


def _discover_regions(
    options: AwsCollectOptions, target: AccountTarget, plan: _Plan
) -> list[str]:
    """Return the regions to read in `target`, recording the ones not enabled."""
    session = new_boto3_session(
        options, credentials=target.credentials, region=options.home_region
    )
    recorder = ServiceRecorder(
        session=session,
        account=target.account_id,
        region=options.home_region,
        response_region=options.home_region,
        service="ec2",
        config=client_config(options),
    )
    described = recorder.call("describe_regions", params={"AllRegions": True})
    plan.responses.extend(recorder.responses)

    if described is None:
        plan.coverage.append(_coverage_of(recorder))
        fallback = list(options.regions) or [options.home_region]
        logger.warning(
            "account %s: cannot list regions, reading %s only",
            target.account_id,
            ", ".join(fallback),
        )
        return fallback

    statuses = {
        region["RegionName"]: region.get("OptInStatus", "opt-in-not-required")
        for region in described.get("Regions", [])
    }
    unknown = [region for region in options.regions if region not in statuses]
    if unknown:
        raise CollectError(
            f"unknown region(s) {', '.join(unknown)} in --regions; "
            f"account {target.account_id} has {', '.join(sorted(statuses))}"
        )

    requested = list(options.regions) or sorted(statuses)
    enabled = []
    for region in requested:
        if statuses[region] in _ENABLED_OPT_IN_STATUSES:
            enabled.append(region)
            continue
        plan.coverage.append(
            CoverageEntry(
                cloud="aws",
                account=target.account_id,
                region=region,
                service=ALL_SERVICES,
                status="not_enabled",
                reason=f"opt-in region {region} is not enabled for this account "
                f"(OptInStatus {statuses[region]})",
            )
        )
    return enabled


def _units_for(
    options: AwsCollectOptions, target: AccountTarget, regions: Sequence[str]
) -> list[_Unit]:
    selected = set(options.services) or set(SERVICE_NAMES)
    units = [
        _Unit(target, service, options.home_region, GLOBAL_REGION)
        for service in GLOBAL_COLLECTORS
        if service in selected
    ]
    for region in regions:
        units.extend(
            _Unit(target, service, region, region)
            for service in REGIONAL_COLLECTORS
            if service in selected
        )
    return units


def _run_unit(options: AwsCollectOptions, unit: _Unit) -> ServiceRecorder:
    session: boto3.Session = new_boto3_session(
        options, credentials=unit.target.credentials, region=unit.region
    )
    recorder = ServiceRecorder(
        session=session,
        account=unit.target.account_id,
        region=unit.region,
        response_region=unit.response_region,
        service=unit.service,
        config=client_config(options),
    )
    collector = GLOBAL_COLLECTORS.get(unit.service) or REGIONAL_COLLECTORS[unit.service]
    logger.debug("reading %s", unit.label)
    collector(recorder, options)
    return recorder


def _run_units(
    options: AwsCollectOptions,
    units: Sequence[_Unit],
    progress: ProgressCallback | None,
) -> list[ServiceRecorder]:
    """Run `units` in a bounded pool; return recorders in the order of `units`.

    The first unit that raises stops the run: pending units are cancelled and
    the error propagates.
    """
    results: dict[int, ServiceRecorder] = {}
    pool = ThreadPoolExecutor(
        max_workers=options.workers, thread_name_prefix="toxicpath-aws"
    )
    try:
        futures: dict[Future[ServiceRecorder], int] = {
            pool.submit(_run_unit, options, unit): index
            for index, unit in enumerate(units)
        }
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                error = future.exception()
                if error is not None:
                    raise error
                index = futures[future]
                results[index] = future.result()
                if progress is not None:
                    progress(len(results), len(units), units[index].label)
    finally:
        # On an error or Ctrl-C, units not yet started are dropped; running
        # ones finish their current call, because threads cannot be stopped.
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[index] for index in range(len(units))]


def _merge_coverage(entries: Sequence[CoverageEntry]) -> list[CoverageEntry]:
    """Fold entries of the same account, region and service into one.

    Region discovery and the EC2 unit both read EC2 in the home region. The
    merged entry keeps the first failure's status, every reason and the sums.
    """
    merged: dict[tuple[str, str, str], CoverageEntry] = {}
    for entry in entries:
        key = (entry.account, entry.region, entry.service)
        previous = merged.get(key)
        if previous is None:
            merged[key] = replace(entry)
            continue
        if previous.status == "ok":
            previous.status = entry.status
        previous.reason = "; ".join(r for r in (previous.reason, entry.reason) if r)
        previous.calls += entry.calls
        previous.seconds = round(previous.seconds + entry.seconds, 3)
    return list(merged.values())


def _coverage_of(recorder: ServiceRecorder) -> CoverageEntry:
    """Return the coverage entry of one unit: ok, or its first failure's status."""
    status = "ok"
    reason = ""
    if recorder.failures:
        status = recorder.failures[0].status
        reason = "; ".join(failure.reason for failure in recorder.failures)
    return CoverageEntry(
        cloud="aws",
        account=recorder.account,
        region=recorder.response_region,
        service=recorder.service,
        status=status,
        reason=reason,
        calls=recorder.calls,
        seconds=round(recorder.seconds, 3),
    )
