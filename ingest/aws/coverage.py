"""Coverage of an imported AWS input: which services it contains, which it lacks.

An offline input contains whatever its author collected. Every service present
gets status "ok". Every service the analysis reads but the input lacks gets
"not_collected", so reports show what was not evaluated instead of treating
a missing service as an empty one.
"""

from __future__ import annotations

from collections import Counter

from toxicpath.ingest.snapshot import CoverageEntry, RawResponse

# Region name for account-wide services and for files outside region folders.
GLOBAL_REGION = "global"
# Region name of coverage entries when the input names no region at all.
ALL_REGIONS = "all"

# Services whose configuration is account-wide, whatever region folder contains it.
GLOBAL_SERVICES = frozenset(
    {"iam", "s3", "s3control", "organizations", "sts", "route53", "cloudfront"}
)

# Services the AWS analysis reads. Anything else in an input is kept and
# reported as collected, but no analysis uses it.
ANALYSED_GLOBAL_SERVICES = ("iam", "s3", "s3control", "organizations")
ANALYSED_REGIONAL_SERVICES = (
    "ec2",
    "elb",
    "elbv2",
    "lambda",
    "rds",
    "redshift",
    "opensearch",
    "secretsmanager",
    "kms",
    "sqs",
    "sns",
    "ecr",
    "ecs",
    "dynamodb",
    "ssm",
    "eks",
)

# Services that are one service under two CLI names. OpenSearch Service still
# answers the older `es` API, and either name's responses describe the same
# domains, so a response of one counts as coverage of the other.
_SAME_SERVICE = {"es": "opensearch"}


def aws_coverage(responses: list[RawResponse]) -> list[CoverageEntry]:
    """Return one coverage entry per account, region and service of `responses`."""
    calls: Counter[tuple[str, str, str]] = Counter()
    regions_by_account: dict[str, set[str]] = {}
    for response in responses:
        if response.cloud != "aws":
            continue
        region = _coverage_region(response.service, response.region)
        calls[(response.account, region, response.service)] += 1
        regions = regions_by_account.setdefault(response.account, set())
        if region != GLOBAL_REGION:
            regions.add(region)

    entries = [
        CoverageEntry(
            cloud="aws",
            account=account,
            region=region,
            service=service,
            status="ok",
            calls=count,
        )
        for (account, region, service), count in sorted(calls.items())
    ]
    for account, regions in sorted(regions_by_account.items()):
        entries.extend(_missing_services(account, regions, calls))

    # Member accounts that only Organizations names are listed as well, so
    # reports show them as not evaluated instead of leaving them out.
    for account in sorted(_organization_member_accounts(responses)):
        if account not in regions_by_account:
            reason = (
                "the organization lists this account, but the input contains no"
                " responses from it"
            )
            entries.extend(
                _not_collected(account, GLOBAL_REGION, service, reason)
                for service in ANALYSED_GLOBAL_SERVICES
            )
            entries.extend(
                _not_collected(account, ALL_REGIONS, service, reason)
                for service in ANALYSED_REGIONAL_SERVICES
            )
    return entries


def _missing_services(
    account: str, regions: set[str], calls: Counter[tuple[str, str, str]]
) -> list[CoverageEntry]:
    """Return a not_collected entry for each analysed service `account` lacks."""
    missing = [
        _not_collected(
            account,
            GLOBAL_REGION,
            service,
            f"the input contains no {service} responses",
        )
        for service in ANALYSED_GLOBAL_SERVICES
        if not _has_calls(calls, account, GLOBAL_REGION, service)
    ]
    if not regions:
        missing.extend(
            _not_collected(
                account,
                ALL_REGIONS,
                service,
                "the input contains no responses from any region",
            )
            for service in ANALYSED_REGIONAL_SERVICES
        )
        return missing
    for region in sorted(regions):
        missing.extend(
            _not_collected(
                account,
                region,
                service,
                f"the input contains no {service} responses for {region}",
            )
            for service in ANALYSED_REGIONAL_SERVICES
            if not _has_calls(calls, account, region, service)
        )
    return missing


def _has_calls(
    calls: Counter[tuple[str, str, str]], account: str, region: str, service: str
) -> bool:
    """Return True when `calls` has responses of `service` under any of its names."""
    names = {service} | {
        alias
        for alias, canonical in _SAME_SERVICE.items()
        if canonical == service or alias == service
    }
    return any((account, region, name) in calls for name in names)


def _organization_member_accounts(responses: list[RawResponse]) -> set[str]:
    members: set[str] = set()
    for response in responses:
        if response.cloud != "aws" or response.service != "organizations":
            continue
        if response.operation not in ("list-accounts", "list-accounts-for-parent"):
            continue
        body = response.body if isinstance(response.body, dict) else {}
        accounts = body.get("Accounts")
        for account in accounts if isinstance(accounts, list) else []:
            account_id = account.get("Id") if isinstance(account, dict) else None
            if isinstance(account_id, str) and account_id:
                members.add(account_id)
    return members


def _coverage_region(service: str, region: str) -> str:
    if service in GLOBAL_SERVICES:
        return GLOBAL_REGION
    return region


def _not_collected(
    account: str, region: str, service: str, reason: str
) -> CoverageEntry:
    return CoverageEntry(
        cloud="aws",
        account=account,
        region=region,
        service=service,
        status="not_collected",
        reason=reason,
    )
