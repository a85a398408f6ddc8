"""Remove secret values from raw responses before they enter a snapshot.

toxicpath keeps the names of environment variables and parameters (they tell
what a workload can reach) but never their values. `redact_response` runs on
every response an importer or collector adds to a snapshot. It is idempotent:
redacting a redacted response changes nothing.

What it replaces with `REDACTED`, wherever it occurs in a body:
- the values of `Environment.Variables` (Lambda), of `RuntimeEnvironmentVariables`
  (App Runner) and of any `environmentVariables` map (Amplify);
- the `value` of each `{"name", "value"}` entry in an `environment` list
  (ECS task definitions and task overrides, Batch, SageMaker);
- the `value` of CodeBuild `environmentVariables` entries of type PLAINTEXT.
  The other types name a parameter or secret instead of storing its value;
- the value of any key that is a credential or secret by definition:
  `SecretAccessKey`, `SessionToken`, `Password`, `MasterUserPassword`,
  `SecretString`, `SecretBinary`, `PrivateKey`, `UserData`, and Glue
  `ConnectionProperties` passwords;
- Lambda `Code.Location`, a presigned URL that downloads the function code;
- the `Value` of SSM parameters (`ssm get-parameter(s)` responses).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from toxicpath.ingest.snapshot import RawResponse

REDACTED = "<redacted>"

# Keys whose value is a secret wherever they appear.
_SECRET_KEYS = frozenset(
    {
        "SecretAccessKey",
        "SessionToken",
        "Password",
        "MasterUserPassword",
        "NewMasterUserPassword",
        "SecretString",
        "SecretBinary",
        "PrivateKey",
        "UserData",
        "PASSWORD",
        "ENCRYPTED_PASSWORD",
    }
)

# Keys whose value is a map of variable name to secret value.
_VARIABLE_MAP_KEYS = frozenset({"RuntimeEnvironmentVariables", "environmentVariables"})

# CodeBuild variable types whose value names a parameter or secret.
_REFERENCE_VARIABLE_TYPES = frozenset({"PARAMETER_STORE", "SECRETS_MANAGER"})


def redact_response(response: RawResponse) -> RawResponse:
    """Return `response` with every secret value in its body replaced by REDACTED."""
    body = _redact_value(response.body)
    if response.service == "ssm":
        body = _redact_ssm_values(body)
    if body is response.body:
        return response
    return dataclasses.replace(response, body=body)


def _redact_value(value: Any) -> Any:
    """Return `value` with secrets replaced; unchanged parts keep their identity."""
    if isinstance(value, dict):
        return _redact_dict(value)
    if isinstance(value, list):
        return _redact_list(value)
    return value


def _redact_dict(mapping: dict[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for key, item in mapping.items():
        new_item = _redact_entry(key, item)
        if new_item is not item:
            changed[key] = new_item
    if not changed:
        return mapping
    return {**mapping, **changed}


def _redact_entry(key: str, item: Any) -> Any:
    """Return the redacted value of `mapping[key]`, or `item` itself if clean."""
    if key in _SECRET_KEYS:
        return item if item in (None, "", REDACTED) else REDACTED
    if key == "Environment" and isinstance(item, dict):
        return _redact_lambda_environment(item)
    if key in _VARIABLE_MAP_KEYS and isinstance(item, dict):
        return _redact_map_values(item)
    if key in ("environment", "environmentVariables") and isinstance(item, list):
        return _redact_name_value_list(item)
    if key == "Code" and isinstance(item, dict) and "Location" in item:
        if item["Location"] == REDACTED:
            return item
        return {**item, "Location": REDACTED}
    return _redact_value(item)


def _redact_list(items: list[Any]) -> list[Any]:
    result: list[Any] | None = None
    for index, item in enumerate(items):
        new_item = _redact_value(item)
        if new_item is not item:
            if result is None:
                result = list(items)
            result[index] = new_item
    return items if result is None else result


def _redact_lambda_environment(environment: dict[str, Any]) -> dict[str, Any]:
    variables = environment.get("Variables")
    redacted = _redact_dict(environment)
    if not isinstance(variables, dict):
        return redacted
    new_variables = _redact_map_values(variables)
    if new_variables is variables:
        return redacted
    return {**redacted, "Variables": new_variables}


def _redact_map_values(variables: dict[str, Any]) -> dict[str, Any]:
    if all(value == REDACTED for value in variables.values()):
        return variables
    return {name: REDACTED for name in variables}


def _redact_name_value_list(entries: list[Any]) -> list[Any]:
    result: list[Any] | None = None
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        if entry.get("type") in _REFERENCE_VARIABLE_TYPES:
            continue
        if entry["value"] == REDACTED:
            continue
        if result is None:
            result = list(entries)
        result[index] = {**entry, "value": REDACTED}
    return entries if result is None else result


def _redact_ssm_values(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    changed: dict[str, Any] = {}
    parameter = body.get("Parameter")
    if isinstance(parameter, dict) and parameter.get("Value", REDACTED) != REDACTED:
        changed["Parameter"] = {**parameter, "Value": REDACTED}
    parameters = body.get("Parameters")
    if isinstance(parameters, list):
        new_parameters = [
            {**item, "Value": REDACTED}
            if isinstance(item, dict) and item.get("Value", REDACTED) != REDACTED
            else item
            for item in parameters
        ]
        if any(
            new is not old for new, old in zip(new_parameters, parameters, strict=True)
        ):
            changed["Parameters"] = new_parameters
    if not changed:
        return body
    return {**body, **changed}
