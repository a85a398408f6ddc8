"""AWS identities and policies as graph nodes, and the identity attack edges.

`add_identity_nodes` writes one Identity node per IAM user, group and role
and one `account_admin` pseudo-identity per account. It also writes a Policy
node per managed, inline, boundary, trust and service control policy, with
the fact edges between them. The outside principals (anonymous, any AWS
principal) appear when a later step needs them.

`derive_identity_edges` runs admin detection, trust (CAN_ASSUME), the
privilege-escalation catalog (CAN_ESCALATE) and resource access (CAN_ACCESS)
over one shared view of every principal's effective policies.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.aws.estate import AwsEstate, ManagedPolicy, Principal
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

_NATIVE_TYPES = {
    "user": "AWS::IAM::User",
    "group": "AWS::IAM::Group",
    "role": "AWS::IAM::Role",
}


def add_identity_nodes(
    estate: AwsEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add identities, policies and their MEMBER_OF, ATTACHED_TO, IN_ACCOUNT edges."""
    scan_id = context.scan_id
    accounts = set(estate.accounts)
    accounts.update(p.account_id for p in estate.principals.values())
    for account_id in sorted(accounts):
        _add_account(records, account_id, scan_id)
        records.add_node(
            "Identity",
            ids.account_admin_node(account_id),
            cloud="aws",
            type="account_admin",
            native_type="",
            name=f"admin of {account_id}",
            account_id=account_id,
            region="",
            tags="{}",
            attrs="{}",
            scan_id=scan_id,
            is_admin=True,
        )
        _add_fact_edge(
            records,
            "IN_ACCOUNT",
            ids.account_admin_node(account_id),
            ids.account_id_node(account_id),
            scan_id,
            "Full control of the account belongs to the account.",
        )
    for policy in estate.policies.values():
        _add_managed_policy_node(records, policy, scan_id)
    group_index = groups_by_name(estate)
    for principal in estate.principals.values():
        _add_principal(records, estate, principal, context)
        if principal.kind == "user":
            for group_name in principal.group_names:
                group = group_index.get((principal.account_id, group_name))
                if group is None:
                    logger.warning(
                        "user %s is in group %s, which the snapshot does not contain",
                        principal.arn,
                        group_name,
                    )
                    continue
                _add_fact_edge(
                    records,
                    "MEMBER_OF",
                    principal.arn,
                    group.arn,
                    scan_id,
                    f"User {principal.name} is a member of group {group.name}.",
                )
    _add_scp_nodes(estate, records, scan_id)


