"""The graph model, declared once.

Every node has exactly one label (queries stay portable between LadybugDB and
Neo4j) and a provider-neutral `type` property. The LadybugDB DDL, the Neo4j
constraints and indexes, the linter schema and the record validation are all
generated from the declarations below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Column types, named as LadybugDB names them. Neo4j is schemaless, so these
# only drive LadybugDB's DDL and the validation of records before loading.
STRING = "STRING"
BOOLEAN = "BOOLEAN"
INT64 = "INT64"
DOUBLE = "DOUBLE"
STRING_LIST = "STRING[]"


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NodeLabel:
    name: str
    description: str
    properties: tuple[Property, ...]

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)


@dataclass(frozen=True)
class EdgeType:
    name: str
    description: str
    derived: bool
    endpoints: tuple[tuple[str, str], ...]
    properties: tuple[Property, ...]

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)


# --- node properties -------------------------------------------------------

_COMMON_NODE_PROPERTIES = (
    Property(
        "id",
        STRING,
        "Globally unique, stable id: ARN, ARM id, GCP full resource name, or a synthetic id such as `aws:account_admin:123456789012`.",
    ),
    Property(
        "cloud", STRING, "Provider: aws, azure, gcp, or none for the Internet node."
    ),
    Property(
        "type",
        STRING,
        "Provider-neutral kind, for example role, object_storage, security_group.",
    ),
    Property(
        "native_type",
        STRING,
        "The provider's own type name, for example AWS::IAM::Role or Microsoft.Storage/storageAccounts.",
    ),
    Property("name", STRING, "Short human-readable name."),
    Property(
        "account_id",
        STRING,
        "Id of the owning Account node's native account (AWS account id, subscription id, project id).",
    ),
    Property("region", STRING, "Region or location, empty for global things."),
    Property("tags", STRING, "Provider tags or labels as a JSON object string."),
    Property(
        "attrs",
        STRING,
        "Other attributes as a JSON object string; never holds secret values.",
    ),
    Property("scan_id", STRING, "Id of the scan that wrote this node."),
)

ACCOUNT = NodeLabel(
    "Account",
    "A boundary of ownership: AWS account or organizational unit, Azure tenant, management group or subscription, GCP organization, folder or project.",
    (
        *_COMMON_NODE_PROPERTIES,
        Property(
            "parent_id",
            STRING,
            "Id of the parent Account node in the hierarchy, empty at the root.",
        ),
    ),
)

IDENTITY = NodeLabel(
    "Identity",
    "Anything that can act or be impersonated: users, roles, groups, service accounts, managed identities, the anonymous principal, external principals and each account's `account_admin` pseudo-identity.",
    (
        *_COMMON_NODE_PROPERTIES,
        Property(
            "is_admin",
            BOOLEAN,
            "True when the identity's own effective permissions amount to full control of its account.",
        ),
        Property(
            "console_access",
            BOOLEAN,
            "True when the identity can sign in to the provider's console with a password; null when unknown.",
        ),
        Property(
            "mfa_enabled",
            BOOLEAN,
            "True when an MFA device is registered; null when unknown.",
        ),
        Property(
            "last_used",
            STRING,
            "ISO 8601 time the identity or its credentials were last used; empty when never or unknown.",
        ),
        Property(
            "days_inactive",
            INT64,
            "Whole days between last use (or creation when never used) and the scan; null when unknown.",
        ),
        Property(
            "active_keys",
            INT64,
            "Number of active long-lived access keys; null when unknown.",
        ),
    ),
)

RESOURCE = NodeLabel(
    "Resource",
    "Things that hold data or run code: object storage, databases, secrets, keys, virtual machines, functions, load balancers.",
    (
        *_COMMON_NODE_PROPERTIES,
        Property(
            "public",
            BOOLEAN,
            "True when a resource policy, ACL or setting grants access to anonymous or any authenticated principal.",
        ),
        Property(
            "encrypted",
            BOOLEAN,
            "True when encryption at rest is enabled; null when unknown or not applicable.",
        ),
        Property(
            "sensitivity",
            STRING,
            "low, medium, high or critical: the impact of compromise, from tags, names and classification hints.",
        ),
        Property(
            "public_ip",
            STRING,
            "Public address of compute or a load balancer, empty when none.",
        ),
    ),
)

NETWORK = NodeLabel(
    "Network",
    "What decides reachability: VPCs, subnets, security groups, NSGs, firewall rules, route tables.",
    (
        *_COMMON_NODE_PROPERTIES,
        Property(
            "cidrs",
            STRING_LIST,
            "Address ranges of the network, or the source ranges a rule admits.",
        ),
    ),
)

POLICY = NodeLabel(
    "Policy",
    "Permission documents kept for explanation: managed and inline policies, role definitions, IAM bindings, SCPs.",
    (
        *_COMMON_NODE_PROPERTIES,
        Property(
            "document", STRING, "The policy document or role definition as JSON text."
        ),
    ),
)

INTERNET = NodeLabel(
    "Internet",
    "The one entry point from outside every estate; its id is `internet`.",
    _COMMON_NODE_PROPERTIES,
)

NODE_LABELS: tuple[NodeLabel, ...] = (
    ACCOUNT,
    IDENTITY,
    RESOURCE,
    NETWORK,
    POLICY,
    INTERNET,
)

# --- edge properties -------------------------------------------------------

_COMMON_EDGE_PROPERTIES = (
    Property("scan_id", STRING, "Id of the scan that wrote this edge."),
    Property(
        "reason",
        STRING,
        "One sentence that explains the edge, for reading a path aloud.",
    ),
    Property(
        "evidence",
        STRING,
        "JSON list of evidence items: policy and statement, trust policy, rule, route or setting behind the edge.",
    ),
)

_DERIVED_EDGE_PROPERTIES = (
    *_COMMON_EDGE_PROPERTIES,
    Property(
        "conditional",
        BOOLEAN,
        "True when the edge depends on a condition the snapshot cannot decide; the condition is in the evidence.",
    ),
)

_ALL_NODE_LABELS = tuple(label.name for label in NODE_LABELS)


def _pairs(
    sources: Iterable[str], targets: Iterable[str]
) -> tuple[tuple[str, str], ...]:
    target_list = list(targets)
    return tuple((s, t) for s in sources for t in target_list)


IN_ACCOUNT = EdgeType(
    "IN_ACCOUNT",
    "The source belongs to the target account; between Accounts, the child is inside the parent (OU, folder, management group).",
    False,
    _pairs(("Identity", "Resource", "Network", "Policy", "Account"), ("Account",)),
    _COMMON_EDGE_PROPERTIES,
)
MEMBER_OF = EdgeType(
    "MEMBER_OF",
    "The source identity is a member of the target group.",
    False,
    (("Identity", "Identity"),),
    _COMMON_EDGE_PROPERTIES,
)
ATTACHED_TO = EdgeType(
    "ATTACHED_TO",
    "The source policy is attached to, or bound on, the target.",
    False,
    _pairs(("Policy",), ("Identity", "Resource", "Account")),
    (
        *_COMMON_EDGE_PROPERTIES,
        Property(
            "attachment",
            STRING,
            "How the policy applies: managed, inline, boundary, trust, resource, scp, role_assignment, binding.",
        ),
    ),
)
RUNS_AS = EdgeType(
    "RUNS_AS",
    "Code running on the source resource acts with the target identity's permissions (instance profile, execution role, managed identity, service account).",
    False,
    (("Resource", "Identity"),),
    _COMMON_EDGE_PROPERTIES,
)
PROTECTED_BY = EdgeType(
    "PROTECTED_BY",
    "The source resource is guarded by the target security group, NSG or firewall rule.",
    False,
    (("Resource", "Network"),),
    _COMMON_EDGE_PROPERTIES,
)
IN_NETWORK = EdgeType(
    "IN_NETWORK",
    "The source sits in the target network (instance in subnet, subnet in VPC).",
    False,
    _pairs(("Resource", "Network"), ("Network",)),
    _COMMON_EDGE_PROPERTIES,
)
ENCRYPTED_WITH = EdgeType(
    "ENCRYPTED_WITH",
    "The source resource's data is encrypted with the target key.",
    False,
    (("Resource", "Resource"),),
    _COMMON_EDGE_PROPERTIES,
)
CAN_ASSUME = EdgeType(
    "CAN_ASSUME",
    "The source identity can become the target identity (trust policy, impersonation, federation).",
    True,
    (("Identity", "Identity"),),
    _DERIVED_EDGE_PROPERTIES,
)
CAN_ESCALATE = EdgeType(
    "CAN_ESCALATE",
    "The source identity can gain the target identity's rights through a known privilege-escalation technique.",
    True,
    (("Identity", "Identity"),),
    (
        *_DERIVED_EDGE_PROPERTIES,
        Property(
            "technique",
            STRING,
            "Id of the escalation technique in the catalog, for example aws-iam-create-policy-version.",
        ),
    ),
)
CAN_ACCESS = EdgeType(
    "CAN_ACCESS",
    "The source identity can act on the target resource after allows, denies, boundaries, SCPs and resource policies combine.",
    True,
    (("Identity", "Resource"),),
    (
        *_DERIVED_EDGE_PROPERTIES,
        Property("level", STRING, "read, write or admin."),
        Property(
            "actions",
            STRING_LIST,
            "The allowed actions behind the edge, as the provider names them.",
        ),
    ),
)
EXPOSED_TO = EdgeType(
    "EXPOSED_TO",
    "The internet reaches the target: a resource through a public address and open rules, or an identity anyone can act as.",
    True,
    (("Internet", "Resource"), ("Internet", "Identity")),
    (
        *_DERIVED_EDGE_PROPERTIES,
        Property(
            "ports",
            STRING_LIST,
            "Ports or ranges open to the internet, for example 22 or 8000-8080; `all` for every port.",
        ),
        Property("protocol", STRING, "tcp, udp, icmp or all."),
        Property(
            "cidrs",
            STRING_LIST,
            "Source ranges that make the exposure, for example 0.0.0.0/0 and ::/0.",
        ),
    ),
)

EDGE_TYPES: tuple[EdgeType, ...] = (
    IN_ACCOUNT,
    MEMBER_OF,
    ATTACHED_TO,
    RUNS_AS,
    PROTECTED_BY,
    IN_NETWORK,
    ENCRYPTED_WITH,
    CAN_ASSUME,
    CAN_ESCALATE,
    CAN_ACCESS,
    EXPOSED_TO,
)

NODE_LABELS_BY_NAME = {label.name: label for label in NODE_LABELS}
EDGE_TYPES_BY_NAME = {edge.name: edge for edge in EDGE_TYPES}
DERIVED_EDGE_TYPES = tuple(edge.name for edge in EDGE_TYPES if edge.derived)

INTERNET_ID = "internet"

# Provider-neutral `type` values that rules rely on. Collectors may add more,
# but these are the ones with meaning across clouds.
ADMIN_IDENTITY_TYPE = "account_admin"
ANONYMOUS_IDENTITY_TYPE = "anonymous"
IDENTITY_TYPES = (
    "user",
    "role",
    "group",
    "service_account",
    "managed_identity",
    "service_principal",
    "anonymous",
    "external_account",
    "federated_provider",
    "service",
    ADMIN_IDENTITY_TYPE,
)
RESOURCE_TYPES = (
    "object_storage",
    "database",
    "secret",
    "kms_key",
    "virtual_machine",
    "function",
    "container_service",
    "load_balancer",
    "queue",
    "topic",
    "container_registry",
    "parameter",
    "kubernetes_cluster",
    "key_vault",
    "snapshot",
    "data_warehouse",
    "search_domain",
    "other",
)
SENSITIVITY_LEVELS = ("low", "medium", "high", "critical")
ACCESS_LEVELS = ("read", "write", "admin")
