"""Parse EC2 networking and compute: security groups, subnets, VPCs, route
tables, internet gateways, network ACLs, instances and load balancers."""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.aws.estate import (
    AwsEstate,
    Instance,
    Listener,
    LoadBalancer,
    NetworkAcl,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
)
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    flag,
    integer,
    items,
    mapping,
    required_text,
    responses_with_body,
    strings,
    tags_of,
    text,
)
from toxicpath.ingest.snapshot import RawResponse

# IP protocol numbers AWS also accepts in place of names.
_PROTOCOL_NAMES = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}

# Route target fields, in the order AWS fills them.
_ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)


def parse_network(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "ec2", "describe-security-groups"):
        for group in items(response, body, "SecurityGroups"):
            parsed = _security_group(response, group)
            estate.security_groups[parsed.id] = parsed
    for response, body in responses_with_body(index, "ec2", "describe-subnets"):
        for subnet in items(response, body, "Subnets"):
            parsed_subnet = _subnet(response, subnet)
            estate.subnets[parsed_subnet.id] = parsed_subnet
    for response, body in responses_with_body(index, "ec2", "describe-vpcs"):
        for vpc in items(response, body, "Vpcs"):
            parsed_vpc = _vpc(response, vpc)
            estate.vpcs[parsed_vpc.id] = parsed_vpc
    for response, body in responses_with_body(index, "ec2", "describe-route-tables"):
        for table in items(response, body, "RouteTables"):
            parsed_table = _route_table(response, table)
            estate.route_tables[parsed_table.id] = parsed_table
    for response, body in responses_with_body(
        index, "ec2", "describe-internet-gateways"
    ):
        for gateway in items(response, body, "InternetGateways"):
            estate.internet_gateway_ids.add(
                required_text(response, gateway, "InternetGatewayId")
            )
    for response, body in responses_with_body(index, "ec2", "describe-network-acls"):
        for acl in items(response, body, "NetworkAcls"):
            parsed_acl = _network_acl(response, acl)
            estate.network_acls[parsed_acl.id] = parsed_acl
    _parse_instances(index, estate)
    _parse_classic_load_balancers(index, estate)
    _parse_load_balancers_v2(index, estate)


def _protocol(value: str) -> str:
    return _PROTOCOL_NAMES.get(value, value.lower())


def _rule(response: RawResponse, permission: dict[str, Any]) -> SecurityGroupRule:
    protocol = _protocol(text(response, permission, "IpProtocol") or "-1")
    from_port = integer(response, permission, "FromPort")
    to_port = integer(response, permission, "ToPort")
    # "all" covers every port, and ICMP uses -1 for "every type".
    if protocol == "all" or from_port == -1:
        from_port, to_port = None, None

    cidrs: list[str] = []
    descriptions: list[str] = []
    for entry in items(response, permission, "IpRanges"):
        cidrs.append(required_text(response, entry, "CidrIp"))
        descriptions.append(text(response, entry, "Description"))
    for entry in items(response, permission, "Ipv6Ranges"):
        cidrs.append(required_text(response, entry, "CidrIpv6"))
        descriptions.append(text(response, entry, "Description"))

    source_groups: list[str] = []
    for entry in items(response, permission, "UserIdGroupPairs"):
        source_groups.append(required_text(response, entry, "GroupId"))
        descriptions.append(text(response, entry, "Description"))
    prefix_lists: list[str] = []
    for entry in items(response, permission, "PrefixListIds"):
        prefix_lists.append(required_text(response, entry, "PrefixListId"))
        descriptions.append(text(response, entry, "Description"))

    return SecurityGroupRule(
        protocol=protocol,
        from_port=from_port,
        to_port=to_port,
        cidrs=cidrs,
        source_group_ids=source_groups,
        prefix_list_ids=prefix_lists,
        description="; ".join(sorted({item for item in descriptions if item})),
    )


