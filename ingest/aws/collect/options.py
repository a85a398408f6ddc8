"""Options of one AWS collection run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ORG_ROLE_NAME = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class AwsCollectOptions:
    """Settings of one collection: scope, credentials and API pacing.

    Credentials follow the AWS SDK conventions: with no `profile` the default
    chain (environment, shared files, SSO cache, container and instance
    metadata) applies. `role_arn` assumes one role before collecting.
    `organization` lists the accounts of the organization that the credentials
    belong to (they must be its management account or a delegated
    administrator) and assumes `org_role_name` in each member account.
    """

    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    role_session_name: str = "toxicpath-collect"
    organization: bool = False
    org_role_name: str = DEFAULT_ORG_ROLE_NAME
    accounts: Sequence[str] = field(default_factory=tuple)
    exclude_accounts: Sequence[str] = field(default_factory=tuple)
    regions: Sequence[str] = field(default_factory=tuple)
    # Services to read. Empty means every service the collector implements.
    services: Sequence[str] = field(default_factory=tuple)
    workers: int = 8
    # Attempts per API call, first one included, under botocore's adaptive
    # retry mode (client-side rate limiting plus exponential backoff).
    max_attempts: int = 10
    # Region used for global services and region discovery when the profile
    # names none.
    home_region: str = "us-east-1"
    # Bound on polls of iam:GetCredentialReport while the report is generated.
    credential_report_polls: int = 10
    credential_report_poll_seconds: float = 2.0
    # Extra botocore event handlers, as (event name, handler) pairs, registered
    # on every session the collector creates. Instrumentation and the tests
    # that replay AWS error responses use them.
    event_handlers: Sequence[tuple[str, Callable[..., Any]]] = field(
        default_factory=tuple
    )

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.max_attempts < 1:
            raise ValueError(
                f"max_attempts must be at least 1, got {self.max_attempts}"
            )
        if self.external_id and not (self.role_arn or self.organization):
            raise ValueError(
                "external_id is only used with role_arn or organization mode; "
                "pass --role-arn or --organization as well"
            )
        if self.role_arn and not self.role_arn.startswith("arn:"):
            raise ValueError(
                f"role_arn {self.role_arn!r} is not an ARN; expected "
                "arn:aws:iam::<account id>:role/<name>"
            )
        for account in (*self.accounts, *self.exclude_accounts):
            if not (len(account) == 12 and account.isdigit()):
                raise ValueError(
                    f"account id {account!r} is invalid; expected 12 digits"
                )
