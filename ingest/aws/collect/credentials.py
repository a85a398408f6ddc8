"""Sessions for the collector: the caller's credentials and assumed roles.

Every session built here has the read-only guard installed before any client
exists. botocore sessions are not thread-safe, so each unit of work gets its
own session. The credentials object is shared, because botocore's refreshable
credentials refresh under their own lock.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    CredentialProvider,
    CredentialResolver,
    Credentials,
    DeferredRefreshableCredentials,
)

from toxicpath.ingest.aws.collect.local_endpoint import install_local_endpoint_fixes
from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.readonly import install_read_only_guard

logger = logging.getLogger(__name__)


class CollectError(RuntimeError):
    """Collection cannot start: no credentials, or a role cannot be assumed."""


@dataclass(frozen=True)
class AccountTarget:
    """One account to collect from, with the credentials that reach it."""

    account_id: str
    credentials: Credentials
    name: str = ""
    # How the credentials were obtained: caller, role or organization role.
    via: str = "caller"


class _FixedCredentialProvider(CredentialProvider):  # type: ignore[misc]
    """A credential provider that returns one credentials object."""

    METHOD = "toxicpath-shared"
    CANONICAL_NAME = "custom-toxicpath-shared"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials


def new_botocore_session(
    options: AwsCollectOptions, *, credentials: Credentials | None = None
) -> botocore.session.Session:
    """Return a guarded botocore session for `options.profile`.

    With `credentials`, the session uses them instead of resolving its own.
    """
    session = botocore.session.Session(profile=options.profile)
    if not session.get_config_variable("region"):
        session.set_config_variable("region", options.home_region)
    if credentials is not None:
        session.register_component(
            "credential_provider",
            CredentialResolver(providers=[_FixedCredentialProvider(credentials)]),
        )
    install_read_only_guard(session)
    install_local_endpoint_fixes(session)
    for event_name, handler in options.event_handlers:
        session.register(event_name, handler)
    return session


def new_boto3_session(
    options: AwsCollectOptions, *, credentials: Credentials, region: str
) -> boto3.Session:
    """Return a guarded boto3 session using `credentials` in `region`."""
    botocore_session = new_botocore_session(options, credentials=credentials)
    return boto3.Session(botocore_session=botocore_session, region_name=region)


def caller_credentials(session: botocore.session.Session) -> Credentials:
    """Resolve the credentials of `session`, or raise CollectError."""
    credentials = session.get_credentials()
    if credentials is None:
        profile = session.profile or "default"
        raise CollectError(
            "no AWS credentials found (profile "
            f"{profile!r}); configure them with `aws configure`, `aws sso login "
            "--profile NAME` or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "environment variables, or pass --profile"
        )
    return credentials


def assume_role_credentials(
    base: botocore.session.Session,
    *,
    role_arn: str,
    session_name: str,
    external_id: str | None,
) -> Credentials:
    """Return refreshable credentials of `role_arn`, assumed from `base`.

    The first AssumeRole call happens here, so a role that cannot be assumed
    raises botocore's ClientError now rather than during collection.
    """
    extra_args: dict[str, Any] = {"RoleSessionName": session_name}
    if external_id:
        extra_args["ExternalId"] = external_id
    lock = threading.Lock()

    def create_client(*args: Any, **kwargs: Any) -> Any:
        # Refreshes may run in worker threads; the shared base session is not
        # thread-safe, so client creation is serialised.
        with lock:
            return base.create_client(*args, **kwargs)

    fetcher = AssumeRoleCredentialFetcher(
        client_creator=create_client,
        source_credentials=caller_credentials(base),
        role_arn=role_arn,
        extra_args=extra_args,
    )
    credentials = DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role"
    )
    credentials.get_frozen_credentials()
    logger.info("assumed role %s", role_arn)
    return credentials