def _security_group(response: RawResponse, group: dict[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        id=required_text(response, group, "GroupId"),
        name=text(response, group, "GroupName"),
        account_id=text(response, group, "OwnerId") or response.account,
        region=response.region,
        vpc_id=text(response, group, "VpcId"),
        ingress=[
            _rule(response, permission)
            for permission in items(response, group, "IpPermissions")
        ],
        egress=[
            _rule(response, permission)
            for permission in items(response, group, "IpPermissionsEgress")
        ],
    )


def _subnet(response: RawResponse, subnet: dict[str, Any]) -> Subnet:
    return Subnet(
        id=required_text(response, subnet, "SubnetId"),
        account_id=text(response, subnet, "OwnerId") or response.account,
        region=response.region,
        vpc_id=text(response, subnet, "VpcId"),
        cidr=text(response, subnet, "CidrBlock"),
        ipv6_cidrs=[
            text(response, association, "Ipv6CidrBlock")
            for association in items(response, subnet, "Ipv6CidrBlockAssociationSet")
            if association.get("Ipv6CidrBlock")
        ],
        map_public_ip=bool(flag(response, subnet, "MapPublicIpOnLaunch")),
        tags=tags_of(response, subnet, "Tags"),
    )


def _vpc(response: RawResponse, vpc: dict[str, Any]) -> Vpc:
    cidrs = [
        text(response, association, "CidrBlock")
        for association in items(response, vpc, "CidrBlockAssociationSet")
        if association.get("CidrBlock")
    ]
    primary = text(response, vpc, "CidrBlock")
    if primary and primary not in cidrs:
        cidrs.insert(0, primary)
    for association in items(response, vpc, "Ipv6CidrBlockAssociationSet"):
        if association.get("Ipv6CidrBlock"):
            cidrs.append(text(response, association, "Ipv6CidrBlock"))
    return Vpc(
        id=required_text(response, vpc, "VpcId"),
        account_id=text(response, vpc, "OwnerId") or response.account,
        region=response.region,
        cidrs=cidrs,
        is_default=bool(flag(response, vpc, "IsDefault")),
        tags=tags_of(response, vpc, "Tags"),
    )


def _route_table(response: RawResponse, table: dict[str, Any]) -> RouteTable:
    subnet_ids: list[str] = []
    is_main = False
    for association in items(response, table, "Associations"):
        if association.get("Main") is True:
            is_main = True
        subnet = text(response, association, "SubnetId")
        if subnet:
            subnet_ids.append(subnet)
    routes: list[tuple[str, str]] = []
    for route in items(response, table, "Routes"):
        if text(response, route, "State") == "blackhole":
            continue
        destination = (
            text(response, route, "DestinationCidrBlock")
            or text(response, route, "DestinationIpv6CidrBlock")
            or text(response, route, "DestinationPrefixListId")
        )
        target = next(
            (text(response, route, key) for key in _ROUTE_TARGETS if route.get(key)),
            "",
        )
        if destination and target:
            routes.append((destination, target))
    return RouteTable(
        id=required_text(response, table, "RouteTableId"),
        account_id=text(response, table, "OwnerId") or response.account,
        region=response.region,
        vpc_id=text(response, table, "VpcId"),
        subnet_ids=subnet_ids,
        is_main=is_main,
        routes=routes,
    )


def _network_acl(response: RawResponse, acl: dict[str, Any]) -> NetworkAcl:
    entries: list[tuple[int, bool, str, int | None, int | None, str, bool]] = []
    for entry in items(response, acl, "Entries"):
        protocol = _protocol(text(response, entry, "Protocol") or "-1")
        port_range = mapping(response, entry, "PortRange")
        from_port = integer(response, port_range, "From")
        to_port = integer(response, port_range, "To")
        if protocol == "all":
            from_port, to_port = None, None
        entries.append(
            (
                integer(response, entry, "RuleNumber") or 0,
                bool(flag(response, entry, "Egress")),
                protocol,
                from_port,
                to_port,
                text(response, entry, "CidrBlock")
                or text(response, entry, "Ipv6CidrBlock"),
                text(response, entry, "RuleAction") == "allow",
            )
        )
    return NetworkAcl(
        id=required_text(response, acl, "NetworkAclId"),
        account_id=text(response, acl, "OwnerId") or response.account,
        region=response.region,
        vpc_id=text(response, acl, "VpcId"),
        subnet_ids=[
            text(response, association, "SubnetId")
            for association in items(response, acl, "Associations")
            if association.get("SubnetId")
        ],
        entries=entries,
    )


def _append_new(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def _parse_instances(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "ec2", "describe-instances"):
        for reservation in items(response, body, "Reservations"):
            owner = text(response, reservation, "OwnerId") or response.account
            for detail in items(response, reservation, "Instances"):
                instance = _instance(response, detail, owner)
                estate.instances[instance.id] = instance
    _read_ssm_management(index, estate)
    # Interfaces add the groups and addresses of secondary network interfaces.
    for response, body in responses_with_body(
        index, "ec2", "describe-network-interfaces"
    ):
        for interface in items(response, body, "NetworkInterfaces"):
            attachment = mapping(response, interface, "Attachment")
            found = estate.instances.get(text(response, attachment, "InstanceId"))
            if found is not None:
                _read_interface(response, interface, found)


def _read_ssm_management(index: ResponseIndex, estate: AwsEstate) -> None:
    read_regions: set[tuple[str, str]] = set()
    managed: set[str] = set()
    for response, body in responses_with_body(
        index, "ssm", "describe-instance-information"
    ):
        read_regions.add((response.account, response.region))
        for entry in items(response, body, "InstanceInformationList"):
            managed.add(text(response, entry, "InstanceId"))
    for instance in estate.instances.values():
        if (instance.account_id, instance.region) in read_regions:
            instance.ssm_managed = instance.id in managed


def _instance(response: RawResponse, detail: dict[str, Any], owner: str) -> Instance:
    instance_id = required_text(response, detail, "InstanceId")
    tags = tags_of(response, detail, "Tags")
    profile = mapping(response, detail, "IamInstanceProfile")
    instance = Instance(
        id=instance_id,
        arn=f"arn:aws:ec2:{response.region}:{owner}:instance/{instance_id}",
        account_id=owner,
        region=response.region,
        state=text(response, mapping(response, detail, "State"), "Name"),
        name=tags.get("Name", ""),
        public_ip=text(response, detail, "PublicIpAddress"),
        private_ip=text(response, detail, "PrivateIpAddress"),
        subnet_id=text(response, detail, "SubnetId"),
        vpc_id=text(response, detail, "VpcId"),
        instance_profile_arn=text(response, profile, "Arn") or None,
        tags=tags,
        metadata_http_tokens=text(
            response, mapping(response, detail, "MetadataOptions"), "HttpTokens"
        ),
    )
    for group in items(response, detail, "SecurityGroups"):
        _append_new(instance.security_group_ids, text(response, group, "GroupId"))
    for interface in items(response, detail, "NetworkInterfaces"):
        _read_interface(response, interface, instance)
    return instance


def _read_interface(
    response: RawResponse, interface: dict[str, Any], instance: Instance
) -> None:
    for group in items(response, interface, "Groups"):
        _append_new(instance.security_group_ids, text(response, group, "GroupId"))
    association = mapping(response, interface, "Association")
    public_ip = text(response, association, "PublicIp")
    if public_ip and not instance.public_ip:
        instance.public_ip = public_ip
    for address in items(response, interface, "Ipv6Addresses"):
        _append_new(instance.public_ipv6, text(response, address, "Ipv6Address"))
    if not instance.subnet_id:
        instance.subnet_id = text(response, interface, "SubnetId")
    if not instance.vpc_id:
        instance.vpc_id = text(response, interface, "VpcId")


def _parse_classic_load_balancers(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "elb", "describe-load-balancers"):
        for detail in items(response, body, "LoadBalancerDescriptions"):
            name = required_text(response, detail, "LoadBalancerName")
            arn = (
                f"arn:aws:elasticloadbalancing:{response.region}:{response.account}"
                f":loadbalancer/{name}"
            )
            listeners = []
            for description in items(response, detail, "ListenerDescriptions"):
                listener = mapping(response, description, "Listener")
                listeners.append(
                    Listener(
                        port=integer(response, listener, "LoadBalancerPort") or 0,
                        protocol=text(response, listener, "Protocol"),
                        instance_port=integer(response, listener, "InstancePort"),
                    )
                )
            estate.load_balancers[arn] = LoadBalancer(
                arn=arn,
                name=name,
                kind="classic",
                account_id=response.account,
                region=response.region,
                scheme=text(response, detail, "Scheme"),
                dns_name=text(response, detail, "DNSName"),
                vpc_id=text(response, detail, "VPCId"),
                subnet_ids=strings(response, detail, "Subnets"),
                security_group_ids=strings(response, detail, "SecurityGroups"),
                listeners=listeners,
                target_instance_ids=[
                    required_text(response, entry, "InstanceId")
                    for entry in items(response, detail, "Instances")
                ],
            )


def _parse_load_balancers_v2(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(
        index, "elbv2", "describe-load-balancers"
    ):
        for detail in items(response, body, "LoadBalancers"):
            arn = required_text(response, detail, "LoadBalancerArn")
            estate.load_balancers[arn] = LoadBalancer(
                arn=arn,
                name=text(response, detail, "LoadBalancerName"),
                kind=text(response, detail, "Type") or "application",
                account_id=account_of(arn, response.account),
                region=response.region,
                scheme=text(response, detail, "Scheme"),
                dns_name=text(response, detail, "DNSName"),
                vpc_id=text(response, detail, "VpcId"),
                subnet_ids=[
                    text(response, zone, "SubnetId")
                    for zone in items(response, detail, "AvailabilityZones")
                    if zone.get("SubnetId")
                ],
                security_group_ids=strings(response, detail, "SecurityGroups"),
            )
    for response, body in responses_with_body(index, "elbv2", "describe-listeners"):
        for listener in items(response, body, "Listeners"):
            balancer = estate.load_balancers.get(
                text(response, listener, "LoadBalancerArn")
                or response.params.get("LoadBalancerArn", "")
            )
            if balancer is not None:
                balancer.listeners.append(
                    Listener(
                        port=integer(response, listener, "Port") or 0,
                        protocol=text(response, listener, "Protocol"),
                    )
                )
    _parse_targets(index, estate)


def _parse_targets(index: ResponseIndex, estate: AwsEstate) -> None:
    balancers_by_group: dict[str, list[str]] = {}
    for response, body in responses_with_body(index, "elbv2", "describe-target-groups"):
        for group in items(response, body, "TargetGroups"):
            group_arn = required_text(response, group, "TargetGroupArn")
            balancers_by_group[group_arn] = strings(response, group, "LoadBalancerArns")
    for response, body in responses_with_body(index, "elbv2", "describe-target-health"):
        group_arn = response.params.get("TargetGroupArn", "")
        for description in items(response, body, "TargetHealthDescriptions"):
            target_id = text(response, mapping(response, description, "Target"), "Id")
            if not target_id.startswith("i-"):
                continue
            for balancer_arn in balancers_by_group.get(group_arn, []):
                balancer = estate.load_balancers.get(balancer_arn)
                if balancer is not None:
                    _append_new(balancer.target_instance_ids, target_id)
