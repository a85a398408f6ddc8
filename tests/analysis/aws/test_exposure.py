"""EXPOSED_TO derivation on small hand-built estates, one network feature each."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from toxicpath.analysis.aws.exposure import derive_exposure_edges
from toxicpath.analysis.aws.resources import add_account_nodes, add_resource_nodes
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import Edge, GraphRecords
from toxicpath.ingest.aws.estate import (
    AwsAccount,
    AwsEstate,
    DbInstance,
    Instance,
    LambdaFunction,
    Listener,
    LoadBalancer,
    NetworkAcl,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
)
from toxicpath.ingest.transform import TransformContext

ACCOUNT = "111122223333"
REGION = "eu-west-1"
CONTEXT = TransformContext(
    scan_id="scan-1", scanned_at=datetime(2026, 1, 1, tzinfo=UTC)
)


def _rule(
    protocol: str, from_port: int | None, to_port: int | None, *cidrs: str
) -> SecurityGroupRule:
    return SecurityGroupRule(
        protocol=protocol, from_port=from_port, to_port=to_port, cidrs=list(cidrs)
    )


def _estate(*rules: SecurityGroupRule, route_tables: bool = True) -> AwsEstate:
    """One VPC with a public subnet (IGW route), a private subnet and one group."""
    estate = AwsEstate(accounts={ACCOUNT: AwsAccount(id=ACCOUNT)})
    estate.vpcs["vpc-1"] = Vpc("vpc-1", ACCOUNT, REGION, cidrs=["10.0.0.0/16"])
    for subnet_id, cidr in (
        ("subnet-pub", "10.0.1.0/24"),
        ("subnet-priv", "10.0.2.0/24"),
    ):
        estate.subnets[subnet_id] = Subnet(subnet_id, ACCOUNT, REGION, "vpc-1", cidr)
    if route_tables:
        estate.route_tables["rtb-pub"] = RouteTable(
            "rtb-pub",
            ACCOUNT,
            REGION,
            "vpc-1",
            subnet_ids=["subnet-pub"],
            routes=[
                ("10.0.0.0/16", "local"),
                ("0.0.0.0/0", "igw-1"),
                ("::/0", "igw-1"),
            ],
        )
        estate.route_tables["rtb-main"] = RouteTable(
            "rtb-main",
            ACCOUNT,
            REGION,
            "vpc-1",
            is_main=True,
            routes=[("10.0.0.0/16", "local"), ("0.0.0.0/0", "nat-1")],
        )
        estate.internet_gateway_ids.add("igw-1")
    estate.security_groups["sg-1"] = SecurityGroup(
        "sg-1", "web", ACCOUNT, REGION, "vpc-1", ingress=list(rules)
    )
    return estate


def _instance(
    estate: AwsEstate,
    instance_id: str = "i-1",
    *,
    subnet: str = "subnet-pub",
    public_ip: str = "203.0.113.10",
    ipv6: tuple[str, ...] = (),
    groups: tuple[str, ...] = ("sg-1",),
) -> Instance:
    instance = Instance(
        id=instance_id,
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}",
        account_id=ACCOUNT,
        region=REGION,
        name=instance_id,
        public_ip=public_ip,
        public_ipv6=list(ipv6),
        subnet_id=subnet,
        vpc_id="vpc-1",
        security_group_ids=list(groups),
    )
    estate.instances[instance_id] = instance
    return instance


def _analyse(estate: AwsEstate) -> GraphRecords:
    records = GraphRecords()
    add_account_nodes(estate, records, CONTEXT)
    add_resource_nodes(estate, records, CONTEXT)
    derive_exposure_edges(estate, records, CONTEXT)
    records.validate()
    return records


def _exposure(records: GraphRecords, target: str) -> Edge | None:
    for edge in records.edges_of_type("EXPOSED_TO"):
        if edge.source == INTERNET_ID and edge.target == target:
            return edge
    return None


def _evidence(edge: Edge) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(edge.props["evidence"])
    return loaded


def _attrs(records: GraphRecords, node_id: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(records.nodes[node_id].props["attrs"])
    return loaded


def test_open_ssh_instance_exposed() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    instance = _instance(estate)
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["ports"] == ["22"]
    assert edge.props["protocol"] == "tcp"
    assert edge.props["cidrs"] == ["0.0.0.0/0"]
    assert edge.props["conditional"] is False
    kinds = [item["kind"] for item in _evidence(edge)]
    assert "public_address" in kinds
    assert {
        "kind": "route",
        "subnet": "subnet-pub",
        "route_table": "rtb-pub",
        "destination": "0.0.0.0/0",
        "target": "igw-1",
    } in _evidence(edge)
    assert "sg-1" in edge.props["reason"]
    assert "igw-1" in edge.props["reason"]


def test_ipv6_rule_needs_ipv6_address() -> None:
    estate = _estate(_rule("tcp", 443, 443, "::/0"))
    without_ipv6 = _instance(estate, "i-v4")
    with_ipv6 = _instance(estate, "i-v6", public_ip="", ipv6=("2001:db8::10",))
    records = _analyse(estate)
    assert _exposure(records, without_ipv6.arn) is None
    edge = _exposure(records, with_ipv6.arn)
    assert edge is not None
    assert edge.props["cidrs"] == ["::/0"]
    assert edge.props["ports"] == ["443"]


def test_all_traffic_rule_opens_everything() -> None:
    estate = _estate(_rule("-1", None, None, "0.0.0.0/0"))
    instance = _instance(estate)
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["ports"] == ["all"]
    assert edge.props["protocol"] == "all"


def test_port_ranges_are_merged() -> None:
    estate = _estate(
        _rule("tcp", 8000, 8080, "0.0.0.0/0"),
        _rule("tcp", 8081, 8090, "0.0.0.0/0"),
        _rule("tcp", 22, 22, "0.0.0.0/0"),
    )
    instance = _instance(estate)
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["ports"] == ["22", "8000-8090"]


def test_mixed_protocols_merge_ports() -> None:
    estate = _estate(
        _rule("tcp", 22, 22, "0.0.0.0/0"), _rule("udp", 53, 53, "0.0.0.0/0")
    )
    instance = _instance(estate)
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["protocol"] == "all"
    assert edge.props["ports"] == ["22", "53"]
    rules = [
        item["rule"]
        for item in _evidence(edge)
        if item["kind"] == "security_group_rule"
    ]
    assert rules == ["tcp 22", "udp 53"]


def test_private_subnet_without_igw_route() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    instance = _instance(estate, subnet="subnet-priv")
    assert _exposure(_analyse(estate), instance.arn) is None


def test_missing_route_tables_assume_route() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"), route_tables=False)
    instance = _instance(estate, subnet="subnet-priv")
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    routes = [item for item in _evidence(edge) if item["kind"] == "route"]
    assert routes[0]["assumed"] is True
    assert "assumed" in edge.props["reason"]


def test_restricted_cidr_is_not_exposure() -> None:
    estate = _estate(_rule("tcp", 22, 22, "198.51.100.7/32", "192.0.2.0/28"))
    instance = _instance(estate)
    records = _analyse(estate)
    assert _exposure(records, instance.arn) is None
    restricted = _attrs(records, instance.arn)["restricted_ingress"]
    assert restricted == [
        {
            "security_group": "sg-1",
            "rule": "tcp 22",
            "cidrs": ["192.0.2.0/28", "198.51.100.7/32"],
        }
    ]
    group_node = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-1"
    assert records.nodes[group_node].props["cidrs"] == [
        "192.0.2.0/28",
        "198.51.100.7/32",
    ]


def test_no_public_address_no_exposure() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    instance = _instance(estate, public_ip="")
    assert _exposure(_analyse(estate), instance.arn) is None


def _acl(
    estate: AwsEstate,
    *entries: tuple[int, bool, str, int | None, int | None, str, bool],
) -> None:
    estate.network_acls["acl-1"] = NetworkAcl(
        "acl-1",
        ACCOUNT,
        REGION,
        "vpc-1",
        subnet_ids=["subnet-pub"],
        entries=list(entries),
    )


_ALLOW_ALL_OUT = (100, True, "-1", None, None, "0.0.0.0/0", True)
_DEFAULT_DENY_IN = (32767, False, "-1", None, None, "0.0.0.0/0", False)
_DEFAULT_DENY_OUT = (32767, True, "-1", None, None, "0.0.0.0/0", False)


def test_nacl_deny_blocks_exposure() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    _acl(
        estate,
        (90, False, "6", 22, 22, "0.0.0.0/0", False),
        (100, False, "-1", None, None, "0.0.0.0/0", True),
        _ALLOW_ALL_OUT,
        _DEFAULT_DENY_IN,
        _DEFAULT_DENY_OUT,
    )
    instance = _instance(estate)
    assert _exposure(_analyse(estate), instance.arn) is None


def test_nacl_keeps_allowed_ports_only() -> None:
    estate = _estate(_rule("tcp", 0, 65535, "0.0.0.0/0"))
    _acl(
        estate,
        (100, False, "6", 443, 443, "0.0.0.0/0", True),
        (110, False, "6", 20, 30, "203.0.113.0/24", True),
        _ALLOW_ALL_OUT,
        _DEFAULT_DENY_IN,
        _DEFAULT_DENY_OUT,
    )
    instance = _instance(estate)
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["ports"] == ["443"]
    acl_items = [item for item in _evidence(edge) if item["kind"] == "network_acl"]
    assert acl_items[0]["network_acl"] == "acl-1"


def test_nacl_narrow_deny_keeps_exposure() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    _acl(
        estate,
        (50, False, "6", 22, 22, "198.51.100.0/24", False),
        (100, False, "-1", None, None, "0.0.0.0/0", True),
        _ALLOW_ALL_OUT,
        _DEFAULT_DENY_IN,
        _DEFAULT_DENY_OUT,
    )
    instance = _instance(estate)
    assert _exposure(_analyse(estate), instance.arn) is not None


def test_nacl_without_reply_path() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    _acl(
        estate,
        (100, False, "-1", None, None, "0.0.0.0/0", True),
        (100, True, "6", 443, 443, "0.0.0.0/0", True),
        _DEFAULT_DENY_IN,
        _DEFAULT_DENY_OUT,
    )
    instance = _instance(estate)
    assert _exposure(_analyse(estate), instance.arn) is None


def _balancer(
    estate: AwsEstate,
    *,
    scheme: str = "internet-facing",
    listeners: tuple[Listener, ...] = (Listener(443, "HTTPS", 8080),),
    targets: tuple[str, ...] = (),
) -> LoadBalancer:
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/abc"
    balancer = LoadBalancer(
        arn=arn,
        name="web",
        kind="application",
        account_id=ACCOUNT,
        region=REGION,
        scheme=scheme,
        vpc_id="vpc-1",
        subnet_ids=["subnet-pub"],
        security_group_ids=["sg-1"],
        listeners=list(listeners),
        target_instance_ids=list(targets),
    )
    estate.load_balancers[arn] = balancer
    return balancer


def test_balancer_counts_listener_ports_only() -> None:
    estate = _estate(
        _rule("tcp", 443, 443, "0.0.0.0/0"), _rule("tcp", 22, 22, "0.0.0.0/0")
    )
    balancer = _balancer(estate)
    edge = _exposure(_analyse(estate), balancer.arn)
    assert edge is not None
    assert edge.props["ports"] == ["443"]
    rules = [
        item["rule"]
        for item in _evidence(edge)
        if item["kind"] == "security_group_rule"
    ]
    assert rules == ["tcp 443"]


def test_balancer_listener_not_admitted() -> None:
    estate = _estate(_rule("tcp", 443, 443, "0.0.0.0/0"))
    balancer = _balancer(estate, listeners=(Listener(8000, "HTTP", 8000),))
    assert _exposure(_analyse(estate), balancer.arn) is None


def test_internal_balancer_not_exposed() -> None:
    estate = _estate(_rule("tcp", 443, 443, "0.0.0.0/0"))
    balancer = _balancer(estate, scheme="internal")
    assert _exposure(_analyse(estate), balancer.arn) is None


def test_balancer_target_gets_exposure() -> None:
    estate = _estate(_rule("tcp", 443, 443, "0.0.0.0/0"))
    estate.security_groups["sg-app"] = SecurityGroup(
        "sg-app",
        "app",
        ACCOUNT,
        REGION,
        "vpc-1",
        ingress=[
            SecurityGroupRule("tcp", 8080, 8080, source_group_ids=["sg-1"]),
        ],
    )
    target = _instance(
        estate, "i-app", subnet="subnet-priv", public_ip="", groups=("sg-app",)
    )
    balancer = _balancer(estate, targets=("i-app",))
    edge = _exposure(_analyse(estate), target.arn)
    assert edge is not None
    assert edge.props["ports"] == ["8080"]
    hops = [item for item in _evidence(edge) if item["kind"] == "load_balancer_target"]
    assert hops[0]["load_balancer"] == balancer.arn
    assert hops[0]["listener_ports"] == ["443"]
    assert "web" in edge.props["reason"]


def test_balancer_target_blocked_by_group() -> None:
    estate = _estate(_rule("tcp", 443, 443, "0.0.0.0/0"))
    estate.security_groups["sg-app"] = SecurityGroup(
        "sg-app",
        "app",
        ACCOUNT,
        REGION,
        "vpc-1",
        ingress=[SecurityGroupRule("tcp", 22, 22, source_group_ids=["sg-bastion"])],
    )
    target = _instance(
        estate, "i-app", subnet="subnet-priv", public_ip="", groups=("sg-app",)
    )
    _balancer(estate, targets=("i-app",))
    assert _exposure(_analyse(estate), target.arn) is None


def _database(estate: AwsEstate, *, public: bool) -> DbInstance:
    arn = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
    database = DbInstance(
        arn=arn,
        id="orders",
        account_id=ACCOUNT,
        region=REGION,
        engine="postgres",
        publicly_accessible=public,
        port=5432,
        vpc_id="vpc-1",
        subnet_ids=["subnet-priv", "subnet-pub"],
        security_group_ids=["sg-1"],
    )
    estate.databases[arn] = database
    return database


def test_public_rds_with_open_group() -> None:
    estate = _estate(
        _rule("tcp", 5432, 5432, "0.0.0.0/0"), _rule("tcp", 22, 22, "0.0.0.0/0")
    )
    database = _database(estate, public=True)
    edge = _exposure(_analyse(estate), database.arn)
    assert edge is not None
    assert edge.props["ports"] == ["5432"]
    assert edge.props["evidence"].count("publicly_accessible") == 1


def test_private_rds_not_exposed() -> None:
    estate = _estate(_rule("tcp", 5432, 5432, "0.0.0.0/0"))
    database = _database(estate, public=False)
    assert _exposure(_analyse(estate), database.arn) is None


def _function(estate: AwsEstate, policy: dict[str, Any] | None) -> LambdaFunction:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hook"
    function = LambdaFunction(
        arn=arn,
        name="hook",
        account_id=ACCOUNT,
        region=REGION,
        url_auth_type="NONE",
        resource_policy=policy,
        environment_variable_names=["DB_PASSWORD"],
    )
    estate.functions[arn] = function
    return function


_PUBLIC_URL_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "FunctionURLAllowPublicAccess",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl",
            "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:hook",
            "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        }
    ],
}


def test_function_url_without_auth() -> None:
    estate = _estate()
    function = _function(estate, _PUBLIC_URL_POLICY)
    edge = _exposure(_analyse(estate), function.arn)
    assert edge is not None
    assert edge.props["ports"] == ["443"]
    assert edge.props["conditional"] is False
    assert edge.props["cidrs"] == ["0.0.0.0/0", "::/0"]


def test_function_url_without_policy_conditional() -> None:
    estate = _estate()
    function = _function(estate, None)
    edge = _exposure(_analyse(estate), function.arn)
    assert edge is not None
    assert edge.props["conditional"] is True


def test_function_url_with_iam_auth() -> None:
    estate = _estate()
    function = _function(estate, _PUBLIC_URL_POLICY)
    function.url_auth_type = "AWS_IAM"
    assert _exposure(_analyse(estate), function.arn) is None


def test_terminated_instance_not_exposed() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    instance = _instance(estate)
    instance.state = "terminated"
    assert _exposure(_analyse(estate), instance.arn) is None


def test_ipv6_needs_ipv6_route() -> None:
    estate = _estate(_rule("tcp", 443, 443, "::/0"))
    estate.route_tables["rtb-pub"].routes = [("0.0.0.0/0", "igw-1")]
    instance = _instance(estate, public_ip="", ipv6=("2001:db8::10",))
    assert _exposure(_analyse(estate), instance.arn) is None


def test_egress_only_gateway_not_inbound() -> None:
    estate = _estate(_rule("tcp", 443, 443, "::/0"))
    estate.route_tables["rtb-pub"].routes = [("::/0", "eigw-1")]
    instance = _instance(estate, public_ip="", ipv6=("2001:db8::10",))
    assert _exposure(_analyse(estate), instance.arn) is None


def test_icmp_only_rule_no_edge() -> None:
    estate = _estate(_rule("icmp", 8, 0, "0.0.0.0/0"))
    instance = _instance(estate)
    assert _exposure(_analyse(estate), instance.arn) is None


def test_unknown_group_not_evaluated() -> None:
    estate = _estate(_rule("tcp", 22, 22, "0.0.0.0/0"))
    instance = _instance(estate, groups=("sg-missing",))
    assert _exposure(_analyse(estate), instance.arn) is None


def test_network_balancer_without_groups() -> None:
    estate = _estate()
    balancer = _balancer(estate, listeners=(Listener(53, "UDP"), Listener(443, "TLS")))
    balancer.kind = "network"
    balancer.security_group_ids = []
    edge = _exposure(_analyse(estate), balancer.arn)
    assert edge is not None
    assert edge.props["ports"] == ["53", "443"]
    assert edge.props["protocol"] == "all"
    notes = [item for item in _evidence(edge) if item["kind"] == "security_group"]
    assert notes


def test_classic_balancer_forwards_instance_port() -> None:
    estate = _estate(_rule("tcp", 443, 443, "0.0.0.0/0"))
    estate.security_groups["sg-app"] = SecurityGroup(
        "sg-app",
        "app",
        ACCOUNT,
        REGION,
        "vpc-1",
        ingress=[_rule("tcp", 8000, 8000, "10.0.0.0/16")],
    )
    target = _instance(
        estate, "i-app", subnet="subnet-priv", public_ip="", groups=("sg-app",)
    )
    balancer = _balancer(
        estate, listeners=(Listener(443, "HTTPS", 8000),), targets=("i-app",)
    )
    balancer.kind = "classic"
    edge = _exposure(_analyse(estate), target.arn)
    assert edge is not None
    assert edge.props["ports"] == ["8000"]
    hops = [item for item in _evidence(edge) if item["kind"] == "load_balancer_target"]
    assert hops[0]["target_ports"] == ["8000"]


def test_search_domain_outside_vpc() -> None:
    estate = _estate()
    arn = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/logs"
    estate.databases[arn] = DbInstance(
        arn=arn,
        id="logs",
        account_id=ACCOUNT,
        region=REGION,
        publicly_accessible=True,
        port=443,
        kind="elasticsearch",
    )
    records = _analyse(estate)
    edge = _exposure(records, arn)
    assert edge is not None
    assert edge.props["ports"] == ["443"]
    assert records.nodes[arn].props["type"] == "search_domain"


def test_direct_and_balancer_paths_merge() -> None:
    estate = _estate(
        _rule("tcp", 443, 443, "0.0.0.0/0"), _rule("tcp", 22, 22, "0.0.0.0/0")
    )
    instance = _instance(estate)
    _balancer(estate, listeners=(Listener(443, "HTTPS", 8443),), targets=("i-1",))
    estate.security_groups["sg-1"].ingress.append(
        SecurityGroupRule("tcp", 8443, 8443, source_group_ids=["sg-1"])
    )
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["ports"] == ["22", "443", "8443"]
    kinds = {item["kind"] for item in _evidence(edge)}
    assert "public_address" in kinds
    assert "load_balancer_target" in kinds


def test_reason_lists_ports() -> None:
    estate = _estate(
        _rule("tcp", 80, 80, "0.0.0.0/0"), _rule("tcp", 443, 443, "0.0.0.0/0")
    )
    instance = _instance(estate)
    edge = _exposure(_analyse(estate), instance.arn)
    assert edge is not None
    assert edge.props["reason"] == (
        "Instance i-1 has public address 203.0.113.10 and security group sg-1 "
        "admits 0.0.0.0/0 on tcp ports 80 and 443, with a route to internet "
        "gateway igw-1."
    )
