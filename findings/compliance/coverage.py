"""Capability coverage: the provider-neutral services a scan let rules evaluate.

Coverage entries name provider services. Each capability (identity,
compute, network, storage, database, secrets) has core services per cloud:
the capability counts as covered when a core service was read ("ok") and no
core service failed. A service that does not exist or is not enabled in a
region ("unsupported", "not_enabled") holds nothing to evaluate, so it
neither covers nor blocks.

NOTE: failures of services outside the core set (for example DynamoDB for
the database capability, or Organizations for identity) do not block a
capability, so a control can pass while those services went unread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from toxicpath.ingest.snapshot import COVERAGE_OK, CoverageEntry

# Provider service names, lower case, by capability. Azure names are the
# resource provider namespace without the `microsoft.` prefix.
SERVICE_CAPABILITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "aws": {
        "iam": ("identity",),
        "sts": ("identity",),
        "organizations": ("identity",),
        "ec2": ("compute", "network"),
        "elb": ("network",),
        "elbv2": ("network",),
        "lambda": ("compute",),
        "ecs": ("compute",),
        "eks": ("compute",),
        "s3": ("storage",),
        "s3control": ("storage",),
        "rds": ("database",),
        "redshift": ("database",),
        "dynamodb": ("database",),
        "es": ("database",),
        "opensearch": ("database",),
        "secretsmanager": ("secrets",),
        "kms": ("secrets",),
        "ssm": ("secrets",),
    },
    "azure": {
        "authorization": ("identity",),
        "msi": ("identity",),
        "managedidentity": ("identity",),
        "managementgroups": ("identity",),
        # NOTE: Entra ID (users, MFA) is outside the core identity services, so
        # MFA rules can pass on an Azure scan that did not read Entra ID.
        "entra": ("identity",),
        "graph": ("identity",),
        "compute": ("compute",),
        "web": ("compute",),
        "containerservice": ("compute",),
        "network": ("network",),
        "storage": ("storage",),
        "sql": ("database",),
        "documentdb": ("database",),
        "keyvault": ("secrets",),
    },
    "gcp": {
        "iam": ("identity",),
        "cloudresourcemanager": ("identity",),
        "compute": ("compute", "network"),
        "cloudfunctions": ("compute",),
        "run": ("compute",),
        "container": ("compute",),
        "storage": ("storage",),
        "sqladmin": ("database",),
        "bigquery": ("database",),
        "secretmanager": ("secrets",),
        "cloudkms": ("secrets",),
    },
}

# The services each capability cannot do without, per cloud.
CORE_SERVICES: dict[str, dict[str, frozenset[str]]] = {
    "aws": {
        "identity": frozenset({"iam"}),
        "compute": frozenset({"ec2"}),
        "network": frozenset({"ec2"}),
        "storage": frozenset({"s3"}),
        "database": frozenset({"rds"}),
        "secrets": frozenset({"secretsmanager"}),
    },
    "azure": {
        "identity": frozenset({"authorization"}),
        "compute": frozenset({"compute"}),
        "network": frozenset({"network"}),
        "storage": frozenset({"storage"}),
        "database": frozenset({"sql"}),
        "secrets": frozenset({"keyvault"}),
    },
    "gcp": {
        "identity": frozenset({"iam", "cloudresourcemanager"}),
        "compute": frozenset({"compute"}),
        "network": frozenset({"compute"}),
        "storage": frozenset({"storage"}),
        "database": frozenset({"sqladmin"}),
        "secrets": frozenset({"secretmanager"}),
    },
}

# Statuses that mean "nothing there to read" rather than "could not read".
_NEUTRAL_STATUSES = frozenset({"unsupported", "not_enabled"})


@dataclass
class CapabilityCoverage:
    """Per capability: the services read and the services that failed, with reasons."""

    covered: dict[str, set[str]] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)

    def is_covered(self, capability: str) -> bool:
        return bool(self.covered.get(capability)) and not self.failed.get(capability)

    def gap(self, capability: str) -> str:
        """Explain why a capability is not covered, or return empty when it is."""
        if self.is_covered(capability):
            return ""
        failures = self.failed.get(capability)
        if failures:
            shown = "; ".join(sorted(failures)[:2])
            more = f" and {len(failures) - 2} more" if len(failures) > 2 else ""
            return f"{capability} not fully read: {shown}{more}"
        return f"{capability} was not collected"


def _normalise_service(cloud: str, service: str) -> str:
    name = service.lower()
    if cloud == "azure" and name.startswith("microsoft."):
        name = name[len("microsoft.") :]
    if cloud == "gcp" and name.endswith(".googleapis.com"):
        name = name[: -len(".googleapis.com")]
    return name


def capability_coverage(entries: Iterable[CoverageEntry]) -> CapabilityCoverage:
    """Fold coverage entries into capability coverage."""
    result = CapabilityCoverage()
    for entry in entries:
        services = SERVICE_CAPABILITIES.get(entry.cloud, {})
        name = _normalise_service(entry.cloud, entry.service)
        if name == "*":
            capabilities: tuple[str, ...] = tuple(
                {c for caps in services.values() for c in caps}
            )
        else:
            capabilities = services.get(name, ())
        core = CORE_SERVICES.get(entry.cloud, {})
        for capability in capabilities:
            if name != "*" and name not in core.get(capability, frozenset()):
                continue
            if entry.status == COVERAGE_OK:
                result.covered.setdefault(capability, set()).add(
                    f"{entry.cloud}:{name}"
                )
            elif entry.status not in _NEUTRAL_STATUSES:
                result.failed.setdefault(capability, []).append(
                    f"{entry.cloud} {name} in {entry.account}/{entry.region}: "
                    f"{entry.status}{' (' + entry.reason + ')' if entry.reason else ''}"
                )
    return result
