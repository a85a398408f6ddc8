"""Every rule fires on its minimal graph and stays silent on the near miss.

Each case builds the smallest estate that the rule should flag and a near
miss that differs in one fact. Both run on a real LadybugStore.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from estate_builder import ACCOUNT, OTHER_ACCOUNT, Estate

from toxicpath.graph.records import to_json_text
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import run_rules

VM = "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"
ROLE = "arn:aws:iam::111111111111:role/web"
ROLE_B = "arn:aws:iam::111111111111:role/ops"
USER = "arn:aws:iam::111111111111:user/alice"
GROUP = "arn:aws:iam::111111111111:group/admins"
BUCKET = "arn:aws:s3:::payroll"
DB = "arn:aws:rds:us-east-1:111111111111:db:orders"
SECRET = "arn:aws:secretsmanager:us-east-1:111111111111:secret:api"
SNAPSHOT = "arn:aws:ec2:us-east-1:111111111111:snapshot/snap-1"
EXTERNAL_ROOT = "arn:aws:iam::999999999999:root"
OIDC = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
SERVICE = "aws:service:lambda.amazonaws.com"
OTHER_USER = "arn:aws:iam::222222222222:user/bob"

Build = Callable[[Estate, bool], None]


@dataclass(frozen=True)
class Case:
    rule_id: str
    build: Build
    subject: str


def _exposed_vm(e: Estate, *, exposed: bool = True) -> None:
    e.resource(VM, type="virtual_machine")
    e.identity(ROLE)
    e.runs_as(VM, ROLE)
    if exposed:
        e.exposed(VM)
    else:
        e.internet()


def public_storage_admin(e: Estate, fire: bool) -> None:
    _exposed_vm(e)
    e.admin_identity(ROLE)
    e.resource(BUCKET, type="object_storage", public=fire)
    e.access(ROLE, BUCKET)


def exposed_compute_admin(e: Estate, fire: bool) -> None:
    _exposed_vm(e, exposed=fire)
    e.identity(ROLE_B)
    e.assume(ROLE, ROLE_B)
    e.escalate(ROLE_B, e.account_admin(), technique="aws-iam-create-policy-version")


def exposed_compute_data(e: Estate, fire: bool) -> None:
    _exposed_vm(e)
    e.identity(ROLE_B)
    e.assume(ROLE, ROLE_B)
    e.resource(DB, type="database", sensitivity="high" if fire else "low")
    e.access(ROLE_B, DB)


def identity_admin(e: Estate, fire: bool) -> None:
    e.identity(USER, type="user", is_admin=False)
    e.identity(ROLE_B)
    e.account_admin()
    e.escalate(USER, ROLE_B, technique="aws-iam-pass-role-lambda")
    if fire:
        e.escalate(ROLE_B, e.account_admin(), technique="admin")


def role_any_principal(e: Estate, fire: bool) -> None:
    e.identity(ROLE)
    e.assume(e.any_principal(), ROLE, conditional=not fire)


def cross_account_trust(e: Estate, fire: bool) -> None:
    e.identity(ROLE)
    e.identity(EXTERNAL_ROOT, type="external_account", account="999999999999")
    e.assume(EXTERNAL_ROOT, ROLE, conditional=not fire)


def federated_trust(e: Estate, fire: bool) -> None:
    e.identity(ROLE)
    e.identity(OIDC, type="federated_provider")
    evidence = (
        '[{"condition": "token.actions.githubusercontent.com:aud"}]'
        if fire
        else '[{"condition": "token.actions.githubusercontent.com:sub"}]'
    )
    e.assume(OIDC, ROLE, conditional=True, evidence=evidence)


def internet_data(e: Estate, fire: bool) -> None:
    e.resource(BUCKET, type="object_storage", sensitivity="critical")
    e.internet()
    anonymous = e.anonymous()
    if fire:
        e.access(anonymous, BUCKET)


def console_no_mfa_admin(e: Estate, fire: bool) -> None:
    e.identity(USER, type="user", console_access=True, mfa_enabled=not fire)
    e.assume(USER, e.admin_identity(ROLE_B))


def exposed_identity_secrets(e: Estate, fire: bool) -> None:
    _exposed_vm(e)
    e.resource(SECRET, type="secret" if fire else "queue")
    e.access(ROLE, SECRET)


def unencrypted_reachable(e: Estate, fire: bool) -> None:
    e.resource(DB, type="database", sensitivity="high", encrypted=not fire)
    e.exposed(DB, ports=("5432",))


def stale_admin(e: Estate, fire: bool) -> None:
    e.admin_identity(USER, type="user", days_inactive=400 if fire else 10)


@pytest.mark.parametrize(
    ("node_id", "kind", "days"), [(GROUP, "group", 400), (USER, "user", None)]
)
def test_stale_admin_needs_usage_data(
    load_store, node_id: str, kind: str, days: int | None
) -> None:
    estate = Estate()
    estate.admin_identity(node_id, type=kind, days_inactive=days)
    store = load_store(estate.records)
    rule = RULES["stale-admin-identity"]
    assert run_rules(store, [rule]).findings == []


def passable_service_role(e: Estate, fire: bool) -> None:
    e.identity(SERVICE, type="service", account="")
    e.admin_identity(ROLE_B)
    e.assume(SERVICE, ROLE_B)
    e.identity(USER, type="user", is_admin=False)
    # The AWS catalog names pass-role techniques by the service they use, so
    # the rule reads iam:PassRole from the edge's evidence.
    if fire:
        evidence = '[{"steps":[{"action":"iam:PassRole"}]}]'
        e.escalate(
            USER, ROLE_B, technique="aws-lambda-create-invoke", evidence=evidence
        )
    else:
        evidence = '[{"steps":[{"action":"iam:UpdateAssumeRolePolicy"}]}]'
        e.escalate(
            USER, ROLE_B, technique="aws-iam-update-assume-role", evidence=evidence
        )


def public_bucket(e: Estate, fire: bool) -> None:
    e.resource(BUCKET, type="object_storage", public=fire)


def public_database(e: Estate, fire: bool) -> None:
    e.resource(DB, type="database", public=False)
    if fire:
        e.exposed(DB, ports=("3306",))
    else:
        e.internet()


def admin_port(e: Estate, fire: bool) -> None:
    e.resource(VM, type="virtual_machine")
    e.exposed(VM, ports=("22", "443") if fire else ("443", "8443"))


def admin_user_keys(e: Estate, fire: bool) -> None:
    e.admin_identity(USER, type="user", active_keys=1 if fire else 0)


def user_direct_admin(e: Estate, fire: bool) -> None:
    # The near miss is admin only through a group it belongs to.
    e.admin_identity(GROUP, type="group")
    e.admin_identity(USER, type="user", own_policies_admin=fire)
    e.member_of(USER, GROUP)


def console_no_mfa(e: Estate, fire: bool) -> None:
    e.identity(USER, type="user", console_access=True, mfa_enabled=not fire)


def unencrypted_store(e: Estate, fire: bool) -> None:
    e.resource(DB, type="database", encrypted=not fire)


def public_write(e: Estate, fire: bool) -> None:
    e.resource(BUCKET, type="object_storage")
    e.access(e.anonymous(), BUCKET, level="write" if fire else "read")


def external_admin(e: Estate, fire: bool) -> None:
    e.admin_identity(ROLE_B)
    e.assume(e.any_principal(), ROLE_B if fire else ROLE)
    e.identity(ROLE)


def exposed_writes(e: Estate, fire: bool) -> None:
    _exposed_vm(e)
    e.resource(BUCKET, type="object_storage")
    e.access(ROLE, BUCKET, level="write" if fire else "read")


def all_ports(e: Estate, fire: bool) -> None:
    e.resource(VM, type="virtual_machine")
    e.exposed(VM, ports=("all",) if fire else ("80", "443"))


def public_secret(e: Estate, fire: bool) -> None:
    e.resource(SECRET, type="secret", public=fire)


def public_snapshot(e: Estate, fire: bool) -> None:
    e.resource(SNAPSHOT, type="snapshot", public=fire)


def stale_keys(e: Estate, fire: bool) -> None:
    e.identity(USER, type="user", active_keys=2, days_inactive=200 if fire else 3)


def group_admin(e: Estate, fire: bool) -> None:
    e.identity(USER, type="user")
    e.identity(GROUP, type="group", is_admin=fire)
    e.member_of(USER, GROUP)


def other_account_admin(e: Estate, fire: bool) -> None:
    e.identity(OTHER_USER, type="user", account=OTHER_ACCOUNT)
    account = ACCOUNT if fire else OTHER_ACCOUNT
    role = e.identity(f"arn:aws:iam::{account}:role/ops", account=account)
    e.assume(OTHER_USER, role)
    e.escalate(role, e.account_admin(account), technique="x")


REGISTRY = "arn:aws:ecr:us-east-1:111111111111:repository/app"
SOURCE_OWNER = (
    '[{"allowed_by":[{"undecided_condition":'
    '"StringEquals AWS:SourceOwner 111111111111"}]}]'
)


def public_registry(e: Estate, fire: bool) -> None:
    e.resource(REGISTRY, type="container_registry")
    e.access(e.any_principal(), REGISTRY, conditional=not fire)


def conditional_public(e: Estate, fire: bool) -> None:
    e.resource(REGISTRY, type="topic")
    e.access(
        e.any_principal(),
        REGISTRY,
        level="admin",
        conditional=fire,
        evidence=SOURCE_OWNER,
    )


def root_keys(e: Estate, fire: bool) -> None:
    attrs = to_json_text({"account_id": ACCOUNT, "root_access_keys_active": fire})
    e.records.add_node(
        "Account",
        f"aws:account:{ACCOUNT}",
        cloud="aws",
        type="aws_account",
        name=ACCOUNT,
        account_id=ACCOUNT,
        attrs=attrs,
    )


REDSHIFT = "arn:aws:redshift:us-east-1:111111111111:cluster:warehouse"
RDS_NATIVE = "AWS::RDS::DBInstance"


def rds_unencrypted(e: Estate, fire: bool) -> None:
    # The near miss is an unencrypted Redshift cluster: not an RDS instance.
    e.resource(DB, type="database", native_type=RDS_NATIVE, encrypted=not fire)
    e.resource(
        REDSHIFT,
        type="data_warehouse",
        native_type="AWS::Redshift::Cluster",
        encrypted=False,
    )


def rds_public(e: Estate, fire: bool) -> None:
    e.resource(DB, type="database", native_type=RDS_NATIVE, public=fire)
    e.resource(REDSHIFT, type="data_warehouse", native_type="AWS::Redshift::Cluster")
    e.exposed(REDSHIFT, ports=("5439",))


def user_direct_policies(e: Estate, fire: bool) -> None:
    # The near miss gets its policy through a group.
    policy = "arn:aws:iam::111111111111:policy/reports"
    e.identity(USER, type="user")
    e.identity(GROUP, type="group")
    e.member_of(USER, GROUP)
    e.records.add_node("Policy", policy, cloud="aws", type="managed_policy")
    e.records.add_edge(
        "ATTACHED_TO", policy, USER if fire else GROUP, attachment="managed"
    )


def anonymous_sensitive(e: Estate, fire: bool) -> None:
    e.resource(BUCKET, type="object_storage", sensitivity="critical" if fire else "low")
    e.access(e.anonymous(), BUCKET)


AZ_RG = "/subscriptions/s1/resourcegroups/rg-app"
AZ_VM = f"{AZ_RG}/providers/microsoft.compute/virtualmachines/vm-web"
AZ_MI = "azure:principal:mi-web"
AZ_STORAGE = f"{AZ_RG}/providers/microsoft.storage/storageaccounts/sadata"
AZ_VAULT = f"{AZ_RG}/providers/microsoft.keyvault/vaults/kv-app"
AZ_USER = "azure:principal:carol"
AZ_SP = "azure:principal:sp-deploy"
AZ_MG = "/providers/microsoft.management/managementgroups/mg-prod"
AZ_OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
AZ_MG_ASSIGNMENT = f"{AZ_MG}/providers/microsoft.authorization/roleassignments/ra-1"
LIST_KEYS = "Microsoft.Storage/storageAccounts/listkeys/action"


def _azure_node(
    e: Estate, label: str, node_id: str, *, type: str, attrs: dict | None = None
) -> str:
    """Add a node shaped like the Azure analysis writes it, attrs as JSON text."""
    e.records.add_node(
        label,
        node_id,
        cloud="azure",
        type=type,
        name=node_id.rsplit("/", 1)[-1],
        account_id="s1",
        attrs=to_json_text(attrs or {}),
    )
    return node_id


def _azure_access(e: Estate, source: str, target: str, *, action: str) -> None:
    e.records.add_edge(
        "CAN_ACCESS",
        source,
        target,
        level="admin",
        actions=[action],
        conditional=False,
    )


def _role_assignment(e: Estate, principal: str, *, scope: str, role_id: str) -> str:
    node_id = (
        f"{scope.rstrip('/')}/providers/microsoft.authorization/roleassignments/ra-1"
    )
    document = {"principalId": principal, "roleDefinitionId": role_id, "scope": scope}
    e.records.add_node(
        "Policy",
        node_id,
        cloud="azure",
        type="role_assignment",
        name=f"role {role_id} at {scope}",
        document=to_json_text(document),
    )
    e.records.add_edge("ATTACHED_TO", node_id, principal, attachment="role_assignment")
    return node_id


def azure_storage_keys(e: Estate, fire: bool, *, action: str = LIST_KEYS) -> None:
    _azure_node(e, "Resource", AZ_VM, type="virtual_machine")
    _azure_node(e, "Identity", AZ_MI, type="managed_identity")
    e.runs_as(AZ_VM, AZ_MI)
    e.exposed(AZ_VM)
    attrs = {"allowSharedKeyAccess": fire}
    _azure_node(e, "Resource", AZ_STORAGE, type="object_storage", attrs=attrs)
    _azure_access(e, AZ_MI, AZ_STORAGE, action=action)


def azure_vault_self_grant(e: Estate, fire: bool) -> None:
    _azure_node(e, "Identity", AZ_USER, type="user")
    attrs = {"enableRbacAuthorization": not fire}
    _azure_node(e, "Resource", AZ_VAULT, type="key_vault", attrs=attrs)
    _azure_access(e, AZ_USER, AZ_VAULT, action="Microsoft.KeyVault/vaults/write")


def azure_blob_public_allowed(e: Estate, fire: bool) -> None:
    attrs = {"allowBlobPublicAccess": fire, "allowSharedKeyAccess": False}
    _azure_node(e, "Resource", AZ_STORAGE, type="object_storage", attrs=attrs)


def azure_mg_admin_sp(e: Estate, fire: bool) -> None:
    _azure_node(e, "Identity", AZ_SP, type="service_principal")
    scope = AZ_MG if fire else "/subscriptions/s1"
    _role_assignment(e, AZ_SP, scope=scope, role_id=AZ_OWNER_ROLE)


CASES = (
    Case("public-storage-read-by-exposed-admin-compute", public_storage_admin, BUCKET),
    Case("exposed-compute-reaches-account-admin", exposed_compute_admin, VM),
    Case("exposed-compute-reaches-sensitive-data", exposed_compute_data, DB),
    Case("identity-reaches-account-admin", identity_admin, USER),
    Case("role-trusts-any-principal", role_any_principal, ROLE),
    Case("cross-account-trust-without-condition", cross_account_trust, ROLE),
    Case("federated-trust-without-subject-condition", federated_trust, ROLE),
    Case("internet-reaches-sensitive-data", internet_data, BUCKET),
    Case("console-user-without-mfa-reaches-admin", console_no_mfa_admin, USER),
    Case("exposed-identity-reads-secrets", exposed_identity_secrets, SECRET),
    Case("unencrypted-sensitive-store-internet-reachable", unencrypted_reachable, DB),
    Case("stale-admin-identity", stale_admin, USER),
    Case("service-role-passable-by-non-admins", passable_service_role, ROLE_B),
    Case("public-object-storage", public_bucket, BUCKET),
    Case("public-database", public_database, DB),
    Case("admin-port-open-to-internet", admin_port, VM),
    Case("admin-user-with-access-keys", admin_user_keys, USER),
    Case("user-with-direct-admin", user_direct_admin, USER),
    Case("console-user-without-mfa", console_no_mfa, USER),
    Case("unencrypted-data-store", unencrypted_store, DB),
    Case("public-write-access", public_write, BUCKET),
    Case(
        "external-principal-reaches-account-admin",
        external_admin,
        f"aws:account_admin:{ACCOUNT}",
    ),
    Case("exposed-compute-writes-storage", exposed_writes, BUCKET),
    Case("compute-open-on-all-ports", all_ports, VM),
    Case("public-secret-or-key", public_secret, SECRET),
    Case("public-snapshot", public_snapshot, SNAPSHOT),
    Case("stale-access-keys", stale_keys, USER),
    Case("group-grants-admin", group_admin, GROUP),
    Case("identity-reaches-other-account-admin", other_account_admin, OTHER_USER),
    Case("anonymous-reads-sensitive-data", anonymous_sensitive, BUCKET),
    Case("public-resource", public_registry, REGISTRY),
    Case("aws-rds-unencrypted", rds_unencrypted, DB),
    Case("aws-rds-public", rds_public, DB),
    Case("aws-user-with-direct-policies", user_direct_policies, USER),
    Case("aws-root-access-keys-active", root_keys, f"aws:account:{ACCOUNT}"),
    Case("conditional-public-access", conditional_public, REGISTRY),
    Case("azure-storage-keys-reachable-from-internet", azure_storage_keys, AZ_STORAGE),
    Case("azure-key-vault-access-policy-self-grant", azure_vault_self_grant, AZ_VAULT),
    Case(
        "azure-storage-public-blob-access-allowed",
        azure_blob_public_allowed,
        AZ_STORAGE,
    ),
    Case(
        "azure-management-group-admin-service-principal",
        azure_mg_admin_sp,
        AZ_MG_ASSIGNMENT,
    ),
)

RULES = {rule.id: rule for rule in load_rules()}


def _run(load_store, case: Case, *, fire: bool) -> list[str]:
    estate = Estate()
    case.build(estate, fire)
    store = load_store(estate.records)
    result = run_rules(store, [RULES[case.rule_id]])
    assert result.failures == []
    return [f.resource_id for f in result.findings]


def test_every_rule_has_a_case() -> None:
    cased = {case.rule_id for case in CASES}
    assert cased <= set(RULES)
    # Rules for one cloud may be tested with that cloud's recorded estate.
    tests_root = Path(__file__).resolve().parents[1]
    other_tests = "".join(
        path.read_text(encoding="utf-8")
        for path in tests_root.rglob("test_*.py")
        if path.resolve() != Path(__file__).resolve()
    )
    untested = sorted(r for r in RULES if r not in cased and r not in other_tests)
    assert untested == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule_id)
def test_rule_fires_on_minimal_graph(load_store, case: Case) -> None:
    assert case.subject in _run(load_store, case, fire=True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule_id)
def test_rule_silent_on_near_miss(load_store, case: Case) -> None:
    assert _run(load_store, case, fire=False) == []


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if RULES[c.rule_id].metadata.kind == "path"],
    ids=lambda c: c.rule_id,
)
def test_path_rule_findings_carry_path(load_store, case: Case) -> None:
    estate = Estate()
    case.build(estate, True)
    store = load_store(estate.records)
    finding = run_rules(store, [RULES[case.rule_id]]).findings[0]
    assert (
        finding.path.node_ids[0] == "internet"
        or finding.path.node_ids[0] == finding.resource_id
    )
    assert len(finding.path.edge_types) == len(finding.path.node_ids) - 1


def test_zero_hop_segment_path_shape(load_store) -> None:
    estate = Estate()
    _exposed_vm(estate)
    estate.resource(DB, type="database", sensitivity="high")
    estate.access(ROLE, DB)
    store = load_store(estate.records)
    rule = RULES["exposed-compute-reaches-sensitive-data"]
    [finding] = run_rules(store, [rule]).findings
    assert finding.path.node_ids == ("internet", VM, ROLE, DB)
    assert finding.path.edge_types == ("EXPOSED_TO", "RUNS_AS", "CAN_ACCESS")


def test_parent_account_identity_not_lateral(load_store) -> None:
    tenant, subscription = "tenant-1", "sub-1"
    estate = Estate()
    estate.records.add_node("Account", "azure:tenant:tenant-1", account_id=tenant)
    estate.records.add_node("Account", "/subscriptions/sub-1", account_id=subscription)
    estate.records.add_edge(
        "IN_ACCOUNT", "/subscriptions/sub-1", "azure:tenant:tenant-1"
    )
    user = estate.identity("azure:principal:alice", type="user", account=tenant)
    estate.escalate(user, estate.account_admin(subscription), technique="azure-owner")
    store = load_store(estate.records)
    rule = RULES["identity-reaches-other-account-admin"]
    assert run_rules(store, [rule]).findings == []


def test_storage_keys_rule_needs_list_keys(load_store) -> None:
    estate = Estate()
    blob_read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
    azure_storage_keys(estate, True, action=blob_read)
    store = load_store(estate.records)
    rule = RULES["azure-storage-keys-reachable-from-internet"]
    assert run_rules(store, [rule]).findings == []


@pytest.mark.parametrize("escalates", [True, False])
def test_management_group_custom_role(load_store, escalates: bool) -> None:
    estate = Estate()
    _azure_node(estate, "Identity", AZ_SP, type="service_principal")
    custom_role = "c0570000-0000-0000-0000-00000000c001"
    assignment = _role_assignment(estate, AZ_SP, scope=AZ_MG, role_id=custom_role)
    if escalates:
        estate.identity("azure:account_admin:s1", type="account_admin", account="s1")
        evidence = to_json_text([{"assignment": assignment, "scope": AZ_MG}])
        estate.escalate(
            AZ_SP,
            "azure:account_admin:s1",
            technique="azure-role-assignment-write",
            evidence=evidence,
        )
    store = load_store(estate.records)
    rule = RULES["azure-management-group-admin-service-principal"]
    found = [f.resource_id for f in run_rules(store, [rule]).findings]
    assert found == ([assignment] if escalates else [])


def test_management_group_rule_root_scope(load_store) -> None:
    estate = Estate()
    _azure_node(estate, "Identity", AZ_SP, type="service_principal")
    assignment = _role_assignment(estate, AZ_SP, scope="/", role_id=AZ_OWNER_ROLE)
    store = load_store(estate.records)
    rule = RULES["azure-management-group-admin-service-principal"]
    found = [f.resource_id for f in run_rules(store, [rule]).findings]
    assert found == [assignment]


@pytest.mark.parametrize(
    ("rule_id", "resource_type", "level", "sensitivity"),
    [
        ("public-write-access", "object_storage", "write", "low"),
        ("anonymous-reads-sensitive-data", "object_storage", "read", "critical"),
        ("public-object-storage", "object_storage", "read", "low"),
        ("public-secret-or-key", "secret", "read", "low"),
        ("public-resource", "topic", "read", "low"),
    ],
)
def test_public_rules_skip_conditional_access(
    load_store, rule_id: str, resource_type: str, level: str, sensitivity: str
) -> None:
    estate = Estate()
    estate.resource(BUCKET, type=resource_type, sensitivity=sensitivity)
    estate.access(estate.anonymous(), BUCKET, level=level, conditional=True)
    store = load_store(estate.records)
    assert run_rules(store, [RULES[rule_id]]).findings == []


def test_conditional_public_access_lists_conditions(load_store) -> None:
    estate = Estate()
    conditional_public(estate, True)
    store = load_store(estate.records)
    rule = RULES["conditional-public-access"]
    [finding] = run_rules(store, [rule]).findings
    assert "AWS:SourceOwner" in str(finding.evidence["conditions"])


def test_public_resource_leaves_write_to_its_rule(load_store) -> None:
    estate = Estate()
    estate.resource(REGISTRY, type="queue", public=True)
    estate.access(estate.any_principal(), REGISTRY, level="write")
    store = load_store(estate.records)
    assert run_rules(store, [RULES["public-resource"]]).findings == []


def test_all_ports_ignores_protocol_all(load_store) -> None:
    # AWS edges set protocol `all` when tcp 22 and udp 53 are both open.
    estate = Estate()
    estate.resource(VM, type="virtual_machine")
    estate.internet()
    estate.records.add_edge(
        "EXPOSED_TO",
        "internet",
        VM,
        ports=["22", "53"],
        protocol="all",
        cidrs=["0.0.0.0/0"],
        conditional=False,
    )
    store = load_store(estate.records)
    assert run_rules(store, [RULES["compute-open-on-all-ports"]]).findings == []
