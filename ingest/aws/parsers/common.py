"""Shared helpers of the AWS response parsers: lookup, typed fields, policies.

Optional fields may be missing or null. A field of the wrong type raises
InputError naming the input file (when the response records it), the
response, the field path with element indexes (`UserDetailList[3].Arn`) and
the fix, because guessing would give a wrong graph without a word.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from toxicpath.ingest.aws.accounts import account_of_arn
from toxicpath.ingest.aws.estate import AwsAccount, AwsEstate
from toxicpath.ingest.aws.parsers.policy_shape import policy_shape_problem
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.snapshot import RawResponse, Snapshot

_FIX = "collect or export this call again with the AWS CLI or boto3, unchanged"
_POLICY_FIX = (
    "correct the policy document in the input, or export it again from AWS unchanged"
)

# Field path of every object that items() and mapping() returned, by id, so
# an error can name `UserDetailList[3].Arn` and not only `Arn`. Each entry
# keeps its object alive, so no other object can take over its id while the
# entry exists. ResponseIndex starts a new table and parse_estate clears it.
_FIELD_PATHS: dict[int, tuple[object, str]] = {}


def clear_field_paths() -> None:
    """Forget the field paths recorded while parsing one snapshot."""
    _FIELD_PATHS.clear()


def field_path(container: object, key: str) -> str:
    """Return the path of `container[key]` inside its response body."""
    entry = _FIELD_PATHS.get(id(container))
    if entry is None or entry[0] is not container:
        return key
    return f"{entry[1]}.{key}"


def _record_path(value: object, path: str) -> None:
    _FIELD_PATHS[id(value)] = (value, path)


class ResponseIndex:
    """The AWS responses of a snapshot, grouped by (service, operation)."""

    def __init__(self, snapshot: Snapshot) -> None:
        clear_field_paths()
        self._by_call: dict[tuple[str, str], list[RawResponse]] = defaultdict(list)
        self.accounts: list[str] = []
        seen: set[str] = set()
        for response in snapshot.responses:
            if response.cloud != "aws":
                continue
            self._by_call[(response.service, response.operation)].append(response)
            if response.account not in seen:
                seen.add(response.account)
                self.accounts.append(response.account)

    def get(self, service: str, operation: str) -> list[RawResponse]:
        return self._by_call.get((service, operation), [])


def describe(response: RawResponse) -> str:
    """Name a response the way an error message shows it."""
    params = ", ".join(f"{key}={value}" for key, value in response.params.items())
    call = f"{response.service} {response.operation}"
    if params:
        call += f" ({params})"
    return f"{call} response of account {response.account} in {response.region}"


def response_error(response: RawResponse, problem: str) -> InputError:
    """Build an InputError on `response`, naming its input file when recorded."""
    if response.source:
        return InputError(response.source, f"{describe(response)}: {problem}")
    return InputError(describe(response), problem)


def wrong_type(
    response: RawResponse, field: str, value: Any, expected: str
) -> InputError:
    """Build the error for `field` (a path such as `Roles[2].Arn`) of a wrong type."""
    return response_error(
        response,
        f"field {field} is a {type(value).__name__}, expected {expected}; {_FIX}",
    )


def body_of(response: RawResponse) -> dict[str, Any]:
    if not isinstance(response.body, dict):
        raise wrong_type(response, "(body)", response.body, "a JSON object")
    return response.body


def items(
    response: RawResponse, container: dict[str, Any], key: str
) -> list[dict[str, Any]]:
    """Return the list of objects at `key`; a missing key or null is empty."""
    value = container.get(key)
    if value is None:
        return []
    path = field_path(container, key)
    if not isinstance(value, list):
        raise wrong_type(response, path, value, "a list")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise wrong_type(response, f"{path}[{index}]", item, "an object")
        _record_path(item, f"{path}[{index}]")
    return value


def strings(response: RawResponse, container: dict[str, Any], key: str) -> list[str]:
    """Return the list of strings at `key`; a missing key or null is empty."""
    value = container.get(key)
    if value is None:
        return []
    path = field_path(container, key)
    if not isinstance(value, list):
        raise wrong_type(response, path, value, "a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise wrong_type(response, f"{path}[{index}]", item, "a string")
    return value


def mapping(
    response: RawResponse, container: dict[str, Any], key: str
) -> dict[str, Any]:
    """Return the object at `key`; a missing key or null is an empty object."""
    value = container.get(key)
    if value is None:
        return {}
    path = field_path(container, key)
    if not isinstance(value, dict):
        raise wrong_type(response, path, value, "an object")
    _record_path(value, path)
    return value


def text(response: RawResponse, container: dict[str, Any], key: str) -> str:
    """Return the string at `key`, or "" when missing; timestamps become text."""
    value = container.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise wrong_type(response, field_path(container, key), value, "a string")
    return str(value)


def required_text(response: RawResponse, container: dict[str, Any], key: str) -> str:
    value = container.get(key)
    if not isinstance(value, str) or not value:
        raise response_error(
            response,
            f"required field {field_path(container, key)} is missing or not a"
            f" non-empty string; {_FIX}",
        )
    return value


def flag(response: RawResponse, container: dict[str, Any], key: str) -> bool | None:
    """Return a boolean field; the strings "true"/"false" count, missing is None."""
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise wrong_type(response, field_path(container, key), value, "a boolean")


def integer(response: RawResponse, container: dict[str, Any], key: str) -> int | None:
    value = container.get(key)
    if value is None:
        return None
    path = field_path(container, key)
    if isinstance(value, bool):
        raise wrong_type(response, path, value, "an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise wrong_type(response, path, value, "an integer")


def tags_of(
    response: RawResponse, container: dict[str, Any], key: str
) -> dict[str, str]:
    """Read tags in either AWS shape: [{"Key", "Value"}] or {"key": "value"}."""
    value = container.get(key)
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(name): str(tag) for name, tag in value.items()}
    path = field_path(container, key)
    if not isinstance(value, list):
        raise wrong_type(response, path, value, "a list of tags")
    tags: dict[str, str] = {}
    for index, tag in enumerate(value):
        if not isinstance(tag, dict):
            raise wrong_type(response, f"{path}[{index}]", tag, "a tag object")
        name = tag.get("Key", tag.get("key"))
        if name is not None:
            tags[str(name)] = str(tag.get("Value", tag.get("value", "")))
    return tags


def policy_document(
    response: RawResponse,
    value: Any,
    field: str,
    *,
    container: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Return a policy document as a dict; raise InputError if it is malformed.

    Policies arrive as objects (AWS CLI output), as JSON strings (S3, SQS,
    SNS, Lambda, KMS) or as URL-encoded JSON strings (raw IAM API output).
    An empty string or null means no policy. `container` is the object that
    contains `field`, so errors name its full path.
    """
    if container is not None:
        field = field_path(container, field)
    if value is None or value == "":
        return None
    document = _decode_policy(response, value, field)
    shape = policy_shape_problem(document)
    if shape is not None:
        raise response_error(
            response,
            f"policy document {field}: element {shape.field} {shape.problem};"
            f" {_POLICY_FIX}",
        )
    return document


def _decode_policy(response: RawResponse, value: Any, field: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise wrong_type(response, field, value, "a policy document")
    for candidate in (value, unquote(value)):
        try:
            document = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(document, dict):
            return document
    raise response_error(
        response, f"field {field} is not a JSON policy document; {_FIX}"
    )


def account_of(arn: str, fallback: str) -> str:
    """Return the account of `arn`, or `fallback` when the ARN names none."""
    return account_of_arn(arn) or fallback


def responses_with_body(
    index: ResponseIndex, service: str, operation: str
) -> Iterator[tuple[RawResponse, dict[str, Any]]]:
    for response in index.get(service, operation):
        yield response, body_of(response)


def ensure_accounts(index: ResponseIndex, estate: AwsEstate) -> None:
    """Add an AwsAccount for every account that has responses."""
    for account in index.accounts:
        estate.accounts.setdefault(account, AwsAccount(id=account))
