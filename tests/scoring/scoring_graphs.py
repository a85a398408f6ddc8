"""Graph records for the scoring tests."""

from __future__ import annotations

from toxicpath.graph.records import GraphRecords

ACCOUNT = "111111111111"
ADMIN = f"aws:account_admin:{ACCOUNT}"
DB = "arn:aws:rds:us-east-1:111111111111:db:payroll"


def node(records: GraphRecords, label: str, node_id: str, **props: object) -> str:
    records.add_node(label, node_id, cloud="aws", account_id=ACCOUNT, **props)
    return node_id


def two_routes_sharing_one_edge() -> GraphRecords:
    """Two internet-facing VMs whose roles both assume `hub`, which reads the DB.

    The routes share exactly one edge: hub -> DB.
    """
    records = GraphRecords()
    records.add_node("Internet", "internet", cloud="none", type="internet")
    node(records, "Identity", "hub", type="role")
    node(records, "Resource", DB, type="database", sensitivity="critical")
    for name in ("a", "b"):
        vm = node(records, "Resource", f"vm-{name}", type="virtual_machine")
        role = node(records, "Identity", f"role-{name}", type="role")
        records.add_edge("EXPOSED_TO", "internet", vm, ports=["443"], conditional=False)
        records.add_edge("RUNS_AS", vm, role)
        records.add_edge("CAN_ASSUME", role, "hub", conditional=False)
    records.add_edge("CAN_ACCESS", "hub", DB, level="read", conditional=False)
    return records
