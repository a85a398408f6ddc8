"""Lambda: functions, their resource policies and function URLs.

Function configurations come from list-functions. The collector never calls
GetFunction, whose response carries a presigned URL to download the code, and
it replaces every environment variable value by REDACTED here, before the
response reaches the snapshot, so only variable names are kept.
"""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder
from toxicpath.ingest.redact import REDACTED

_NOT_FOUND = ("ResourceNotFoundException",)


def strip_environment_values(function: dict[str, Any]) -> dict[str, Any]:
    """Return `function` with each environment variable value replaced by REDACTED."""
    environment = function.get("Environment")
    if not isinstance(environment, dict):
        return function
    variables = environment.get("Variables")
    if not isinstance(variables, dict):
        return function
    names_only = dict.fromkeys(variables, REDACTED)
    return {**function, "Environment": {**environment, "Variables": names_only}}


def collect_lambda(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the region's functions, their resource policies and URL configs."""
    listed = recorder.paginate("list_functions", record=False)
    if listed is None:
        return
    functions = [strip_environment_values(item) for item in listed.get("Functions", [])]
    recorder.record_body("list-functions", {"Functions": functions})
    for function in functions:
        name = function["FunctionName"]
        recorder.call("get_policy", params={"FunctionName": name}, absent=_NOT_FOUND)
        recorder.call(
            "get_function_url_config",
            params={"FunctionName": name},
            absent=_NOT_FOUND,
        )
