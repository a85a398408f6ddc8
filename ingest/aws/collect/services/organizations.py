"""Organizations: accounts, roots, OUs, service control policies and targets.

Only the management account (or a delegated administrator) can list the
organization. A member account records describe-organization alone, and an
account outside any organization records nothing; neither is a failure.
"""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder

_NOT_IN_ORGANIZATION = ("AWSOrganizationsNotInUseException",)
_SCP_FILTER = "SERVICE_CONTROL_POLICY"


def collect_organizations(
    recorder: ServiceRecorder, options: AwsCollectOptions
) -> None:
    """Read the organization structure when this account manages it."""
    described = recorder.call("describe_organization", absent=_NOT_IN_ORGANIZATION)
    if described is None:
        return
    organization = described.get("Organization", {})
    if organization.get("MasterAccountId") != recorder.account:
        return
    recorder.paginate("list_accounts")
    roots = recorder.paginate("list_roots")
    for root in (roots or {}).get("Roots", []):
        _collect_children(recorder, root["Id"])
    policies = recorder.paginate("list_policies", params={"Filter": _SCP_FILTER})
    for policy in (policies or {}).get("Policies", []):
        recorder.call("describe_policy", params={"PolicyId": policy["Id"]})
        recorder.paginate("list_targets_for_policy", params={"PolicyId": policy["Id"]})


def _collect_children(recorder: ServiceRecorder, parent_id: str) -> None:
    """Record the accounts and OUs under `parent_id`, depth first."""
    recorder.paginate("list_accounts_for_parent", params={"ParentId": parent_id})
    units = recorder.paginate(
        "list_organizational_units_for_parent", params={"ParentId": parent_id}
    )
    for unit in (units or {}).get("OrganizationalUnits", []):
        _collect_children(recorder, unit["Id"])
