"""Custom policies in YAML, compiled to portable Cypher rules.

A policy file contains one policy or a `policies:` list. Each policy names the
resource or identity types it checks, conditions on their properties and the
remediation guidance, as cloud teams write them for other CSPM tools:

    policies:
      - id: prod-buckets-encrypted
        name: Production buckets must be encrypted
        severity: high
        resource_types: [object_storage]
        conditions:
          all:
            - {attribute: encrypted, operator: equals, value: false}
            - {attribute: tags, operator: contains, value: '"env":"prod"'}
        remediation:
          guidance: Turn on default encryption with a customer-managed key.
          automated: false

A condition describes the violation: a node that meets the conditions is a
finding. Values travel as query parameters, never inside the query text,
and attribute names must be properties of the graph model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from toxicpath.graph.dialect import check_portable
from toxicpath.graph.model import (
    IDENTITY,
    IDENTITY_TYPES,
    RESOURCE,
    RESOURCE_TYPES,
)
from toxicpath.queries.loader import Rule, RuleLoadError
from toxicpath.queries.metadata import Remediation, RuleMetadata, Severity

Operator = Literal[
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "starts_with",
    "exists",
    "not_exists",
    "greater_than",
    "less_than",
]
ConditionValue = str | int | float | bool | list[str] | None

_CAPABILITY_BY_TYPE = {
    "object_storage": "storage",
    "snapshot": "storage",
    "container_registry": "storage",
    "database": "database",
    "data_warehouse": "database",
    "search_domain": "database",
    "secret": "secrets",
    "kms_key": "secrets",
    "parameter": "secrets",
    "key_vault": "secrets",
    "virtual_machine": "compute",
    "function": "compute",
    "container_service": "compute",
    "kubernetes_cluster": "compute",
    "load_balancer": "network",
}

# Cypher text per operator; `{a}` is the property and `{p}` the parameter.
_OPERATOR_CYPHER: dict[str, str] = {
    "equals": "n.{a} = ${p}",
    "not_equals": "(n.{a} IS NULL OR n.{a} <> ${p})",
    "in": "n.{a} IN ${p}",
    "not_in": "(n.{a} IS NULL OR NOT n.{a} IN ${p})",
    "contains": "n.{a} CONTAINS ${p}",
    "starts_with": "n.{a} STARTS WITH ${p}",
    "exists": "n.{a} IS NOT NULL",
    "not_exists": "n.{a} IS NULL",
    "greater_than": "n.{a} > ${p}",
    "less_than": "n.{a} < ${p}",
}
_LIST_PROPERTY_CYPHER = {
    "contains": "${p} IN n.{a}",
    "exists": "n.{a} IS NOT NULL",
    "not_exists": "n.{a} IS NULL",
}


class Condition(BaseModel):
    """One test on a node property."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attribute: str
    operator: Operator
    value: ConditionValue = None

    @model_validator(mode="after")
    def _check_value(self) -> Condition:
        needs_value = self.operator not in ("exists", "not_exists")
        if needs_value and self.value is None:
            raise ValueError(f"operator {self.operator} needs a value")
        if self.operator in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"operator {self.operator} needs a list value")
        if self.operator in ("greater_than", "less_than") and (
            isinstance(self.value, bool) or not isinstance(self.value, (int, float))
        ):
            raise ValueError(f"operator {self.operator} needs a number")
        return self


class ConditionGroup(BaseModel):
    """Conditions joined by AND (`all`) or OR (`any`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> ConditionGroup:
        if bool(self.all) == bool(self.any):
            raise ValueError(
                "set exactly one of all or any, with at least one condition"
            )
        return self


class PolicyRemediation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    guidance: str = Field(min_length=1)
    automated: bool = False
    cli: str | None = None
    terraform: str | None = None


class CustomPolicy(BaseModel):
    """A custom policy as written in YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(min_length=1)
    severity: Severity
    resource_types: tuple[str, ...] = Field(min_length=1)
    conditions: ConditionGroup
    remediation: PolicyRemediation
    description: str = ""
    references: tuple[str, ...] = ()
    compliance: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    clouds: tuple[Literal["aws", "azure", "gcp"], ...] = ("aws", "azure", "gcp")

    @model_validator(mode="after")
    def _check_types_and_attributes(self) -> CustomPolicy:
        known = set(RESOURCE_TYPES) | set(IDENTITY_TYPES)
        unknown = sorted(set(self.resource_types) - known)
        if unknown:
            raise ValueError(
                f"unknown resource_types {unknown}; allowed: {', '.join(sorted(known))}"
            )
        labels = {_label_for(t) for t in self.resource_types}
        if len(labels) > 1:
            raise ValueError(
                "resource_types mixes identity and resource types; "
                "write one policy for each"
            )
        allowed = set(_properties(labels.pop()))
        for condition in (*self.conditions.all, *self.conditions.any):
            if condition.attribute not in allowed:
                raise ValueError(
                    f"unknown attribute {condition.attribute!r}; allowed: "
                    f"{', '.join(sorted(allowed))}"
                )
        return self

    @property
    def label(self) -> str:
        return _label_for(self.resource_types[0])


