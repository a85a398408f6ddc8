"""Write the bundled AWS demo estate: raw API responses of a fictional company.

Larkspur Labs runs two AWS accounts, production (210987654321) and development
(310987654321), and lets a partner (999988887777, not scanned) into one role.
The files are the responses of the real AWS CLI calls, in the folder layout
that the raw-response importer reads (`<service>-<operation>.json`, one
sub-folder per parameterised call with the URL-encoded parameter value as the
file name, without a suffix). Every id, address and key below is invented.

Attack paths the analysis should find:

- web-1 (production) has a public address with 80 and 443 open to the world.
  Its instance profile role `web-server-role` reads the restricted bucket
  `larkspur-customer-data`, and can pass any role to a new Lambda function,
  which reaches the admin role `lambda-deploy-admin`.
- alice (development) has a console password, no MFA, and
  iam:CreatePolicyVersion on every policy, so she can make herself admin.
- `partner-integration` (production) trusts the partner account's root
  without an sts:ExternalId condition.
- `larkspur-customer-exports` (production) is readable by anonymous
  through its bucket policy and is tagged confidential.
- ci-bot (development) assumes build-role, which assumes deploy-role, which
  assumes platform-admin (AdministratorAccess): a three-role chain to admin.
- The Lambda function `webhook-handler` has a function URL with auth type
  NONE and runs as `webhook-handler-role`, which has AdministratorAccess.
- `reporting-role` (production) may read every secret, including
  `prod/payments/db-credentials`, and trusts deploy-role in development.

Benign on purpose: the private buckets `larkspur-app-logs` and
`larkspur-dev-scratch`, the internal load balancer `internal-api`, the
bastion whose SSH rule admits one office range only, and the private
database `orders-db`.

Run `python -m toxicpath.ingest.demo.generate_aws` to rewrite the files after
changing this module; the output is deterministic.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

PROD = "210987654321"
DEV = "310987654321"
PARTNER = "999988887777"
REGION = "us-east-1"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
CREATED = "2025-03-14T09:30:00+00:00"
# S3 canonical user ids of the two accounts.
_PROD_CANONICAL_ID = "7c1a5e0b3f2d4c6e8a9b0d1f2e3c4b5a6978d0e1f2a3b4c5d6e7f8091a2b3c4d"
_DEV_CANONICAL_ID = "0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d"

Files = dict[str, Any]


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(actions: str | list[str], resources: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _trust(principal: dict[str, Any], **extra: Any) -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
        **extra,
    }
    return _doc(statement)


def _tags(**pairs: str) -> list[dict[str, str]]:
    return [
        {"Key": key.replace("_", "-"), "Value": value} for key, value in pairs.items()
    ]


def _role(
    account: str,
    name: str,
    trust: dict[str, Any],
    *,
    role_id: str,
    inline: dict[str, dict[str, Any]] | None = None,
    managed: tuple[str, ...] = (),
    profile: str | None = None,
    path: str = "/",
) -> dict[str, Any]:
    arn = f"arn:aws:iam::{account}:role{path}{name}"
    role: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": role_id,
        "Arn": arn,
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": trust,
        "InstanceProfileList": [],
        "RolePolicyList": [
            {"PolicyName": policy_name, "PolicyDocument": document}
            for policy_name, document in (inline or {}).items()
        ],
        "AttachedManagedPolicies": [
            {"PolicyName": arn_.rsplit("/", 1)[-1], "PolicyArn": arn_}
            for arn_ in managed
        ],
        "Tags": [],
        "RoleLastUsed": {"LastUsedDate": "2026-11-30T08:00:00+00:00", "Region": REGION},
    }
    if profile is not None:
        role["InstanceProfileList"].append(
            {
                "Path": "/",
                "InstanceProfileName": profile,
                "InstanceProfileId": f"AIPA{role_id[4:]}",
                "Arn": f"arn:aws:iam::{account}:instance-profile/{profile}",
                "CreateDate": CREATED,
                "Roles": [
                    {
                        "Path": path,
                        "RoleName": name,
                        "RoleId": role_id,
                        "Arn": arn,
                        "CreateDate": CREATED,
                        "AssumeRolePolicyDocument": trust,
                    }
                ],
            }
        )
    return role


def _user(
    account: str,
    name: str,
    *,
    user_id: str,
    inline: dict[str, dict[str, Any]] | None = None,
    managed: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": user_id,
        "Arn": f"arn:aws:iam::{account}:user/{name}",
        "CreateDate": CREATED,
        "UserPolicyList": [
            {"PolicyName": policy_name, "PolicyDocument": document}
            for policy_name, document in (inline or {}).items()
        ],
        "GroupList": list(groups),
        "AttachedManagedPolicies": [
            {"PolicyName": arn_.rsplit("/", 1)[-1], "PolicyArn": arn_}
            for arn_ in managed
        ],
        "Tags": [],
    }


def _managed_policy(
    arn: str, policy_id: str, document: dict[str, Any], attachments: int
) -> dict[str, Any]:
    return {
        "PolicyName": arn.rsplit("/", 1)[-1],
        "PolicyId": policy_id,
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": CREATED,
        "UpdateDate": CREATED,
        "PolicyVersionList": [
            {
                "Document": document,
                "VersionId": "v1",
                "IsDefaultVersion": True,
                "CreateDate": CREATED,
            }
        ],
    }


_ADMIN_MANAGED = _managed_policy(
    ADMIN_POLICY, "ANPAIWMBCKSKIEE64ZLYK", _doc(_allow("*", "*")), 3
)

_REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,"
    "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,"
    "access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def _report_row(
    account: str,
    user: str,
    *,
    password: bool,
    mfa: bool,
    key_active: bool,
) -> str:
    arn = (
        f"arn:aws:iam::{account}:root"
        if user == "<root_account>"
        else (f"arn:aws:iam::{account}:user/{user}")
    )
    password_enabled = (
        "not_supported" if user == "<root_account>" else str(password).lower()
    )
    password_used = "2026-11-28T17:02:11+00:00" if password else "N/A"
    key_rotated = "2025-06-01T10:00:00+00:00" if key_active else "N/A"
    key_used = "2026-12-01T06:15:00+00:00" if key_active else "N/A"
    fields = [
        user,
        arn,
        CREATED,
        password_enabled,
        password_used,
        CREATED if password else "N/A",
        "N/A",
        str(mfa).lower(),
        str(key_active).lower(),
        key_rotated,
        key_used,
        REGION if key_active else "N/A",
        "sts" if key_active else "N/A",
        "false",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    return ",".join(fields)


def _credential_report(rows: list[str]) -> dict[str, Any]:
    content = "\n".join([_REPORT_HEADER, *rows]) + "\n"
    return {
        "Content": base64.b64encode(content.encode()).decode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": "2026-12-01T12:00:00+00:00",
    }


def _policy_text(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


# --- production ------------------------------------------------------------

_WEB_ROLE_POLICY = _doc(
    {
        "Sid": "ReadCustomerData",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [
            "arn:aws:s3:::larkspur-customer-data",
            "arn:aws:s3:::larkspur-customer-data/*",
        ],
    },
    {
        "Sid": "DeployThumbnailers",
        "Effect": "Allow",
        "Action": [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
            "lambda:GetFunction",
        ],
        "Resource": "*",
    },
)


def _prod_iam() -> dict[str, Any]:
    roles = [
        _role(
            PROD,
            "web-server-role",
            _trust({"Service": "ec2.amazonaws.com"}),
            role_id="AROAPRODWEBSERVER0001",
            inline={"web-app": _WEB_ROLE_POLICY},
            profile="web-server-profile",
        ),
        _role(
            PROD,
            "lambda-deploy-admin",
            _trust({"Service": "lambda.amazonaws.com"}),
            role_id="AROAPRODLAMBDAADMIN01",
            managed=(ADMIN_POLICY,),
        ),
        _role(
            PROD,
            "partner-integration",
            _trust({"AWS": f"arn:aws:iam::{PARTNER}:root"}),
            role_id="AROAPRODPARTNER000001",
            inline={
                "partner-read": _doc(
                    _allow(
                        ["s3:GetObject", "s3:ListBucket"],
                        [
                            "arn:aws:s3:::larkspur-customer-data",
                            "arn:aws:s3:::larkspur-customer-data/*",
                        ],
                    )
                )
            },
        ),
        _role(
            PROD,
            "webhook-handler-role",
            _trust({"Service": "lambda.amazonaws.com"}),
            role_id="AROAPRODWEBHOOK000001",
            managed=(ADMIN_POLICY,),
            path="/service-role/",
        ),
        _role(
            PROD,
            "thumbnailer-role",
            _trust({"Service": "lambda.amazonaws.com"}),
            role_id="AROAPRODTHUMBNAILER01",
            inline={
                "thumbnails": _doc(
                    _allow(
                        ["s3:GetObject", "s3:PutObject"],
                        "arn:aws:s3:::larkspur-app-logs/thumbnails/*",
                    )
                )
            },
        ),
        _role(
            PROD,
            "reporting-role",
            _trust({"AWS": f"arn:aws:iam::{DEV}:role/deploy-role"}),
            role_id="AROAPRODREPORTING0001",
            inline={
                "reporting": _doc(
                    _allow(
                        [
                            "secretsmanager:GetSecretValue",
                            "secretsmanager:ListSecrets",
                            "secretsmanager:DescribeSecret",
                        ],
                        "*",
                    ),
                    _allow(["rds:Describe*", "cloudwatch:GetMetricData"], "*"),
                )
            },
        ),
        _role(
            PROD,
            "app-server-role",
            _trust({"Service": "ec2.amazonaws.com"}),
            role_id="AROAPRODAPPSERVER0001",
            inline={
                "app": _doc(
                    _allow("s3:PutObject", "arn:aws:s3:::larkspur-app-logs/app/*")
                )
            },
            profile="app-server-profile",
        ),
    ]
    users = [
        _user(
            PROD, "ops-admin", user_id="AIDAPRODOPSADMIN00001", managed=(ADMIN_POLICY,)
        ),
    ]
    return {
        "UserDetailList": users,
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": [_ADMIN_MANAGED],
        "IsTruncated": False,
    }


def _prod_network() -> Files:
    vpc = "vpc-0a11ce5prod00001"
    public_subnet = "subnet-0a11ce5pub00001"
    private_subnet = "subnet-0a11ce5priv0001"
    igw = "igw-0a11ce5prod00001"

    def group(
        group_id: str, name: str, description: str, ingress: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "Description": description,
            "GroupName": name,
            "IpPermissions": ingress,
            "OwnerId": PROD,
            "GroupId": group_id,
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [],
                }
            ],
            "VpcId": vpc,
            "Tags": [{"Key": "Name", "Value": name}],
        }

    def tcp(
        port: int,
        *,
        cidrs: tuple[str, ...] = (),
        groups: tuple[str, ...] = (),
        description: str = "",
    ) -> dict[str, Any]:
        return {
            "FromPort": port,
            "IpProtocol": "tcp",
            "IpRanges": [
                {
                    "CidrIp": cidr,
                    **({"Description": description} if description else {}),
                }
                for cidr in cidrs
            ],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "ToPort": port,
            "UserIdGroupPairs": [{"GroupId": g, "UserId": PROD} for g in groups],
        }

    security_groups = [
        group(
            "sg-0a11ce5web000001",
            "web-public",
            "Public web traffic to web-1",
            [tcp(443, cidrs=("0.0.0.0/0",)), tcp(80, cidrs=("0.0.0.0/0",))],
        ),
        group(
            "sg-0a11ce5alb000001",
            "alb-public",
            "HTTPS to the public load balancer",
            [tcp(443, cidrs=("0.0.0.0/0",))],
        ),
        group(
            "sg-0a11ce5bastion01",
            "bastion",
            "SSH from the office only",
            [tcp(22, cidrs=("192.0.2.0/24",), description="office")],
        ),
        group(
            "sg-0a11ce5internal1",
            "internal-api",
            "Internal API from inside the VPC",
            [tcp(8080, cidrs=("10.20.0.0/16",))],
        ),
        group(
            "sg-0a11ce5app000001",
            "app-servers",
            "App servers behind the internal load balancer",
            [
                tcp(8080, groups=("sg-0a11ce5internal1",)),
                tcp(22, groups=("sg-0a11ce5bastion01",)),
            ],
        ),
        group(
            "sg-0a11ce5db0000001",
            "orders-db",
            "PostgreSQL from the app servers",
            [tcp(5432, groups=("sg-0a11ce5app000001", "sg-0a11ce5web000001"))],
        ),
    ]

    def instance(
        instance_id: str,
        name: str,
        *,
        subnet: str,
        private_ip: str,
        groups: list[tuple[str, str]],
        public_ip: str | None = None,
        profile: str | None = None,
        http_tokens: str = "required",
    ) -> dict[str, Any]:
        interface: dict[str, Any] = {
            "Attachment": {
                "AttachmentId": f"eni-attach-{instance_id[2:]}",
                "DeleteOnTermination": True,
                "DeviceIndex": 0,
                "Status": "attached",
            },
            "Groups": [{"GroupId": g, "GroupName": n} for g, n in groups],
            "Ipv6Addresses": [],
            "NetworkInterfaceId": f"eni-{instance_id[2:]}",
            "OwnerId": PROD,
            "PrivateIpAddress": private_ip,
            "Status": "in-use",
            "SubnetId": subnet,
            "VpcId": vpc,
        }
        detail: dict[str, Any] = {
            "AmiLaunchIndex": 0,
            "ImageId": "ami-0c0ffee0000000001",
            "InstanceId": instance_id,
            "InstanceType": "t3.medium",
            "LaunchTime": "2026-10-02T08:00:00+00:00",
            "Placement": {"AvailabilityZone": "us-east-1a", "Tenancy": "default"},
            "PrivateIpAddress": private_ip,
            "State": {"Code": 16, "Name": "running"},
            "SubnetId": subnet,
            "VpcId": vpc,
            "SecurityGroups": [{"GroupId": g, "GroupName": n} for g, n in groups],
            "NetworkInterfaces": [interface],
            "MetadataOptions": {
                "State": "applied",
                "HttpTokens": http_tokens,
                "HttpPutResponseHopLimit": 1,
                "HttpEndpoint": "enabled",
            },
            "Tags": [
                {"Key": "Name", "Value": name},
                {"Key": "team", "Value": "platform"},
            ],
        }
        if public_ip:
            detail["PublicIpAddress"] = public_ip
            interface["Association"] = {"IpOwnerId": "amazon", "PublicIp": public_ip}
        if profile:
            detail["IamInstanceProfile"] = {
                "Arn": f"arn:aws:iam::{PROD}:instance-profile/{profile}",
                "Id": f"AIPA{profile.upper().replace('-', '')[:16]}",
            }
        return detail

    instances = [
        instance(
            "i-0a11ce5web0000001",
            "web-1",
            subnet=public_subnet,
            private_ip="10.20.1.10",
            public_ip="203.0.113.10",
            groups=[("sg-0a11ce5web000001", "web-public")],
            profile="web-server-profile",
            http_tokens="optional",
        ),
        instance(
            "i-0a11ce5bastion001",
            "bastion",
            subnet=public_subnet,
            private_ip="10.20.1.20",
            public_ip="203.0.113.20",
            groups=[("sg-0a11ce5bastion01", "bastion")],
        ),
        instance(
            "i-0a11ce5app0000001",
            "app-1",
            subnet=private_subnet,
            private_ip="10.20.2.30",
            groups=[("sg-0a11ce5app000001", "app-servers")],
            profile="app-server-profile",
        ),
    ]

    def subnet(subnet_id: str, cidr: str, name: str, public: bool) -> dict[str, Any]:
        return {
            "AvailabilityZone": "us-east-1a",
            "AvailableIpAddressCount": 250,
            "CidrBlock": cidr,
            "DefaultForAz": False,
            "MapPublicIpOnLaunch": public,
            "State": "available",
            "SubnetId": subnet_id,
            "VpcId": vpc,
            "OwnerId": PROD,
            "Ipv6CidrBlockAssociationSet": [],
            "SubnetArn": f"arn:aws:ec2:{REGION}:{PROD}:subnet/{subnet_id}",
            "Tags": [{"Key": "Name", "Value": name}],
        }

    route_tables = {
        "RouteTables": [
            {
                "Associations": [
                    {
                        "Main": False,
                        "RouteTableAssociationId": "rtbassoc-0a11ce5pub0001",
                        "RouteTableId": "rtb-0a11ce5public001",
                        "SubnetId": public_subnet,
                        "AssociationState": {"State": "associated"},
                    }
                ],
                "RouteTableId": "rtb-0a11ce5public001",
                "Routes": [
                    {
                        "DestinationCidrBlock": "10.20.0.0/16",
                        "GatewayId": "local",
                        "Origin": "CreateRouteTable",
                        "State": "active",
                    },
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "GatewayId": igw,
                        "Origin": "CreateRoute",
                        "State": "active",
                    },
                ],
                "VpcId": vpc,
                "OwnerId": PROD,
                "Tags": [{"Key": "Name", "Value": "public"}],
            },
            {
                "Associations": [
                    {
                        "Main": True,
                        "RouteTableAssociationId": "rtbassoc-0a11ce5main001",
                        "RouteTableId": "rtb-0a11ce5main00001",
                        "AssociationState": {"State": "associated"},
                    }
                ],
                "RouteTableId": "rtb-0a11ce5main00001",
                "Routes": [
                    {
                        "DestinationCidrBlock": "10.20.0.0/16",
                        "GatewayId": "local",
                        "Origin": "CreateRouteTable",
                        "State": "active",
                    },
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "NatGatewayId": "nat-0a11ce5prod00001",
                        "Origin": "CreateRoute",
                        "State": "active",
                    },
                ],
                "VpcId": vpc,
                "OwnerId": PROD,
                "Tags": [{"Key": "Name", "Value": "private"}],
            },
        ]
    }
    acl_entries = [
        {
            "CidrBlock": "0.0.0.0/0",
            "Egress": egress,
            "Protocol": "-1",
            "RuleAction": action,
            "RuleNumber": number,
        }
        for egress in (False, True)
        for number, action in ((100, "allow"), (32767, "deny"))
    ]
    network_acls = {
        "NetworkAcls": [
            {
                "Associations": [
                    {
                        "NetworkAclAssociationId": f"aclassoc-0a11ce5{index:08d}",
                        "NetworkAclId": "acl-0a11ce5default01",
                        "SubnetId": subnet_id,
                    }
                    for index, subnet_id in enumerate((public_subnet, private_subnet))
                ],
                "Entries": acl_entries,
                "IsDefault": True,
                "NetworkAclId": "acl-0a11ce5default01",
                "Tags": [],
                "VpcId": vpc,
                "OwnerId": PROD,
            }
        ]
    }
    return {
        "ec2-describe-vpcs.json": {
            "Vpcs": [
                {
                    "CidrBlock": "10.20.0.0/16",
                    "DhcpOptionsId": "dopt-0a11ce5000001",
                    "State": "available",
                    "VpcId": vpc,
                    "OwnerId": PROD,
                    "InstanceTenancy": "default",
                    "CidrBlockAssociationSet": [
                        {
                            "AssociationId": "vpc-cidr-assoc-0a11ce5001",
                            "CidrBlock": "10.20.0.0/16",
                            "CidrBlockState": {"State": "associated"},
                        }
                    ],
                    "IsDefault": False,
                    "Tags": [{"Key": "Name", "Value": "production"}],
                }
            ]
        },
        "ec2-describe-subnets.json": {
            "Subnets": [
                subnet(public_subnet, "10.20.1.0/24", "public-a", True),
                subnet(private_subnet, "10.20.2.0/24", "private-a", False),
            ]
        },
        "ec2-describe-security-groups.json": {"SecurityGroups": security_groups},
        "ec2-describe-instances.json": {
            "Reservations": [
                {
                    "Groups": [],
                    "Instances": [detail],
                    "OwnerId": PROD,
                    "ReservationId": f"r-{detail['InstanceId'][2:]}",
                }
                for detail in instances
            ]
        },
        "ec2-describe-route-tables.json": route_tables,
        "ec2-describe-internet-gateways.json": {
            "InternetGateways": [
                {
                    "Attachments": [{"State": "available", "VpcId": vpc}],
                    "InternetGatewayId": igw,
                    "OwnerId": PROD,
                    "Tags": [],
                }
            ]
        },
        "ec2-describe-network-acls.json": network_acls,
    }


_PUBLIC_ALB = (
    f"arn:aws:elasticloadbalancing:{REGION}:{PROD}:loadbalancer/app/public-web/"
    "6d0ecf831eec9f09"
)
_INTERNAL_ALB = (
    f"arn:aws:elasticloadbalancing:{REGION}:{PROD}:loadbalancer/app/internal-api/"
    "9f0e2b1c5a7d3e41"
)
_PUBLIC_TG = (
    f"arn:aws:elasticloadbalancing:{REGION}:{PROD}:targetgroup/web/73e2d6bc24d8a067"
)
_INTERNAL_TG = (
    f"arn:aws:elasticloadbalancing:{REGION}:{PROD}:targetgroup/api/0fb3c2d9e8a71b55"
)


def _prod_load_balancers() -> Files:
    def balancer(arn: str, name: str, scheme: str, group: str) -> dict[str, Any]:
        return {
            "LoadBalancerArn": arn,
            "DNSName": f"{name}-1234567890.{REGION}.elb.amazonaws.com",
            "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
            "CreatedTime": "2025-05-01T12:00:00.000Z",
            "LoadBalancerName": name,
            "Scheme": scheme,
            "VpcId": "vpc-0a11ce5prod00001",
            "State": {"Code": "active"},
            "Type": "application",
            "AvailabilityZones": [
                {
                    "ZoneName": "us-east-1a",
                    "SubnetId": "subnet-0a11ce5pub00001"
                    if scheme == "internet-facing"
                    else "subnet-0a11ce5priv0001",
                }
            ],
            "SecurityGroups": [group],
            "IpAddressType": "ipv4",
        }

    def listener(
        balancer_arn: str, port: int, protocol: str, group: str
    ) -> dict[str, Any]:
        return {
            "Listeners": [
                {
                    "ListenerArn": balancer_arn.replace(":loadbalancer/", ":listener/")
                    + "/a1b2c3d4e5f60718",
                    "LoadBalancerArn": balancer_arn,
                    "Port": port,
                    "Protocol": protocol,
                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": group}],
                }
            ]
        }

    def target_group(
        arn: str, name: str, port: int, balancer_arn: str
    ) -> dict[str, Any]:
        return {
            "TargetGroupArn": arn,
            "TargetGroupName": name,
            "Protocol": "HTTP",
            "Port": port,
            "VpcId": "vpc-0a11ce5prod00001",
            "HealthCheckProtocol": "HTTP",
            "HealthCheckPort": "traffic-port",
            "TargetType": "instance",
            "LoadBalancerArns": [balancer_arn],
        }

    def health(instance_id: str, port: int) -> dict[str, Any]:
        return {
            "TargetHealthDescriptions": [
                {
                    "Target": {"Id": instance_id, "Port": port},
                    "HealthCheckPort": str(port),
                    "TargetHealth": {"State": "healthy"},
                }
            ]
        }

    return {
        "elbv2-describe-load-balancers.json": {
            "LoadBalancers": [
                balancer(
                    _PUBLIC_ALB, "public-web", "internet-facing", "sg-0a11ce5alb000001"
                ),
                balancer(
                    _INTERNAL_ALB, "internal-api", "internal", "sg-0a11ce5internal1"
                ),
            ]
        },
        f"elbv2-describe-listeners/{_param(_PUBLIC_ALB)}": listener(
            _PUBLIC_ALB, 443, "HTTPS", _PUBLIC_TG
        ),
        f"elbv2-describe-listeners/{_param(_INTERNAL_ALB)}": listener(
            _INTERNAL_ALB, 8080, "HTTP", _INTERNAL_TG
        ),
        "elbv2-describe-target-groups.json": {
            "TargetGroups": [
                target_group(_PUBLIC_TG, "web", 443, _PUBLIC_ALB),
                target_group(_INTERNAL_TG, "api", 8080, _INTERNAL_ALB),
            ]
        },
        f"elbv2-describe-target-health/{_param(_PUBLIC_TG)}": health(
            "i-0a11ce5web0000001", 443
        ),
        f"elbv2-describe-target-health/{_param(_INTERNAL_TG)}": health(
            "i-0a11ce5app0000001", 8080
        ),
    }


_DATA_KEY_ID = "5b3e9f0a-7c21-4d6e-9a8b-2f4c6d8e0a11"
_DATA_KEY = f"arn:aws:kms:{REGION}:{PROD}:key/{_DATA_KEY_ID}"


def _bucket_files(
    name: str,
    *,
    tags: list[dict[str, str]],
    policy: dict[str, Any] | None,
    block_public: bool | None,
    kms: bool,
) -> Files:
    files: Files = {
        f"s3-get-bucket-tagging/{_param(name)}": {"TagSet": tags},
        f"s3-get-bucket-location/{_param(name)}": {"LocationConstraint": None},
        f"s3-get-bucket-encryption/{_param(name)}": {
            "ServerSideEncryptionConfiguration": {
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": (
                            {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": _DATA_KEY}
                            if kms
                            else {"SSEAlgorithm": "AES256"}
                        ),
                        "BucketKeyEnabled": kms,
                    }
                ]
            }
        },
        f"s3-get-bucket-acl/{_param(name)}": {
            "Owner": {"ID": _PROD_CANONICAL_ID},
            "Grants": [
                {
                    "Grantee": {
                        "ID": _PROD_CANONICAL_ID,
                        "Type": "CanonicalUser",
                    },
                    "Permission": "FULL_CONTROL",
                }
            ],
        },
    }
    if policy is not None:
        files[f"s3-get-bucket-policy/{_param(name)}"] = {"Policy": _policy_text(policy)}
    if block_public is not None:
        files[f"s3-get-public-access-block/{_param(name)}"] = {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": block_public,
                "IgnorePublicAcls": block_public,
                "BlockPublicPolicy": block_public,
                "RestrictPublicBuckets": block_public,
            }
        }
    return files


def _prod_storage() -> Files:
    buckets = [
        "larkspur-customer-data",
        "larkspur-customer-exports",
        "larkspur-app-logs",
    ]
    files: Files = {
        "s3-list-buckets.json": {
            "Buckets": [{"Name": name, "CreationDate": CREATED} for name in buckets],
            "Owner": {
                "DisplayName": "larkspur-prod",
                "ID": _PROD_CANONICAL_ID,
            },
        }
    }
    files.update(
        _bucket_files(
            "larkspur-customer-data",
            tags=_tags(data_classification="restricted", owner="data-platform"),
            policy=None,
            block_public=True,
            kms=True,
        )
    )
    files.update(
        _bucket_files(
            "larkspur-customer-exports",
            tags=_tags(data_classification="confidential", owner="growth"),
            policy=_doc(
                {
                    "Sid": "PartnerDownloads",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::larkspur-customer-exports/*",
                }
            ),
            block_public=False,
            kms=False,
        )
    )
    files.update(
        _bucket_files(
            "larkspur-app-logs",
            tags=_tags(owner="platform"),
            policy=_doc(
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [
                        "arn:aws:s3:::larkspur-app-logs",
                        "arn:aws:s3:::larkspur-app-logs/*",
                    ],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ),
            block_public=True,
            kms=True,
        )
    )
    return files


def _prod_services() -> Files:
    webhook = f"arn:aws:lambda:{REGION}:{PROD}:function:webhook-handler"
    thumbnailer = f"arn:aws:lambda:{REGION}:{PROD}:function:thumbnailer"

    def function(arn: str, role: str, variables: dict[str, str]) -> dict[str, Any]:
        name = arn.rsplit(":", 1)[-1]
        return {
            "FunctionName": name,
            "FunctionArn": arn,
            "Runtime": "python3.12",
            "Role": role,
            "Handler": "app.handler",
            "CodeSize": 48213,
            "Description": "",
            "Timeout": 30,
            "MemorySize": 256,
            "LastModified": "2026-09-18T14:22:05.000+0000",
            "CodeSha256": "nLr1H0n8oX3wqQ0cK2c8y1mJ0mTqkq7m0bYHqkG1c3E=",
            "Version": "$LATEST",
            "Environment": {"Variables": variables},
            "TracingConfig": {"Mode": "PassThrough"},
            "PackageType": "Zip",
            "Architectures": ["arm64"],
        }

    return {
        "lambda-list-functions.json": {
            "Functions": [
                function(
                    webhook,
                    f"arn:aws:iam::{PROD}:role/service-role/webhook-handler-role",
                    {"STAGE": "prod", "SIGNING_SECRET": "demo-not-a-real-secret"},
                ),
                function(
                    thumbnailer,
                    f"arn:aws:iam::{PROD}:role/thumbnailer-role",
                    {"STAGE": "prod"},
                ),
            ]
        },
        f"lambda-get-function-url-config/{_param('webhook-handler')}": {
            "FunctionUrl": "https://q4x7k2m9d1a3b5c6e8f0g2h4j6k8l0n2.lambda-url.us-east-1.on.aws/",
            "FunctionArn": webhook,
            "AuthType": "NONE",
            "CreationTime": "2026-09-18T14:30:00.000000Z",
            "LastModifiedTime": "2026-09-18T14:30:00.000000Z",
            "InvokeMode": "BUFFERED",
        },
        f"lambda-get-policy/{_param('webhook-handler')}": {
            "Policy": _policy_text(
                {
                    "Version": "2012-10-17",
                    "Id": "default",
                    "Statement": [
                        {
                            "Sid": "FunctionURLAllowPublicAccess",
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "lambda:InvokeFunctionUrl",
                            "Resource": webhook,
                            "Condition": {
                                "StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}
                            },
                        }
                    ],
                }
            ),
            "RevisionId": "0d6b3c9e-2a41-4f7b-8e15-7a9c0b2d4e61",
        },
        "secretsmanager-list-secrets.json": {
            "SecretList": [
                {
                    "ARN": f"arn:aws:secretsmanager:{REGION}:{PROD}:secret:"
                    "prod/payments/db-credentials-Q1w2E3",
                    "Name": "prod/payments/db-credentials",
                    "Description": "Payments database master credentials",
                    "KmsKeyId": _DATA_KEY,
                    "RotationEnabled": False,
                    "LastChangedDate": "2026-02-01T10:00:00+00:00",
                    "Tags": _tags(owner="payments"),
                    "SecretVersionsToStages": {
                        "7b0e4c1a-3d5f-4a2b-9c8e-1f0a2b3c4d5e": ["AWSCURRENT"]
                    },
                }
            ]
        },
        "kms-list-keys.json": {"Keys": [{"KeyId": _DATA_KEY_ID, "KeyArn": _DATA_KEY}]},
        "kms-list-aliases.json": {
            "Aliases": [
                {
                    "AliasName": "alias/larkspur-data",
                    "AliasArn": f"arn:aws:kms:{REGION}:{PROD}:alias/larkspur-data",
                    "TargetKeyId": _DATA_KEY_ID,
                }
            ]
        },
        "rds-describe-db-instances.json": {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": "orders-db",
                    "DBInstanceClass": "db.t4g.medium",
                    "Engine": "postgres",
                    "EngineVersion": "16.3",
                    "DBInstanceStatus": "available",
                    "MasterUsername": "orders_admin",
                    "Endpoint": {
                        "Address": "orders-db.c9akciq32.us-east-1.rds.amazonaws.com",
                        "Port": 5432,
                        "HostedZoneId": "Z2R2ITUGPM61AM",
                    },
                    "VpcSecurityGroups": [
                        {
                            "VpcSecurityGroupId": "sg-0a11ce5db0000001",
                            "Status": "active",
                        }
                    ],
                    "DBSubnetGroup": {
                        "DBSubnetGroupName": "private",
                        "VpcId": "vpc-0a11ce5prod00001",
                        "SubnetGroupStatus": "Complete",
                        "Subnets": [
                            {
                                "SubnetIdentifier": "subnet-0a11ce5priv0001",
                                "SubnetAvailabilityZone": {"Name": "us-east-1a"},
                                "SubnetStatus": "Active",
                            }
                        ],
                    },
                    "PubliclyAccessible": False,
                    "StorageEncrypted": True,
                    "KmsKeyId": _DATA_KEY,
                    "DBInstanceArn": f"arn:aws:rds:{REGION}:{PROD}:db:orders-db",
                    "TagList": _tags(owner="payments"),
                }
            ]
        },
    }


def _prod_files() -> Files:
    files: Files = {
        "sts-get-caller-identity.json": {
            "UserId": "AIDAPRODOPSADMIN00001",
            "Account": PROD,
            "Arn": f"arn:aws:iam::{PROD}:user/ops-admin",
        },
        "iam-list-account-aliases.json": {"AccountAliases": ["larkspur-prod"]},
        "iam-get-account-authorization-details.json": _prod_iam(),
        "iam-get-credential-report.json": _credential_report(
            [
                _report_row(
                    PROD, "<root_account>", password=True, mfa=True, key_active=False
                ),
                _report_row(
                    PROD, "ops-admin", password=True, mfa=True, key_active=False
                ),
            ]
        ),
    }
    files.update(_prod_network())
    files.update(_prod_load_balancers())
    files.update(_prod_storage())
    files.update(_prod_services())
    return files


# --- development -----------------------------------------------------------


def _dev_iam() -> dict[str, Any]:
    developer_tools = f"arn:aws:iam::{DEV}:policy/developer-tools"
    roles = [
        _role(
            DEV,
            "build-role",
            _trust({"AWS": f"arn:aws:iam::{DEV}:user/ci-bot"}),
            role_id="AROADEVBUILD000000001",
            inline={
                "chain": _doc(
                    _allow("sts:AssumeRole", f"arn:aws:iam::{DEV}:role/deploy-role"),
                    _allow(["codebuild:StartBuild", "logs:PutLogEvents"], "*"),
                )
            },
        ),
        _role(
            DEV,
            "deploy-role",
            _trust({"AWS": f"arn:aws:iam::{DEV}:role/build-role"}),
            role_id="AROADEVDEPLOY00000001",
            inline={
                "chain": _doc(
                    _allow(
                        "sts:AssumeRole",
                        [
                            f"arn:aws:iam::{DEV}:role/platform-admin",
                            f"arn:aws:iam::{PROD}:role/reporting-role",
                        ],
                    ),
                    _allow(["cloudformation:*"], "*"),
                )
            },
        ),
        _role(
            DEV,
            "platform-admin",
            _trust({"AWS": f"arn:aws:iam::{DEV}:role/deploy-role"}),
            role_id="AROADEVPLATFORMADMIN1",
            managed=(ADMIN_POLICY,),
        ),
    ]
    users = [
        _user(
            DEV, "alice", user_id="AIDADEVALICE000000001", managed=(developer_tools,)
        ),
        _user(
            DEV,
            "ci-bot",
            user_id="AIDADEVCIBOT000000001",
            inline={
                "assume-build": _doc(
                    _allow("sts:AssumeRole", f"arn:aws:iam::{DEV}:role/build-role")
                )
            },
        ),
    ]
    policies = [
        _managed_policy(
            developer_tools,
            "ANPADEVDEVELOPERTOOLS",
            _doc(
                {
                    "Sid": "ManagePolicies",
                    "Effect": "Allow",
                    "Action": ["iam:CreatePolicyVersion", "iam:Get*", "iam:List*"],
                    "Resource": "*",
                },
                _allow(["ec2:Describe*", "logs:Get*", "logs:Describe*"], "*"),
            ),
            1,
        ),
        _ADMIN_MANAGED,
    ]
    return {
        "UserDetailList": users,
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": False,
    }


def _dev_files() -> Files:
    files: Files = {
        "sts-get-caller-identity.json": {
            "UserId": "AIDADEVALICE000000001",
            "Account": DEV,
            "Arn": f"arn:aws:iam::{DEV}:user/alice",
        },
        "iam-list-account-aliases.json": {"AccountAliases": ["larkspur-dev"]},
        "iam-get-account-authorization-details.json": _dev_iam(),
        "iam-get-credential-report.json": _credential_report(
            [
                _report_row(
                    DEV, "<root_account>", password=True, mfa=True, key_active=False
                ),
                _report_row(DEV, "alice", password=True, mfa=False, key_active=False),
                _report_row(DEV, "ci-bot", password=False, mfa=False, key_active=True),
            ]
        ),
        "s3-list-buckets.json": {
            "Buckets": [{"Name": "larkspur-dev-scratch", "CreationDate": CREATED}],
            "Owner": {
                "DisplayName": "larkspur-dev",
                "ID": _DEV_CANONICAL_ID,
            },
        },
    }
    files.update(
        _bucket_files(
            "larkspur-dev-scratch",
            tags=_tags(owner="engineering"),
            policy=None,
            block_public=True,
            kms=False,
        )
    )
    return files


# --- writing ---------------------------------------------------------------


def _param(value: str) -> str:
    """Return the file name of a parameterised call's response.

    The importer reads the file name as the URL-encoded parameter value, so
    it has no `.json` suffix.
    """
    return quote(value, safe="")


def demo_files() -> dict[str, Files]:
    """Return the files of each account folder, by folder name."""
    return {"larkspur-prod": _prod_files(), "larkspur-dev": _dev_files()}


def write_demo(root: Path) -> None:
    """Replace `root` with the demo's account folders."""
    if root.exists():
        shutil.rmtree(root)
    for folder, files in demo_files().items():
        account_folder = root / folder
        (account_folder / REGION).mkdir(parents=True)
        (account_folder / "describe-regions.json").write_text(
            json.dumps(
                {
                    "Regions": [
                        {
                            "Endpoint": f"ec2.{REGION}.amazonaws.com",
                            "RegionName": REGION,
                            "OptInStatus": "opt-in-not-required",
                        }
                    ]
                },
                indent=2,
            )
            + "\n"
        )
        for relative, body in sorted(files.items()):
            path = account_folder / REGION / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_demo(Path(__file__).resolve().parent / "aws")
