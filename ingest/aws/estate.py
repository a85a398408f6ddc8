"""Parsed AWS configuration: what the analysis reads.

The parser (`toxicpath.ingest.aws.parse`) builds an AwsEstate from raw API
responses, and `toxicpath.analysis.aws` derives graph records from it. Policy
documents stay as the provider's JSON (dicts) so the evaluator sees exactly
what AWS would. Nothing here holds a secret value: Lambda environment
variables are kept by name only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PolicyDocument = dict[str, Any]


@dataclass
class ManagedPolicy:
    arn: str
    name: str
    account_id: str  # "aws" for AWS managed policies
    default_version_id: str
    versions: dict[str, PolicyDocument] = field(default_factory=dict)
    path: str = "/"
    attachment_count: int | None = None

    @property
    def document(self) -> PolicyDocument:
        """The default version's document, or an empty policy when missing."""
        return self.versions.get(self.default_version_id, {"Statement": []})

    @property
    def is_aws_managed(self) -> bool:
        return self.arn.startswith("arn:aws:iam::aws:policy/")


@dataclass
class AccessKey:
    key_id: str
    status: str  # Active or Inactive
    created: str = ""
    last_used: str = ""


@dataclass
class Principal:
    """An IAM user, group or role with its directly attached policies."""

    arn: str
    name: str
    kind: str  # user, group, role
    account_id: str
    id: str = ""
    path: str = "/"
    created: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    managed_policy_arns: list[str] = field(default_factory=list)
    inline_policies: dict[str, PolicyDocument] = field(default_factory=dict)
    permissions_boundary_arn: str | None = None
    # users
    group_names: list[str] = field(default_factory=list)
    console_access: bool | None = None
    mfa_enabled: bool | None = None
    password_last_used: str = ""
    access_keys: list[AccessKey] = field(default_factory=list)
    # roles
    trust_policy: PolicyDocument | None = None
    instance_profile_arns: list[str] = field(default_factory=list)
    last_used: str = ""
    max_session_duration: int | None = None


@dataclass
class InstanceProfile:
    arn: str
    name: str
    role_arns: list[str] = field(default_factory=list)


@dataclass
class IdentityProvider:
    arn: str
    kind: str  # saml or oidc
    url: str = ""
    client_ids: list[str] = field(default_factory=list)


@dataclass
class SecurityGroupRule:
    protocol: str  # tcp, udp, icmp, icmpv6, all
    from_port: int | None  # None means all ports
    to_port: int | None
    cidrs: list[str] = field(default_factory=list)  # IPv4 and IPv6 ranges
    source_group_ids: list[str] = field(default_factory=list)
    prefix_list_ids: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class SecurityGroup:
    id: str
    name: str
    account_id: str
    region: str
    vpc_id: str = ""
    ingress: list[SecurityGroupRule] = field(default_factory=list)
    egress: list[SecurityGroupRule] = field(default_factory=list)


@dataclass
class Subnet:
    id: str
    account_id: str
    region: str
    vpc_id: str
    cidr: str = ""
    ipv6_cidrs: list[str] = field(default_factory=list)
    map_public_ip: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class Vpc:
    id: str
    account_id: str
    region: str
    cidrs: list[str] = field(default_factory=list)
    is_default: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class RouteTable:
    id: str
    account_id: str
    region: str
    vpc_id: str
    subnet_ids: list[str] = field(default_factory=list)
    is_main: bool = False
    # Each route: destination CIDR and target id (igw-, nat-, pcx-, local, ...).
    routes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class NetworkAcl:
    id: str
    account_id: str
    region: str
    vpc_id: str
    subnet_ids: list[str] = field(default_factory=list)
    # Each entry: (rule number, egress?, protocol, from, to, cidr, allow?)
    entries: list[tuple[int, bool, str, int | None, int | None, str, bool]] = field(
        default_factory=list
    )


@dataclass
class Instance:
    id: str
    arn: str
    account_id: str
    region: str
    state: str = ""
    name: str = ""
    public_ip: str = ""
    public_ipv6: list[str] = field(default_factory=list)
    private_ip: str = ""
    subnet_id: str = ""
    vpc_id: str = ""
    security_group_ids: list[str] = field(default_factory=list)
    instance_profile_arn: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    metadata_http_tokens: str = ""  # "required" means IMDSv2 only
    # True when SSM lists the instance as managed (ssm:SendCommand reaches it);
    # None when describe-instance-information was not read.
    ssm_managed: bool | None = None


@dataclass
class Listener:
    port: int
    protocol: str
    instance_port: int | None = None


@dataclass
class LoadBalancer:
    arn: str
    name: str
    kind: str  # classic, application, network, gateway
    account_id: str
    region: str
    scheme: str  # internet-facing or internal
    dns_name: str = ""
    vpc_id: str = ""
    subnet_ids: list[str] = field(default_factory=list)
    security_group_ids: list[str] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)
    target_instance_ids: list[str] = field(default_factory=list)