def _label_for(node_type: str) -> str:
    return "Identity" if node_type in IDENTITY_TYPES else "Resource"


def _properties(label: str) -> dict[str, str]:
    node_label = IDENTITY if label == "Identity" else RESOURCE
    return {p.name: p.type for p in node_label.properties}


def compile_policy(policy: CustomPolicy) -> tuple[str, dict[str, Any]]:
    """Return the Cypher text and parameters that find violations of `policy`."""
    properties = _properties(policy.label)
    params: dict[str, Any] = {"resource_types": list(policy.resource_types)}
    clauses: list[str] = []
    conditions = policy.conditions.all or policy.conditions.any
    for index, condition in enumerate(conditions):
        name = f"p{index}"
        is_list = properties[condition.attribute].endswith("[]")
        table = _LIST_PROPERTY_CYPHER if is_list else _OPERATOR_CYPHER
        template = table.get(condition.operator)
        if template is None:
            raise ValueError(
                f"operator {condition.operator} does not apply to the list "
                f"attribute {condition.attribute}; use contains, exists or not_exists"
            )
        clauses.append(template.format(a=condition.attribute, p=name))
        if condition.value is not None:
            params[name] = condition.value
    joiner = "\n   AND " if policy.conditions.all else "\n    OR "
    cypher = (
        f"// Custom policy {policy.id}\n"
        f"MATCH (n:{policy.label})\n"
        "WHERE n.type IN $resource_types\n"
        f"  AND ({joiner.join(clauses)})\n"
        "RETURN n.id AS resource_id, n.name AS resource_name, n.type AS resource_type"
    )
    return cypher, params


def policy_to_rule(policy: CustomPolicy, path: Path) -> Rule:
    cypher, params = compile_policy(policy)
    problems = check_portable(cypher)
    if problems:
        raise RuleLoadError(
            f"{path}: policy {policy.id} compiles to non-portable Cypher: {problems}"
        )
    services = sorted(
        {
            "identity"
            if policy.label == "Identity"
            else _CAPABILITY_BY_TYPE.get(t, "compute")
            for t in policy.resource_types
        }
    )
    metadata = RuleMetadata.model_validate(
        dict(
            id=policy.id,
            title=policy.name,
            severity=policy.severity,
            kind="posture",
            description=policy.description or policy.name,
            risk=policy.description or f"Violates the custom policy {policy.name}.",
            remediation=Remediation(
                text=policy.remediation.guidance,
                cli=policy.remediation.cli,
                terraform=policy.remediation.terraform,
                automated=policy.remediation.automated,
            ),
            references=policy.references,
            compliance=policy.compliance,
            clouds=policy.clouds,
            services=tuple(services),
            parameters=params,
        )
    )
    return Rule(metadata=metadata, cypher=cypher, path=path)


def load_custom_policies(path: Path) -> list[Rule]:
    """Load every policy in a YAML file, or in each *.yaml/*.yml file of a folder."""
    if path.is_dir():
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    elif path.is_file():
        files = [path]
    else:
        raise RuleLoadError(f"{path}: custom policy file or folder not found")
    rules: list[Rule] = []
    for file in files:
        rules.extend(_load_file(file))
    return rules


def _load_file(path: Path) -> list[Rule]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RuleLoadError(f"{path}: invalid YAML: {error}") from error
    if isinstance(raw, dict) and "policies" in raw:
        entries, prefix = raw["policies"], "policies"
        if not isinstance(entries, list):
            raise RuleLoadError(f"{path}: field policies must be a list of policies")
    elif isinstance(raw, dict):
        entries, prefix = [raw], ""
    else:
        raise RuleLoadError(f"{path}: expected a policy or a `policies:` list")
    rules: list[Rule] = []
    for index, entry in enumerate(entries):
        where = f"{prefix}[{index}]." if prefix else ""
        try:
            policy = CustomPolicy.model_validate(entry)
        except ValidationError as error:
            details = "; ".join(
                f"field {where}{'.'.join(str(p) for p in e['loc']) or '(policy)'}: "
                f"{e['msg']}"
                for e in error.errors()
            )
            raise RuleLoadError(f"{path}: {details}") from error
        rules.append(policy_to_rule(policy, path))
    return rules
