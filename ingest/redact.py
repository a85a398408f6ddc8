"""Remove secret values from raw responses before they enter a snapshot.

toxicpath keeps the names of environment variables and parameters (they tell
what a workload can reach) but never their values. `redact_response` runs on
every response an importer or collector adds to a snapshot, whether or not a
parser reads that service. It is idempotent: redacting a redacted response
returns the same response.

The rules apply by shape and key name wherever they match in a body, so a
service without a rule of its own is still covered when it uses a common shape:
- under any key named like an environment (`Environment`, `environment`,
  `EnvironmentVariables`, `RuntimeEnvironmentVariables`, `envVariables`, `env`,
  Azure `appSettings`, ...), the values of a
  `{"Variables": {...}}` map (Lambda), of a plain name-to-value map (SageMaker,
  App Runner, Amplify) and the `value` of each `{"name", "value"}` entry of a
  list (ECS, Batch, CodeBuild). CodeBuild entries of type PARAMETER_STORE or
  SECRETS_MANAGER keep their value because it names a parameter or secret;
- the values of argument maps (Glue `DefaultArguments`, `Arguments`,
  `NonOverridableArguments`) and of Glue `ConnectionProperties` passwords;
- CloudFormation `ParameterValue` and `ResolvedValue`, and the `Value` of
  Elastic Beanstalk `OptionSettings` entries;
- the value of every key whose name marks a secret: its last word is
  password, passwd, passphrase, secret or token (except pagination and
  idempotency tokens), or it ends in SecretString, SecretBinary, PrivateKey,
  AccessKey, SecretKey, ApiKey, KeyMaterial, ConnectionString, UserData or
  SecureValue.
  `AccessKeyId`, `SecretArn` or `PasswordLastUsed` end in another word and stay;
- Azure App Service settings: the `value` of each entry that has a
  `slotSetting` (az webapp config appsettings list) and the `properties`
  values of `Microsoft.Web/sites/config` resources named appsettings or
  connectionstrings;
- Lambda `Code.Location`, a presigned URL that downloads the function code;
- the `Value` of SSM parameters (`ssm get-parameter(s)` responses).

Booleans and nulls stay, because they carry no secret (`PasswordEnabled`).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from toxicpath.ingest.snapshot import RawResponse

REDACTED = "<redacted>"

# Keys whose value maps variable names to values, wherever they appear.
_ENVIRONMENT_KEYS = frozenset(
    {
        "environment",
        "environmentvariables",
        "runtimeenvironmentvariables",
        "environmentvars",
        "envvariables",
        "env",
        "appsettings",
    }
)

# Azure App Service configuration resources whose `properties` map setting
# names to values (the ARM list-application-settings call and exports of it).
_AZURE_SETTINGS_RESOURCES = frozenset({"appsettings", "connectionstrings"})

# Keys whose value maps argument or property names to values.
_ARGUMENT_MAP_KEYS = frozenset(
    {"DefaultArguments", "Arguments", "NonOverridableArguments"}
)

# Keys whose value is a secret wherever they appear, checked by exact name.
_SECRET_VALUE_KEYS = frozenset({"ParameterValue", "ResolvedValue"})

# Last words of a key name that mark its value as secret.
_SECRET_LAST_WORDS = frozenset(
    {"password", "passwords", "passwd", "passphrase", "secret", "token"}
)

# Trailing word pairs of a key name that mark its value as secret.
_SECRET_WORD_PAIRS = frozenset(
    {
        ("secret", "string"),
        ("secret", "binary"),
        ("private", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("api", "key"),
        ("key", "material"),
        ("connection", "string"),
        ("user", "data"),
        ("secure", "value"),
    }
)

# Tokens that page or deduplicate requests and give no access.
_HARMLESS_TOKEN_WORDS = frozenset(
    {"next", "pagination", "continuation", "client", "idempotency"}
)

# CodeBuild variable types whose value names a parameter or secret.
_REFERENCE_VARIABLE_TYPES = frozenset({"PARAMETER_STORE", "SECRETS_MANAGER"})

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def redact_response(response: RawResponse) -> RawResponse:
    """Return `response` with every secret value in its body replaced by REDACTED."""
    body = _redact_value(response.body)
    if response.service == "ssm":
        body = _redact_ssm_values(body)
    if body == response.body:
        return response
    return dataclasses.replace(response, body=body)


def is_secret_key(key: str) -> bool:
    """Return True when the name of a key marks its value as a secret."""
    if ":" in key:
        # A namespaced policy condition key such as aws:PrincipalTag/token.
        return False
    words = [word.lower() for word in _WORD.findall(key)]
    if not words:
        return False
    if words[-1] in _SECRET_LAST_WORDS:
        if words[-1] == "token" and len(words) > 1:
            return words[-2] not in _HARMLESS_TOKEN_WORDS
        return True
    return tuple(words[-2:]) in _SECRET_WORD_PAIRS


def _redact_value(value: Any) -> Any:
    if isinstance(value, dict):
        if _is_azure_settings_resource(value):
            return {**value, "properties": _redact_map_values(value["properties"])}
        if "slotSetting" in value and "value" in value:
            # One entry of `az webapp config appsettings list` output.
            return {**value, "value": _redact_scalar(value["value"])}
        return {key: _redact_entry(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    return value


def _is_azure_settings_resource(value: dict[str, Any]) -> bool:
    resource_type = value.get("type")
    name = value.get("name")
    return (
        isinstance(resource_type, str)
        and resource_type.lower() == "microsoft.web/sites/config"
        and isinstance(name, str)
        and name.lower() in _AZURE_SETTINGS_RESOURCES
        and isinstance(value.get("properties"), dict)
    )


def _redact_entry(key: str, item: Any) -> Any:
    """Return the redacted value stored under `key`."""
    if key in _SECRET_VALUE_KEYS or is_secret_key(key):
        return _redact_secret(item)
    if key.lower() in _ENVIRONMENT_KEYS:
        return _redact_environment(item)
    if key in _ARGUMENT_MAP_KEYS and isinstance(item, dict):
        return _redact_map_values(item)
    if key == "OptionSettings" and isinstance(item, list):
        return [_redact_field(entry, "Value") for entry in item]
    if key == "Code" and isinstance(item, dict) and "Location" in item:
        return {**_redact_value(item), "Location": REDACTED}
    return _redact_value(item)


def _redact_scalar(value: Any) -> Any:
    if value is None or isinstance(value, bool) or value == "":
        return value
    return REDACTED


def _redact_secret(item: Any) -> Any:
    """Redact the value of a secret key, whatever its shape.

    A map keeps its keys and recurses, and its `Value` or `value` entry is
    replaced (EC2's `{"Value": ...}` attributes, Azure connection strings),
    so `MasterUserSecret.SecretArn` stays.
    """
    if isinstance(item, dict):
        redacted = _redact_value(item)
        for value_key in ("Value", "value"):
            if value_key in redacted:
                redacted[value_key] = _redact_scalar(redacted[value_key])
        return redacted
    if isinstance(item, list):
        return [_redact_secret(entry) for entry in item]
    return _redact_scalar(item)


def _redact_environment(item: Any) -> Any:
    """Redact variable values in any of the three environment shapes."""
    if isinstance(item, list):
        return [_redact_variable_entry(entry) for entry in item]
    if not isinstance(item, dict):
        return _redact_value(item)
    if "Variables" in item:
        redacted = _redact_value(item)
        variables = item["Variables"]
        if isinstance(variables, dict):
            redacted["Variables"] = _redact_map_values(variables)
        return redacted
    if any(name.lower() in _ENVIRONMENT_KEYS for name in item):
        # A description that holds the variables one level down (CodeBuild
        # `environment.environmentVariables`), not a variable map itself.
        return _redact_value(item)
    return _redact_map_values(item)


def _redact_variable_entry(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return _redact_secret(entry)
    if entry.get("type") in _REFERENCE_VARIABLE_TYPES:
        return _redact_value(entry)
    redacted = _redact_field(entry, "value")
    return _redact_field(redacted, "Value")


def _redact_field(entry: Any, field_name: str) -> Any:
    if not isinstance(entry, dict):
        return _redact_value(entry)
    redacted = _redact_value(entry)
    if field_name in redacted:
        redacted[field_name] = _redact_scalar(redacted[field_name])
    return redacted


def _redact_map_values(variables: dict[str, Any]) -> dict[str, Any]:
    """Keep the names of a name-to-value map and redact every value under them."""
    return {name: _redact_secret(value) for name, value in variables.items()}


def _redact_ssm_values(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    redacted = dict(body)
    if "Parameter" in redacted:
        redacted["Parameter"] = _redact_field(redacted["Parameter"], "Value")
    parameters = redacted.get("Parameters")
    if isinstance(parameters, list):
        redacted["Parameters"] = [_redact_field(item, "Value") for item in parameters]
    return redacted
