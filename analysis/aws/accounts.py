"""AWS accounts and the organization hierarchy as Account nodes.

`add_account_nodes` writes an Account node per AWS account the estate
mentions and, when the organization was read, its root and OUs with
`IN_ACCOUNT` edges from child to parent and `parent_id` set on each child.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.node_props import add_fact_edge, aws_node_props
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.estate import AwsEstate
from toxicpath.ingest.transform import TransformContext


def add_account_nodes(
    estate: AwsEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add an Account node per AWS account, and the organization hierarchy."""
    org = estate.organization
    names = dict(org.account_names) if org else {}
    for account in estate.accounts.values():
        if account.name:
            names[account.id] = account.name
    for account_id in sorted(_mentioned_accounts(estate)):
        attrs: dict[str, Any] = {}
        if org is not None and account_id == org.management_account_id:
            attrs["organization_management_account"] = True
        parsed = estate.accounts.get(account_id)
        # Root credential facts come from the credential report. They stay
        # unset (None) when the report was not read.
        if parsed is not None and parsed.root_access_keys_active is not None:
            attrs["root_access_keys_active"] = parsed.root_access_keys_active
        _add_account(
            records,
            account_id,
            name=names.get(account_id, account_id),
            scan_id=context.scan_id,
            attrs=attrs,
        )
    if org is None:
        return
    if org.root_id:
        records.add_node(
            "Account",
            ids.organization_unit_node(org.root_id),
            parent_id="",
            **aws_node_props(
                node_type="aws_organization_root",
                native_type="AWS::Organizations::Root",
                name=f"organization {org.id} root",
                account_id=org.management_account_id,
                region="",
                scan_id=context.scan_id,
                attrs={"organization_id": org.id, "root_id": org.root_id},
            ),
        )
    for child, parent in org.parents.items():
        for unit in (child, parent):
            if _is_account_id(unit) or unit == org.root_id:
                continue
            records.add_node(
                "Account",
                ids.organization_unit_node(unit),
                parent_id="",
                **aws_node_props(
                    node_type="aws_organizational_unit",
                    native_type="AWS::Organizations::OrganizationalUnit",
                    name=names.get(unit, unit),
                    account_id=org.management_account_id,
                    region="",
                    scan_id=context.scan_id,
                    attrs={"organization_id": org.id, "ou_id": unit},
                ),
            )
    for child, parent in org.parents.items():
        child_node = _org_member_node(child)
        parent_node = _org_member_node(parent)
        records.nodes[child_node].props["parent_id"] = parent_node
        add_fact_edge(
            records,
            "IN_ACCOUNT",
            child_node,
            parent_node,
            scan_id=context.scan_id,
            reason=f"{child} is inside {parent} in organization {org.id}.",
        )


def _is_account_id(value: str) -> bool:
    return len(value) == 12 and value.isdigit()


def _org_member_node(member: str) -> str:
    if _is_account_id(member):
        return ids.account_id_node(member)
    return ids.organization_unit_node(member)


def _add_account(
    records: GraphRecords,
    account_id: str,
    *,
    name: str,
    scan_id: str,
    attrs: Mapping[str, Any],
) -> None:
    records.add_node(
        "Account",
        ids.account_id_node(account_id),
        parent_id="",
        **aws_node_props(
            node_type="aws_account",
            native_type="AWS::Organizations::Account",
            name=name,
            account_id=account_id,
            region="",
            scan_id=scan_id,
            attrs={"account_id": account_id, **attrs},
        ),
    )


def _mentioned_accounts(estate: AwsEstate) -> set[str]:
    """Return every account id the estate owns something in."""
    accounts = set(estate.accounts)
    groups: Iterable[Iterable[Any]] = (
        estate.principals.values(),
        estate.instances.values(),
        estate.security_groups.values(),
        estate.subnets.values(),
        estate.vpcs.values(),
        estate.route_tables.values(),
        estate.network_acls.values(),
        estate.load_balancers.values(),
        estate.buckets.values(),
        estate.functions.values(),
        estate.databases.values(),
        estate.resources.values(),
    )
    for group in groups:
        accounts.update(item.account_id for item in group)
    if estate.organization is not None:
        accounts.add(estate.organization.management_account_id)
        accounts.update(
            member
            for pair in estate.organization.parents.items()
            for member in pair
            if _is_account_id(member)
        )
    accounts.discard("")
    return accounts