@dataclass
class AclGrant:
    grantee_type: str  # CanonicalUser, Group, AmazonCustomerByEmail
    grantee: str  # canonical id, group URI or email
    permission: str  # READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL


@dataclass
class PublicAccessBlock:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False


@dataclass
class Bucket:
    name: str
    account_id: str
    region: str
    policy: PolicyDocument | None = None
    acl_grants: list[AclGrant] = field(default_factory=list)
    owner_id: str = ""
    public_access_block: PublicAccessBlock | None = None
    encrypted: bool | None = None
    kms_key_arn: str | None = None
    versioning: str = ""
    logging_enabled: bool | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # True when Object Ownership is BucketOwnerEnforced: ACLs then grant nothing.
    acls_disabled: bool | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass
class LambdaFunction:
    arn: str
    name: str
    account_id: str
    region: str
    role_arn: str = ""
    runtime: str = ""
    resource_policy: PolicyDocument | None = None
    url_auth_type: str | None = None  # NONE or AWS_IAM when a function URL exists
    environment_variable_names: list[str] = field(default_factory=list)
    vpc_id: str = ""
    subnet_ids: list[str] = field(default_factory=list)
    security_group_ids: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class DbInstance:
    arn: str
    id: str
    account_id: str
    region: str
    engine: str = ""
    publicly_accessible: bool = False
    encrypted: bool | None = None
    kms_key_arn: str | None = None
    endpoint: str = ""
    port: int | None = None
    vpc_id: str = ""
    subnet_ids: list[str] = field(default_factory=list)
    security_group_ids: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    kind: str = "rds"  # rds, redshift, elasticsearch
    # Resource policy: the access policy of an Elasticsearch/OpenSearch domain.
    policy: PolicyDocument | None = None
    # IAM roles the database can assume (Redshift, RDS feature roles).
    role_arns: list[str] = field(default_factory=list)


@dataclass
class PolicyResource:
    """Any other resource guarded by a resource policy or worth a node: SQS, SNS,
    ECR, Secrets Manager, KMS, DynamoDB, SSM parameters, ECS task definitions,
    EKS clusters, RDS snapshots and the like."""

    arn: str
    name: str
    kind: (
        str  # secret, kms_key, queue, topic, container_registry, table, parameter, ...
    )
    account_id: str
    region: str
    policy: PolicyDocument | None = None
    encrypted: bool | None = None
    kms_key_arn: str | None = None
    public: bool | None = None  # set when a non-policy setting makes it public
    role_arn: str | None = None  # the identity the resource runs as, if any
    attributes: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class ServiceControlPolicy:
    id: str
    arn: str
    name: str
    document: PolicyDocument
    target_ids: list[str] = field(default_factory=list)  # root, OU and account ids


@dataclass
class Organization:
    id: str
    management_account_id: str
    root_id: str = ""
    # child id -> parent id, for accounts and OUs
    parents: dict[str, str] = field(default_factory=dict)
    account_names: dict[str, str] = field(default_factory=dict)
    scps: list[ServiceControlPolicy] = field(default_factory=list)


@dataclass
class AwsAccount:
    id: str
    name: str = ""
    account_public_access_block: PublicAccessBlock | None = None
    password_policy: dict[str, Any] | None = None
    # From the credential report's <root_account> row; None when not read.
    root_mfa_enabled: bool | None = None
    root_access_keys_active: bool | None = None
    root_password_last_used: str = ""


@dataclass
class AwsEstate:
    """Everything parsed from one or more AWS accounts."""

    accounts: dict[str, AwsAccount] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)  # by ARN
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)  # by ARN
    instance_profiles: dict[str, InstanceProfile] = field(default_factory=dict)
    identity_providers: dict[str, IdentityProvider] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)  # by instance id
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    network_acls: dict[str, NetworkAcl] = field(default_factory=dict)
    internet_gateway_ids: set[str] = field(default_factory=set)
    load_balancers: dict[str, LoadBalancer] = field(default_factory=dict)
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by name
    functions: dict[str, LambdaFunction] = field(default_factory=dict)  # by ARN
    databases: dict[str, DbInstance] = field(default_factory=dict)  # by ARN
    resources: dict[str, PolicyResource] = field(default_factory=dict)  # by ARN
    organization: Organization | None = None

    def principals_of_kind(self, kind: str) -> list[Principal]:
        return [p for p in self.principals.values() if p.kind == kind]

    def group(self, account_id: str, name: str) -> Principal | None:
        for principal in self.principals.values():
            if (
                principal.kind == "group"
                and principal.account_id == account_id
                and principal.name == name
            ):
                return principal
        return None