def derive_identity_edges(
    estate: AwsEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Derive is_admin, CAN_ASSUME, CAN_ESCALATE and CAN_ACCESS edges."""
    # Imported here so that node building works before the evaluator loads.
    from toxicpath.analysis.aws.access import derive_access_edges
    from toxicpath.analysis.aws.admin import detect_admins
    from toxicpath.analysis.aws.escalation.context import EstateView
    from toxicpath.analysis.aws.escalation.run import derive_escalation_edges
    from toxicpath.analysis.aws.trust import derive_trust_edges

    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        logger.info("%s took %.1f s", name, now - started)
        started = now

    view = EstateView.build(estate)
    step("building policy views")
    detect_admins(view, records, context)
    step("admin detection")
    derive_trust_edges(view, records, context)
    step("trust analysis")
    # Access before escalation: escalation keeps edges to identities that
    # lead somewhere, which the access edges tell.
    derive_access_edges(view, records, context)
    view.clear_cache()
    step("access analysis")
    derive_escalation_edges(view, records, context)
    view.clear_cache()
    step("escalation analysis")
    logger.info(
        "derived identity edges for %d principals in %d accounts: %s",
        len(estate.principals),
        len(estate.accounts),
        records.summary(),
    )


def groups_by_name(estate: AwsEstate) -> dict[tuple[str, str], Principal]:
    """Index groups by (account id, group name)."""
    return {
        (p.account_id, p.name): p
        for p in estate.principals.values()
        if p.kind == "group"
    }


def add_outside_principal(records: GraphRecords, node_id: str, scan_id: str) -> None:
    """Add the anonymous or any-principal node, exposed to the internet.

    An outsider can send unsigned requests (anonymous) or sign requests with
    their own AWS account (any principal), so both are reachable from the
    internet.
    """
    if node_id == ids.ANONYMOUS_NODE:
        kind, name = "anonymous", "anonymous (unsigned requests)"
        reason = "Anyone on the internet can send unsigned requests to AWS."
    else:
        kind, name = "external_account", "any AWS principal"
        reason = "Anyone on the internet can create an AWS account and sign requests."
    add_internet_node(records, scan_id)
    records.add_node(
        "Identity",
        node_id,
        cloud="aws",
        type=kind,
        native_type="",
        name=name,
        account_id="",
        region="",
        tags="{}",
        attrs="{}",
        scan_id=scan_id,
        is_admin=False,
    )
    records.add_edge(
        "EXPOSED_TO",
        INTERNET_ID,
        node_id,
        scan_id=scan_id,
        reason=reason,
        evidence=to_json_text([{"kind": "outside_principal", "principal": node_id}]),
        conditional=False,
        ports=[],
        protocol="all",
        cidrs=["0.0.0.0/0", "::/0"],
    )


def add_internet_node(records: GraphRecords, scan_id: str) -> None:
    """Make sure the Internet node exists; the shared transform adds it too."""
    records.add_node(
        "Internet",
        INTERNET_ID,
        cloud="none",
        type="internet",
        name="Internet",
        native_type="",
        account_id="",
        region="",
        tags="{}",
        attrs="{}",
        scan_id=scan_id,
    )


def add_external_identity(
    records: GraphRecords,
    node_id: str,
    *,
    kind: str,
    name: str,
    scan_id: str,
    account_id: str = "",
) -> None:
    """Add an identity outside the estate: external account, service or provider."""
    records.add_node(
        "Identity",
        node_id,
        cloud="aws",
        type=kind,
        native_type="",
        name=name,
        account_id=account_id,
        region="",
        tags="{}",
        attrs="{}",
        scan_id=scan_id,
        is_admin=False,
    )


def parse_aws_time(text: str) -> datetime | None:
    """Parse the time formats IAM exports use; None for empty or unreadable text."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        logger.warning("ignoring unreadable IAM timestamp %r", text)
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _add_account(records: GraphRecords, account_id: str, scan_id: str) -> None:
    # The Account node itself comes from the resource step; this merge only
    # guarantees it exists when identities are built alone (tests, partial runs).
    node_id = ids.account_id_node(account_id)
    if node_id in records.nodes:
        return
    records.add_node(
        "Account",
        node_id,
        cloud="aws",
        type="aws_account",
        native_type="AWS::Organizations::Account",
        name=account_id,
        account_id=account_id,
        region="",
        tags="{}",
        attrs="{}",
        scan_id=scan_id,
        parent_id="",
    )


def _add_fact_edge(
    records: GraphRecords,
    edge_type: str,
    source: str,
    target: str,
    scan_id: str,
    reason: str,
    **props: Any,
) -> None:
    records.add_edge(
        edge_type,
        source,
        target,
        scan_id=scan_id,
        reason=reason,
        evidence="[]",
        **props,
    )


def _add_principal(
    records: GraphRecords,
    estate: AwsEstate,
    principal: Principal,
    context: TransformContext,
) -> None:
    scan_id = context.scan_id
    last_used = _last_used(principal)
    # Inactivity counts only from a recorded use (credential report, access
    # key last used, RoleLastUsed). Creation time is no evidence of disuse
    # because exports like get-account-authorization-details carry no usage
    # data, and groups cannot sign in at all.
    # NOTE: a principal the source reports as never used also gets None,
    # because the parsed estate stores "never used" and "not read" alike.
    reference = parse_aws_time(last_used) if principal.kind != "group" else None
    days_inactive = None
    if reference is not None:
        days_inactive = max(0, (context.scanned_at - reference).days)
    active_keys = None
    if principal.kind == "user":
        active_keys = sum(1 for key in principal.access_keys if key.status == "Active")
    attrs: dict[str, Any] = {"path": principal.path, "unique_id": principal.id}
    if principal.created:
        attrs["created"] = principal.created
    if principal.kind == "role":
        attrs["instance_profiles"] = principal.instance_profile_arns
        if principal.max_session_duration is not None:
            attrs["max_session_duration"] = principal.max_session_duration
    key_ids = _access_key_ids(principal)
    if key_ids:
        attrs["access_key_ids"] = key_ids
    if principal.permissions_boundary_arn:
        attrs["permissions_boundary"] = principal.permissions_boundary_arn
    _add_account(records, principal.account_id, scan_id)
    records.add_node(
        "Identity",
        principal.arn,
        cloud="aws",
        type=principal.kind,
        native_type=_NATIVE_TYPES.get(principal.kind, ""),
        name=principal.name,
        account_id=principal.account_id,
        region="",
        tags=to_json_text(principal.tags),
        attrs=to_json_text(attrs),
        scan_id=scan_id,
        is_admin=False,
        console_access=principal.console_access,
        mfa_enabled=principal.mfa_enabled,
        last_used=last_used,
        days_inactive=days_inactive,
        active_keys=active_keys,
    )
    kind_word = principal.kind.capitalize()
    _add_fact_edge(
        records,
        "IN_ACCOUNT",
        principal.arn,
        ids.account_id_node(principal.account_id),
        scan_id,
        f"{kind_word} {principal.name} belongs to account {principal.account_id}.",
    )
    _add_principal_policies(records, estate, principal, scan_id)


def _add_principal_policies(
    records: GraphRecords, estate: AwsEstate, principal: Principal, scan_id: str
) -> None:
    """Add the principal's inline and trust policy nodes and every ATTACHED_TO."""
    for policy_arn in principal.managed_policy_arns:
        if policy_arn not in estate.policies:
            logger.warning(
                "%s has managed policy %s attached, which the snapshot does not "
                "contain; its permissions are not evaluated",
                principal.arn,
                policy_arn,
            )
            continue
        _add_fact_edge(
            records,
            "ATTACHED_TO",
            policy_arn,
            principal.arn,
            scan_id,
            f"Managed policy {estate.policies[policy_arn].name} is attached to "
            f"{principal.kind} {principal.name}.",
            attachment="managed",
        )
    for name, document in principal.inline_policies.items():
        node_id = ids.inline_policy_node(principal.arn, name)
        _add_policy_node(
            records,
            node_id,
            kind="inline_policy",
            native_type=f"AWS::IAM::{principal.kind.capitalize()}Policy",
            name=name,
            account_id=principal.account_id,
            document=document,
            attrs={"principal": principal.arn},
            scan_id=scan_id,
        )
        _add_fact_edge(
            records,
            "ATTACHED_TO",
            node_id,
            principal.arn,
            scan_id,
            f"Inline policy {name} is embedded in {principal.kind} {principal.name}.",
            attachment="inline",
        )
    boundary = principal.permissions_boundary_arn
    if boundary and boundary in estate.policies:
        _add_fact_edge(
            records,
            "ATTACHED_TO",
            boundary,
            principal.arn,
            scan_id,
            f"Managed policy {estate.policies[boundary].name} is the permissions "
            f"boundary of {principal.kind} {principal.name}.",
            attachment="boundary",
        )
    if principal.kind == "role" and principal.trust_policy is not None:
        node_id = ids.trust_policy_node(principal.arn)
        _add_policy_node(
            records,
            node_id,
            kind="trust_policy",
            native_type="AWS::IAM::Role.AssumeRolePolicyDocument",
            name=f"{principal.name} trust policy",
            account_id=principal.account_id,
            document=principal.trust_policy,
            attrs={"role": principal.arn},
            scan_id=scan_id,
        )
        _add_fact_edge(
            records,
            "ATTACHED_TO",
            node_id,
            principal.arn,
            scan_id,
            f"The trust policy of role {principal.name} says who may assume it.",
            attachment="trust",
        )


def _access_key_ids(principal: Principal) -> list[str]:
    """Return the principal's access key ids, which are identifiers, not secrets.

    Keys read only from the credential report are named by their slot
    (`access_key_1`), which identifies nothing, so they are left out.
    """
    return sorted(
        {
            key.key_id
            for key in principal.access_keys
            if key.key_id and not key.key_id.startswith("access_key_")
        }
    )


def _last_used(principal: Principal) -> str:
    """Return the latest use of the principal or any of its credentials."""
    candidates = [principal.last_used, principal.password_last_used]
    candidates.extend(key.last_used for key in principal.access_keys)
    latest: tuple[datetime, str] | None = None
    for text in candidates:
        parsed = parse_aws_time(text)
        if parsed is not None and (latest is None or parsed > latest[0]):
            latest = (parsed, text)
    return latest[1] if latest else ""


def _add_managed_policy_node(
    records: GraphRecords, policy: ManagedPolicy, scan_id: str
) -> None:
    owner = "" if policy.is_aws_managed else policy.account_id
    _add_policy_node(
        records,
        policy.arn,
        kind="managed_policy",
        native_type="AWS::IAM::ManagedPolicy",
        name=policy.name,
        account_id=owner,
        document=policy.document,
        attrs={
            "aws_managed": policy.is_aws_managed,
            "default_version_id": policy.default_version_id,
            "version_ids": sorted(policy.versions),
            "path": policy.path,
        },
        scan_id=scan_id,
    )
    if owner:
        _add_account(records, owner, scan_id)
        _add_fact_edge(
            records,
            "IN_ACCOUNT",
            policy.arn,
            ids.account_id_node(owner),
            scan_id,
            f"Managed policy {policy.name} belongs to account {owner}.",
        )


def _add_policy_node(
    records: GraphRecords,
    node_id: str,
    *,
    kind: str,
    native_type: str,
    name: str,
    account_id: str,
    document: Any,
    attrs: dict[str, Any],
    scan_id: str,
) -> None:
    records.add_node(
        "Policy",
        node_id,
        cloud="aws",
        type=kind,
        native_type=native_type,
        name=name,
        account_id=account_id,
        region="",
        tags="{}",
        attrs=to_json_text(attrs),
        scan_id=scan_id,
        document=to_json_text(document),
    )


def _add_scp_nodes(estate: AwsEstate, records: GraphRecords, scan_id: str) -> None:
    organization = estate.organization
    if organization is None:
        return
    for scp in organization.scps:
        node_id = ids.scp_node(scp.id)
        _add_policy_node(
            records,
            node_id,
            kind="scp",
            native_type="AWS::Organizations::Policy",
            name=scp.name,
            account_id=organization.management_account_id,
            document=scp.document,
            attrs={"arn": scp.arn, "targets": scp.target_ids},
            scan_id=scan_id,
        )
        for target_id in scp.target_ids:
            target_node = _scp_target_node(estate, records, target_id, scan_id)
            if target_node is None:
                logger.warning(
                    "SCP %s targets %s, which has no node in the graph",
                    scp.id,
                    target_id,
                )
                continue
            _add_fact_edge(
                records,
                "ATTACHED_TO",
                node_id,
                target_node,
                scan_id,
                f"Service control policy {scp.name} applies to {target_id}.",
                attachment="scp",
            )


def _scp_target_node(
    estate: AwsEstate, records: GraphRecords, target_id: str, scan_id: str
) -> str | None:
    if target_id.isdigit():
        _add_account(records, target_id, scan_id)
        return ids.account_id_node(target_id)
    node_id = ids.organization_unit_node(target_id)
    return node_id if node_id in records.nodes else None
