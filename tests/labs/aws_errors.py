"""Error responses replayed into botocore clients, for behaviour moto cannot show.

moto does not enforce IAM and never throttles. An ErrorInjector registered as
a botocore `before-send` handler returns, for chosen requests, an error
response in the service protocol's wire format (JSON, EC2 query, query) with
real AWS error codes and messages. botocore's real parsing, retry and error
handling run on it, and every other request goes on to the moto server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse, HeadersDict

ERROR_RESPONSES = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "ingest"
    / "aws"
    / "collect"
    / "error-responses.json"
)


class _RawBody:
    """The `raw` of a botocore AWSResponse: a stream of the body bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


@dataclass
class ErrorInjector:
    """A `before-send` handler that returns a stored AWS error response.

    It returns the response for the first `times` requests (for every request
    when `times` is None) and lets later ones through to the server. `seen`
    counts the requests and `answered` the ones it returned a response for.
    """

    status: int
    headers: dict[str, str]
    body: str
    times: int | None = None
    seen: int = 0
    answered: int = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.seen += 1
        if self.times is not None and self.answered >= self.times:
            return None
        self.answered += 1
        return AWSResponse(
            request.url,
            self.status,
            HeadersDict(self.headers),
            _RawBody(self.body.encode()),
        )


def load_error_injector(name: str, *, times: int | None = None) -> ErrorInjector:
    """Build an ErrorInjector from the entry `name` of error-responses.json."""
    entry = json.loads(ERROR_RESPONSES.read_text())[name]
    return ErrorInjector(
        status=entry["status"],
        headers=entry["headers"],
        body=entry["body"],
        times=times,
    )
