"""Network responses of the demo's production account: VPC, EC2 and load balancers.

web-1 and the bastion sit in the public subnet (route to an internet gateway);
app-1 and the database sit in the private one (route through a NAT gateway).
"""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.demo.aws_shapes import PROD, REGION, Files, param_file_name


def production_network() -> Files:
    """Return the VPC, subnets, groups, instances, routes and network ACLs."""
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


def production_load_balancers() -> Files:
    """Return the public and internal load balancers with listeners and targets."""

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
        f"elbv2-describe-listeners/{param_file_name(_PUBLIC_ALB)}": listener(
            _PUBLIC_ALB, 443, "HTTPS", _PUBLIC_TG
        ),
        f"elbv2-describe-listeners/{param_file_name(_INTERNAL_ALB)}": listener(
            _INTERNAL_ALB, 8080, "HTTP", _INTERNAL_TG
        ),
        "elbv2-describe-target-groups.json": {
            "TargetGroups": [
                target_group(_PUBLIC_TG, "web", 443, _PUBLIC_ALB),
                target_group(_INTERNAL_TG, "api", 8080, _INTERNAL_ALB),
            ]
        },
        f"elbv2-describe-target-health/{param_file_name(_PUBLIC_TG)}": health(
            "i-0a11ce5web0000001", 443
        ),
        f"elbv2-describe-target-health/{param_file_name(_INTERNAL_TG)}": health(
            "i-0a11ce5app0000001", 8080
        ),
    }
