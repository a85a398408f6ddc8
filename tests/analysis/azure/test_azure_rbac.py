"""RBAC evaluation: wildcards, notActions, scopes, groups, denies, catalog."""

from __future__ import annotations

from toxicpath.analysis.azure.rbac import RbacEvaluator, action_matches
from toxicpath.analysis.azure.roles import OWNER_ROLE, builtin_roles
from toxicpath.ingest.azure.estate import (
    AzureEstate,
    DenyAssignment,
    ManagementGroup,
    Permission,
    RoleAssignment,
    RoleDefinition,
    Subscription,
    parse_estate,
)
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

SUB = "/subscriptions/11111111-0000-0000-0000-000000000000"
RG = f"{SUB}/resourcegroups/rg1"
VM = f"{RG}/providers/microsoft.compute/virtualmachines/vm1"
RUN = "Microsoft.Compute/virtualMachines/runCommand/action"


def role(
    guid: str, actions: list[str], not_actions: list[str] | None = None
) -> RoleDefinition:
    return RoleDefinition(
        guid=guid,
        role_name=guid,
        role_type="CustomRole",
        permissions=[
            Permission(actions=tuple(actions), not_actions=tuple(not_actions or []))
        ],
    )


def assign(
    name: str, scope: str, role_guid: str, principal: str, condition: str = ""
) -> RoleAssignment:
    return RoleAssignment(
        id=f"{scope}/ra/{name}",
        scope=scope,
        role_guid=role_guid,
        principal_id=principal,
        condition=condition,
    )


def evaluator(
    *assignments: RoleAssignment, roles: list[RoleDefinition], **extra: object
) -> RbacEvaluator:
    estate = AzureEstate()
    estate.subscriptions["11111111-0000-0000-0000-000000000000"] = Subscription(
        subscription_id="11111111-0000-0000-0000-000000000000",
        management_group_id="/providers/microsoft.management/managementgroups/child",
    )
    estate.management_groups[
        "/providers/microsoft.management/managementgroups/child"
    ] = ManagementGroup(
        id="/providers/microsoft.management/managementgroups/child",
        name="child",
        display_name="child",
        parent_id="/providers/microsoft.management/managementgroups/root",
    )
    for assignment in assignments:
        estate.role_assignments[assignment.id] = assignment
    for key, value in extra.items():
        setattr(estate, key, value)
    return RbacEvaluator(estate, {r.guid: r for r in roles})


def test_wildcard_matches_case_insensitive() -> None:
    assert action_matches("Microsoft.Compute/*", RUN.lower())
    assert action_matches("*/read", "Microsoft.Storage/storageAccounts/read")
    assert not action_matches("*/read", "Microsoft.Storage/storageAccounts/write")
    assert action_matches("*", RUN)


def test_not_actions_remove_from_role() -> None:
    rbac = evaluator(
        assign("a", RG, "r1", "p1"),
        roles=[
            role(
                "r1",
                ["Microsoft.Compute/*"],
                ["Microsoft.Compute/virtualMachines/runCommand/*"],
            )
        ],
    )
    assert not rbac.decide("p1", RUN, VM).allowed
    assert rbac.decide("p1", "Microsoft.Compute/virtualMachines/read", VM).allowed


def test_not_actions_are_not_a_deny() -> None:
    rbac = evaluator(
        assign("a", RG, "r1", "p1"),
        assign("b", SUB, "r2", "p1"),
        roles=[role("r1", ["*"], [RUN]), role("r2", [RUN])],
    )
    assert rbac.decide("p1", RUN, VM).allowed


def test_grandparent_management_group_scope() -> None:
    root = "/providers/microsoft.management/managementgroups/root"
    rbac = evaluator(assign("a", root, "r1", "p1"), roles=[role("r1", [RUN])])
    assert rbac.decide("p1", RUN, VM).allowed


def test_sibling_scope_does_not_apply() -> None:
    other = f"{SUB}/resourcegroups/rg10"
    rbac = evaluator(assign("a", other, "r1", "p1"), roles=[role("r1", [RUN])])
    assert not rbac.decide("p1", RUN, VM).allowed


