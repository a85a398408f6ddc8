"""IAM: authorization details, credential report, keys, MFA and providers."""

from __future__ import annotations

import logging
import time
from typing import Any

from toxicpath.ingest.aws.collect.errors import ClassifiedError
from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder

logger = logging.getLogger(__name__)


def collect_iam(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the IAM configuration of one account."""
    details = recorder.paginate("get_account_authorization_details")
    _collect_credential_report(recorder, options)
    recorder.call("get_account_password_policy", absent=("NoSuchEntity",))
    recorder.call("get_account_summary")
    recorder.paginate("list_account_aliases")
    users = [user["UserName"] for user in (details or {}).get("UserDetailList", [])]
    if details is None:
        listed = recorder.paginate("list_users")
        users = [user["UserName"] for user in (listed or {}).get("Users", [])]
    for user in users:
        _collect_user(recorder, user)
    recorder.paginate("list_instance_profiles")
    recorder.call("list_saml_providers")
    providers = recorder.call("list_open_id_connect_providers")
    for provider in (providers or {}).get("OpenIDConnectProviderList", []):
        recorder.call(
            "get_open_id_connect_provider",
            params={"OpenIDConnectProviderArn": provider["Arn"]},
        )


def _collect_user(recorder: ServiceRecorder, user: str) -> None:
    keys = recorder.paginate("list_access_keys", params={"UserName": user})
    for key in (keys or {}).get("AccessKeyMetadata", []):
        recorder.call(
            "get_access_key_last_used", params={"AccessKeyId": key["AccessKeyId"]}
        )
    recorder.call(
        "get_login_profile", params={"UserName": user}, absent=("NoSuchEntity",)
    )
    recorder.paginate("list_mfa_devices", params={"UserName": user})


def _collect_credential_report(
    recorder: ServiceRecorder, options: AwsCollectOptions
) -> None:
    """Generate the credential report and read it, polling a bounded number of times.

    The report's CSV `Content` is recorded as text, as the AWS CLI prints it.
    """
    for attempt in range(options.credential_report_polls):
        state = recorder.call("generate_credential_report", record=False)
        if state is None:
            return
        if state.get("State") == "COMPLETE":
            report: dict[str, Any] | None = recorder.call(
                "get_credential_report",
                absent=("ReportNotPresent", "ReportInProgress"),
            )
            if report is not None:
                return
        logger.debug(
            "account %s: credential report %s, poll %d",
            recorder.account,
            state.get("State"),
            attempt + 1,
        )
        time.sleep(options.credential_report_poll_seconds)
    recorder.fail(
        ClassifiedError(
            "failed",
            "iam get-credential-report: the report was not ready after "
            f"{options.credential_report_polls} polls",
        )
    )
