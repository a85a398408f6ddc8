"""Network nodes: VPCs, subnets, security groups, route tables and network ACLs.

A security group node's `cidrs` lists every source range its ingress rules
admit, so a query can find both open (0.0.0.0/0, ::/0) and restricted groups
without parsing rules. Each rule is kept in `attrs.ingress`.
"""

from __future__ import annotations

import logging

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.network.reachability import (
    NetworkIndex,
    admitted_source_ranges,
    describe_rule,
)
from toxicpath.analysis.aws.node_props import add_fact_edge, aws_node_props
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.estate import (
    AwsEstate,
    NetworkAcl,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
)

logger = logging.getLogger(__name__)


def route_table_node(region: str, account_id: str, route_table_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:route-table/{route_table_id}"


def network_acl_node(region: str, account_id: str, network_acl_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:network-acl/{network_acl_id}"


def add_network_nodes(estate: AwsEstate, records: GraphRecords, scan_id: str) -> None:
    """Add every VPC, subnet, security group, route table and network ACL."""
    for vpc in estate.vpcs.values():
        node_id = ids.vpc_node(vpc.region, vpc.account_id, vpc.id)
        records.add_node(
            "Network",
            node_id,
            cidrs=list(vpc.cidrs),
            **aws_node_props(
                node_type="vpc",
                native_type="AWS::EC2::VPC",
                name=vpc.tags.get("Name", vpc.id),
                account_id=vpc.account_id,
                region=vpc.region,
                scan_id=scan_id,
                tags=vpc.tags,
                attrs={"vpc_id": vpc.id, "is_default": vpc.is_default},
            ),
        )
        _in_account(records, node_id, vpc.account_id, scan_id, f"VPC {vpc.id}")
    network = NetworkIndex.build(estate)
    for subnet in estate.subnets.values():
        _add_subnet(estate, network, records, subnet.id, scan_id)
    for group in estate.security_groups.values():
        _add_security_group(records, group, scan_id)
    for table in estate.route_tables.values():
        _add_route_table(records, table, scan_id)
    for acl in estate.network_acls.values():
        _add_network_acl(records, acl, scan_id)


def _in_account(
    records: GraphRecords, node_id: str, account_id: str, scan_id: str, what: str
) -> None:
    add_fact_edge(
        records,
        "IN_ACCOUNT",
        node_id,
        ids.account_id_node(account_id),
        scan_id=scan_id,
        reason=f"{what} belongs to account {account_id}.",
    )


def _in_vpc(
    records: GraphRecords,
    node_id: str,
    *,
    region: str,
    account_id: str,
    vpc_id: str,
    scan_id: str,
    what: str,
) -> None:
    vpc_node_id = ids.vpc_node(region, account_id, vpc_id)
    if not vpc_id or vpc_node_id not in records.nodes:
        logger.debug(
            "%s is in VPC %s, which the snapshot does not contain", what, vpc_id
        )
        return
    add_fact_edge(
        records,
        "IN_NETWORK",
        node_id,
        vpc_node_id,
        scan_id=scan_id,
        reason=f"{what} is in VPC {vpc_id}.",
    )


def _add_subnet(
    estate: AwsEstate,
    network: NetworkIndex,
    records: GraphRecords,
    subnet_id: str,
    scan_id: str,
) -> None:
    subnet = estate.subnets[subnet_id]
    node_id = ids.subnet_node(subnet.region, subnet.account_id, subnet.id)
    table = network.route_table_for_subnet(vpc_id=subnet.vpc_id, subnet_id=subnet.id)
    attrs: dict[str, object] = {
        "subnet_id": subnet.id,
        "vpc_id": subnet.vpc_id,
        "map_public_ip_on_launch": subnet.map_public_ip,
    }
    if table is not None:
        gateways = sorted({t for _, t in table.routes if t.startswith("igw-")})
        attrs["route_table_id"] = table.id
        attrs["internet_gateway_routes"] = gateways
    records.add_node(
        "Network",
        node_id,
        cidrs=[c for c in [subnet.cidr, *subnet.ipv6_cidrs] if c],
        **aws_node_props(
            node_type="subnet",
            native_type="AWS::EC2::Subnet",
            name=subnet.tags.get("Name", subnet.id),
            account_id=subnet.account_id,
            region=subnet.region,
            scan_id=scan_id,
            tags=subnet.tags,
            attrs=attrs,
        ),
    )
    _in_account(records, node_id, subnet.account_id, scan_id, f"Subnet {subnet.id}")
    _in_vpc(
        records,
        node_id,
        region=subnet.region,
        account_id=subnet.account_id,
        vpc_id=subnet.vpc_id,
        scan_id=scan_id,
        what=f"Subnet {subnet.id}",
    )


def _rule_attrs(rule: SecurityGroupRule) -> dict[str, object]:
    entry: dict[str, object] = {"rule": describe_rule(rule)}
    if rule.cidrs:
        entry["cidrs"] = sorted(rule.cidrs)
    if rule.source_group_ids:
        entry["source_security_groups"] = sorted(rule.source_group_ids)
    if rule.prefix_list_ids:
        entry["prefix_lists"] = sorted(rule.prefix_list_ids)
    if rule.description:
        entry["description"] = rule.description
    return entry


def _add_security_group(
    records: GraphRecords, group: SecurityGroup, scan_id: str
) -> None:
    node_id = ids.security_group_node(group.region, group.account_id, group.id)
    records.add_node(
        "Network",
        node_id,
        cidrs=admitted_source_ranges(group),
        **aws_node_props(
            node_type="security_group",
            native_type="AWS::EC2::SecurityGroup",
            name=group.name or group.id,
            account_id=group.account_id,
            region=group.region,
            scan_id=scan_id,
            attrs={
                "group_id": group.id,
                "vpc_id": group.vpc_id,
                "ingress": [_rule_attrs(rule) for rule in group.ingress],
                "egress": [_rule_attrs(rule) for rule in group.egress],
            },
        ),
    )
    _in_account(
        records, node_id, group.account_id, scan_id, f"Security group {group.id}"
    )
    _in_vpc(
        records,
        node_id,
        region=group.region,
        account_id=group.account_id,
        vpc_id=group.vpc_id,
        scan_id=scan_id,
        what=f"Security group {group.id}",
    )


def _add_route_table(records: GraphRecords, table: RouteTable, scan_id: str) -> None:
    node_id = route_table_node(table.region, table.account_id, table.id)
    records.add_node(
        "Network",
        node_id,
        cidrs=sorted({destination for destination, _ in table.routes}),
        **aws_node_props(
            node_type="route_table",
            native_type="AWS::EC2::RouteTable",
            name=table.id,
            account_id=table.account_id,
            region=table.region,
            scan_id=scan_id,
            attrs={
                "route_table_id": table.id,
                "vpc_id": table.vpc_id,
                "is_main": table.is_main,
                "subnet_ids": sorted(table.subnet_ids),
                "routes": [
                    {"destination": destination, "target": target}
                    for destination, target in table.routes
                ],
            },
        ),
    )
    _in_account(records, node_id, table.account_id, scan_id, f"Route table {table.id}")
    _in_vpc(
        records,
        node_id,
        region=table.region,
        account_id=table.account_id,
        vpc_id=table.vpc_id,
        scan_id=scan_id,
        what=f"Route table {table.id}",
    )


def _add_network_acl(records: GraphRecords, acl: NetworkAcl, scan_id: str) -> None:
    node_id = network_acl_node(acl.region, acl.account_id, acl.id)
    entries = [
        {
            "rule_number": number,
            "direction": "egress" if egress else "ingress",
            "protocol": protocol,
            "from_port": from_port,
            "to_port": to_port,
            "cidr": cidr,
            "action": "allow" if allow else "deny",
        }
        for number, egress, protocol, from_port, to_port, cidr, allow in acl.entries
    ]
    records.add_node(
        "Network",
        node_id,
        cidrs=sorted({entry[5] for entry in acl.entries}),
        **aws_node_props(
            node_type="network_acl",
            native_type="AWS::EC2::NetworkAcl",
            name=acl.id,
            account_id=acl.account_id,
            region=acl.region,
            scan_id=scan_id,
            attrs={
                "network_acl_id": acl.id,
                "vpc_id": acl.vpc_id,
                "subnet_ids": sorted(acl.subnet_ids),
                "entries": entries,
            },
        ),
    )
    _in_account(records, node_id, acl.account_id, scan_id, f"Network ACL {acl.id}")
    _in_vpc(
        records,
        node_id,
        region=acl.region,
        account_id=acl.account_id,
        vpc_id=acl.vpc_id,
        scan_id=scan_id,
        what=f"Network ACL {acl.id}",
    )
