"""Parse AWS Organizations: the organization, its tree of roots, OUs and
accounts, and its service control policies with their targets."""

from __future__ import annotations

import logging

from toxicpath.ingest.aws.estate import (
    AwsAccount,
    AwsEstate,
    Organization,
    ServiceControlPolicy,
)
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    items,
    mapping,
    policy_document,
    required_text,
    responses_with_body,
    text,
)

logger = logging.getLogger(__name__)

SCP_TYPE = "SERVICE_CONTROL_POLICY"


def parse_organizations(index: ResponseIndex, estate: AwsEstate) -> None:
    organization = _organization(index)
    if organization is None:
        return
    estate.organization = organization
    for response, body in responses_with_body(index, "organizations", "list-roots"):
        for root in items(response, body, "Roots"):
            organization.root_id = required_text(response, root, "Id")
    for response, body in responses_with_body(index, "organizations", "list-accounts"):
        for account in items(response, body, "Accounts"):
            _name_account(
                estate,
                organization,
                account_id=required_text(response, account, "Id"),
                name=text(response, account, "Name"),
            )
    for response, body in responses_with_body(
        index, "organizations", "list-accounts-for-parent"
    ):
        parent = response.params.get("ParentId", "")
        for account in items(response, body, "Accounts"):
            account_id = required_text(response, account, "Id")
            _name_account(
                estate,
                organization,
                account_id=account_id,
                name=text(response, account, "Name"),
            )
            if parent:
                organization.parents[account_id] = parent
    for response, body in responses_with_body(
        index, "organizations", "list-organizational-units-for-parent"
    ):
        parent = response.params.get("ParentId", "")
        for unit in items(response, body, "OrganizationalUnits"):
            if parent:
                organization.parents[required_text(response, unit, "Id")] = parent
    for response, body in responses_with_body(index, "organizations", "list-children"):
        parent = response.params.get("ParentId", "")
        for child in items(response, body, "Children"):
            if parent:
                organization.parents[required_text(response, child, "Id")] = parent
    for response, body in responses_with_body(index, "organizations", "list-parents"):
        child_id = response.params.get("ChildId", "")
        for parent_entry in items(response, body, "Parents"):
            if child_id:
                organization.parents[child_id] = required_text(
                    response, parent_entry, "Id"
                )
    _parse_policies(index, organization)


def _organization(index: ResponseIndex) -> Organization | None:
    for response, body in responses_with_body(
        index, "organizations", "describe-organization"
    ):
        detail = mapping(response, body, "Organization")
        if detail:
            return Organization(
                id=required_text(response, detail, "Id"),
                management_account_id=text(response, detail, "MasterAccountId")
                or text(response, detail, "ManagementAccountId"),
            )
    return None


def _name_account(
    estate: AwsEstate, organization: Organization, *, account_id: str, name: str
) -> None:
    if name:
        organization.account_names[account_id] = name
    account = estate.accounts.get(account_id)
    if account is not None and not account.name:
        account.name = name
    elif account is None:
        # NOTE: member accounts named only by Organizations are kept with
        # their name, but nothing else of them was read.
        estate.accounts[account_id] = AwsAccount(id=account_id, name=name)


def _parse_policies(index: ResponseIndex, organization: Organization) -> None:
    policies: dict[str, ServiceControlPolicy] = {}
    for response, body in responses_with_body(index, "organizations", "list-policies"):
        if response.params.get("Filter", SCP_TYPE) != SCP_TYPE:
            continue
        for summary in items(response, body, "Policies"):
            policy_id = required_text(response, summary, "Id")
            policies[policy_id] = ServiceControlPolicy(
                id=policy_id,
                arn=text(response, summary, "Arn"),
                name=text(response, summary, "Name"),
                document={},
            )
    for response, body in responses_with_body(
        index, "organizations", "describe-policy"
    ):
        detail = mapping(response, body, "Policy")
        summary = mapping(response, detail, "PolicySummary")
        if text(response, summary, "Type") not in ("", SCP_TYPE):
            continue
        policy_id = text(response, summary, "Id") or response.params.get("PolicyId", "")
        if not policy_id:
            continue
        policy = policies.setdefault(
            policy_id,
            ServiceControlPolicy(
                id=policy_id,
                arn=text(response, summary, "Arn"),
                name=text(response, summary, "Name"),
                document={},
            ),
        )
        document = policy_document(response, detail.get("Content"), "Policy.Content")
        policy.document = document or {}
    for response, body in responses_with_body(
        index, "organizations", "list-targets-for-policy"
    ):
        found = policies.get(response.params.get("PolicyId", ""))
        if found is None:
            continue
        for target in items(response, body, "Targets"):
            target_id = required_text(response, target, "TargetId")
            if target_id not in found.target_ids:
                found.target_ids.append(target_id)
    for response, body in responses_with_body(
        index, "organizations", "list-policies-for-target"
    ):
        if response.params.get("Filter", SCP_TYPE) != SCP_TYPE:
            continue
        target_id = response.params.get("TargetId", "")
        for summary in items(response, body, "Policies"):
            found = policies.get(text(response, summary, "Id"))
            if found is not None and target_id and target_id not in found.target_ids:
                found.target_ids.append(target_id)
    complete = [policy for policy in policies.values() if policy.document]
    missing = len(policies) - len(complete)
    if missing:
        # NOTE: an SCP without its document is left out rather than read as
        # an empty allow list, which would deny everything below it.
        logger.warning(
            "%s service control policies have no describe-policy response and"
            " are left out of the analysis",
            missing,
        )
    organization.scps = complete
