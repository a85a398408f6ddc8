"""Make the API calls of one service in one account and region, and record them.

A ServiceRecorder turns each call into a RawResponse keyed by the AWS CLI
names of the service and operation, with JSON-ready bodies (datetimes as ISO
strings, paginated results merged into one body) and secret values redacted.
Errors go through `classify`: a listed error becomes a failure of this service
and the call returns None, any other error raises.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from toxicpath.ingest.aws.collect.errors import ClassifiedError, classify, error_code
from toxicpath.ingest.aws.keys import PARAMETER_NAMES
from toxicpath.ingest.redact import redact_response
from toxicpath.ingest.snapshot import RawResponse

logger = logging.getLogger(__name__)


def to_json_value(value: Any) -> Any:
    """Return `value` with datetimes as ISO strings and bytes as text."""
    if isinstance(value, dict):
        return {
            key: to_json_value(item)
            for key, item in value.items()
            if key != "ResponseMetadata"
        }
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    return value


@dataclass
class ServiceRecorder:
    """Calls and records the API operations of one service, account and region.

    `region` is where the clients point; `response_region` is the region
    written into responses and coverage ("global" for account-wide services).
    """

    session: boto3.Session
    account: str
    region: str
    response_region: str
    service: str
    config: Config
    responses: list[RawResponse] = field(default_factory=list)
    failures: list[ClassifiedError] = field(default_factory=list)
    calls: int = 0
    seconds: float = 0.0
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, name: str | None = None) -> Any:
        """Return the (cached) client of service `name`, default this service."""
        name = name or self.service
        if name not in self._clients:
            client = self.session.client(
                name, region_name=self.region, config=self.config
            )
            client.meta.events.register("after-call", self._count_call)
            self._clients[name] = client
        return self._clients[name]

    def _count_call(self, **_: Any) -> None:
        self.calls += 1

    def call(
        self,
        operation: str,
        *,
        service: str | None = None,
        params: Mapping[str, Any] | None = None,
        absent: Collection[str] = (),
        record: bool = True,
    ) -> dict[str, Any] | None:
        """Call `operation` (boto3 method name) once and record its response.

        Returns None when the call failed with a listed error or with a code
        in `absent`. A code in `absent` means the resource has no such setting
        (a bucket without a policy), so nothing is recorded and nothing fails.
        """
        client = self.client(service)
        return self._run(
            service or self.service,
            operation,
            params or {},
            absent,
            record,
            lambda: getattr(client, operation)(**(params or {})),
        )

    def paginate(
        self,
        operation: str,
        *,
        service: str | None = None,
        params: Mapping[str, Any] | None = None,
        absent: Collection[str] = (),
        record: bool = True,
    ) -> dict[str, Any] | None:
        """Call every page of `operation` and record one merged response.

        The result lists of all pages are concatenated into one body of the
        same shape as a single page, with the pagination token removed.
        """
        client = self.client(service)
        paginator = client.get_paginator(operation)
        return self._run(
            service or self.service,
            operation,
            params or {},
            absent,
            record,
            lambda: paginator.paginate(**(params or {})).build_full_result(),
        )

    def record_body(
        self, operation: str, body: Any, *, params: Mapping[str, Any] | None = None
    ) -> None:
        """Record `body` as the response of `operation` (already JSON-ready)."""
        self._append(self.service, operation, params or {}, body)

    def fail(self, failure: ClassifiedError) -> None:
        """Record a failure of this service that did not come from an API error."""
        logger.warning(
            "account %s region %s service %s: %s: %s",
            self.account,
            self.response_region,
            self.service,
            failure.status,
            failure.reason,
        )
        self.failures.append(failure)

    def _run(
        self,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        absent: Collection[str],
        record: bool,
        invoke: Any,
    ) -> dict[str, Any] | None:
        cli_operation = operation.replace("_", "-")
        started = time.monotonic()
        try:
            result = invoke()
        except (ClientError, BotoCoreError, ResponseParserError) as error:
            if error_code(error) in absent:
                return None
            classified = classify(error, operation=f"{service} {cli_operation}")
            if classified is None:
                raise
            self.fail(classified)
            return None
        finally:
            self.seconds += time.monotonic() - started
        body = to_json_value(result)
        if record:
            self._append(service, cli_operation, params, body)
        return dict(body)

    def _append(
        self, service: str, operation: str, params: Mapping[str, Any], body: Any
    ) -> None:
        response = RawResponse(
            cloud="aws",
            account=self.account,
            region=self.response_region,
            service=service,
            operation=operation,
            params=_key_params(service, operation, params),
            body=body,
        )
        self.responses.append(redact_response(response))


def _key_params(
    service: str, operation: str, params: Mapping[str, Any]
) -> dict[str, str]:
    """Return the parameters that identify the call's resource, as text.

    Calls listed in the shared parameter table keep only the parameters named
    there (the parser looks responses up by them); other calls keep all.
    """
    names = PARAMETER_NAMES.get((service, operation))
    kept = {
        key: value for key, value in params.items() if names is None or key in names
    }
    return {key: _param_text(value) for key, value in kept.items()}


def _param_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)