def test_group_membership_is_transitive() -> None:
    rbac = evaluator(
        assign("a", RG, "r1", "outer"),
        roles=[role("r1", [RUN])],
        group_members={"outer": {"inner"}, "inner": {"p1"}},
    )
    decision = rbac.decide("p1", RUN, VM)
    assert decision.allowed
    assert decision.grants[0].via_group == "outer"


def test_deny_child_scope_flag() -> None:
    deny = DenyAssignment(
        id="d1",
        name="d1",
        scope=RG,
        permissions=[Permission(actions=("*",))],
        principals=["p1"],
        exclude_principals=[],
        do_not_apply_to_child_scopes=True,
    )
    rbac = evaluator(
        assign("a", SUB, "r1", "p1"),
        roles=[role("r1", ["*"])],
        deny_assignments={"d1": deny},
    )
    assert rbac.decide("p1", RUN, VM).allowed
    assert not rbac.decide("p1", RUN, RG).allowed


def test_role_assignment_write_self_grants() -> None:
    rbac = evaluator(
        assign("a", RG, "r1", "p1"),
        roles=[role("r1", ["Microsoft.Authorization/roleAssignments/write"])],
    )
    decision = rbac.decide("p1", RUN, VM)
    assert decision.allowed
    assert decision.grants[0].self_granted


def test_condition_makes_grant_conditional() -> None:
    rbac = evaluator(
        assign("a", RG, "r1", "p1", condition="@Resource[x] StringEquals 'y'"),
        roles=[role("r1", [RUN])],
    )
    decision = rbac.decide("p1", RUN, VM)
    assert decision.allowed
    assert decision.conditional


def test_builtin_catalog_has_owner() -> None:
    roles = builtin_roles()
    assert len(roles) == 928
    assert roles[OWNER_ROLE].role_name == "Owner"
    assert roles[OWNER_ROLE].permissions[0].actions == ("*",)


def subscription_snapshot(role_actions: list[str], role_type: str) -> Snapshot:
    subscription = "/subscriptions/11111111-0000-0000-0000-000000000000"
    role = {
        "id": f"{subscription}/providers/Microsoft.Authorization/roleDefinitions/"
        "e0e0e0e0-0000-0000-0000-000000000001",
        "name": "e0e0e0e0-0000-0000-0000-000000000001",
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": "Role editor",
            "type": role_type,
            "assignableScopes": [subscription],
            "permissions": [{"actions": role_actions}],
        },
    }
    assignment = {
        "id": f"{subscription}/providers/Microsoft.Authorization/roleAssignments/ra1",
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "scope": subscription,
            "roleDefinitionId": "e0e0e0e0-0000-0000-0000-000000000001",
            "principalId": "p1",
            "principalType": "User",
        },
    }
    snapshot = Snapshot(kind="import")
    snapshot.add_response(
        RawResponse(
            cloud="azure",
            account="",
            region="",
            service="arm",
            operation="t",
            body={"value": [role, assignment]},
        )
    )
    return snapshot


def test_arm_role_definition_type_parsed() -> None:
    estate = parse_estate(subscription_snapshot(["*/read"], "CustomRole"))
    assert estate.role_definitions["e0e0e0e0-0000-0000-0000-000000000001"].is_custom


def escalation_techniques(snapshot: Snapshot) -> set[str]:
    admin = "azure:account_admin:11111111-0000-0000-0000-000000000000"
    graph = transform(snapshot)
    return {
        str(e.props["technique"])
        for e in graph.edges_of_type("CAN_ESCALATE")
        if e.source == "azure:principal:p1" and e.target == admin
    }


def test_custom_role_rewrite_reaches_admin() -> None:
    actions = ["*/read", "Microsoft.Authorization/roleDefinitions/write"]
    techniques = escalation_techniques(subscription_snapshot(actions, "CustomRole"))
    assert techniques == {"azure-role-definition-update"}


def test_builtin_role_rewrite_is_near_miss() -> None:
    actions = ["*/read", "Microsoft.Authorization/roleDefinitions/write"]
    assert escalation_techniques(subscription_snapshot(actions, "BuiltInRole")) == set()
