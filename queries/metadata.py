"""Rule metadata: the data every rule carries beside its Cypher.

Each rule is two sibling files in `queries/rules/`: `<id>.cypher` contains
the query and `<id>.yaml` the metadata validated by `RuleMetadata`. Keeping the
metadata as data lets the CLI filter rules, reports print remediation and
compliance summaries map controls without reading any query.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
Cloud = Literal["aws", "azure", "gcp"]
RuleKind = Literal["path", "posture"]

# Provider-neutral groups of services a rule reads. Coverage entries name
# provider services (iam, s3, Microsoft.Storage, storage.googleapis.com);
# `toxicpath.findings.compliance.coverage` maps them onto these groups.
CAPABILITIES: tuple[str, ...] = (
    "identity",
    "compute",
    "network",
    "storage",
    "database",
    "secrets",
)
Tag = Literal["path-to-admin", "sensitive-data", "exposure", "credentials", "trust"]
Capability = Literal["identity", "compute", "network", "storage", "database", "secrets"]


class Remediation(BaseModel):
    """How to fix what a rule finds: prose, and commands where they fit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    cli: str | None = None
    terraform: str | None = None
    # True when a pipeline applies the fix without a person (auto-remediation).
    automated: bool = False


class RuleMetadata(BaseModel):
    """The validated metadata of one rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    severity: Severity
    kind: RuleKind
    description: str = Field(min_length=1)
    risk: str = Field(min_length=1)
    remediation: Remediation
    references: tuple[str, ...] = ()
    compliance: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    clouds: tuple[Cloud, ...] = ("aws", "azure", "gcp")
    services: tuple[Capability, ...] = Field(min_length=1)
    parameters: dict[str, int | float | str | bool | list[str]] = Field(
        default_factory=dict
    )
    # Labels that group rules for metrics and filters, such as path-to-admin.
    tags: tuple[Tag, ...] = ()

    @field_validator("references")
    @classmethod
    def _check_references(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for reference in value:
            if not reference.startswith("https://"):
                raise ValueError(f"reference {reference!r} must be an https:// URL")
        return value


SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
