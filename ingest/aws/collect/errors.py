"""Classify AWS API errors into coverage statuses: the one place that decides.

An error whose code is listed here becomes a coverage entry for the account,
region and service that raised it, and collection goes on with the next call.
Any other error raises, because a silently skipped failure would read as
"no findings" where the truth is "not evaluated".
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    UnknownEndpointError,
)
from botocore.parsers import ResponseParserError

# Missing permission: the credentials cannot read this service here.
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "ForbiddenException",
        "NotAuthorized",
        "AllAccessDisabled",
    }
)

# The region or the service is not enabled for this account.
NOT_ENABLED_CODES = frozenset(
    {
        "OptInRequired",
        "SubscriptionRequiredException",
    }
)

# Throttling still in place once botocore's retries are spent.
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

# The operation does not exist at this endpoint.
UNSUPPORTED_CODES = frozenset(
    {
        "UnsupportedOperation",
        "UnsupportedOperationException",
        "InvalidAction",
        "UnknownOperationException",
        "NotImplemented",
    }
)

# Errors outside the API's own error codes. EndpointConnectionError means the
# endpoint does not exist in this partition or region. A refused connection
# raises it too, but a connect timeout is another class and raises. The
# others mean the server returned a page that is no AWS response. moto returns an
# HTML 500 page for an unimplemented operation, which botocore reports as a
# ResponseParserError or as a ClientError whose code is the bare status "500",
# and an operation it has no route for with an HTML 404 page.
UNSUPPORTED_EXCEPTIONS: tuple[type[Exception], ...] = (
    EndpointConnectionError,
    UnknownEndpointError,
    ResponseParserError,
)
UNPARSED_SERVER_ERROR_CODES = frozenset({"404", "500", "501"})


@dataclass(frozen=True)
class ClassifiedError:
    """A coverage status and a one-line reason for an API error."""

    status: str
    reason: str


def error_code(error: BaseException) -> str:
    """Return the AWS error code of a ClientError, or "" for other errors."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


def classify(error: BaseException, *, operation: str) -> ClassifiedError | None:
    """Return the coverage status for `error`, or None when it must raise."""
    code = error_code(error)
    if isinstance(error, ClientError):
        message = str(error.response.get("Error", {}).get("Message", ""))
        first_line = message.splitlines()[0][:200] if message else ""
        detail = f"{operation}: {code}: {first_line}".rstrip(": ")
        if code in DENIED_CODES:
            return ClassifiedError("denied", detail)
        if code in NOT_ENABLED_CODES:
            return ClassifiedError("not_enabled", detail)
        if code in THROTTLED_CODES:
            return ClassifiedError("throttled", detail)
        if code in UNSUPPORTED_CODES:
            return ClassifiedError("unsupported", detail)
        if code in UNPARSED_SERVER_ERROR_CODES and _is_html(message):
            return ClassifiedError(
                "unsupported",
                f"{operation}: the endpoint returned HTTP {code} with an HTML page "
                "instead of an AWS error, so it does not implement this operation",
            )
        return None
    if isinstance(error, UNSUPPORTED_EXCEPTIONS):
        return ClassifiedError(
            "unsupported", f"{operation}: {type(error).__name__}: {error}"
        )
    return None


def _is_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith("<!doctype html") or start.startswith("<html")
