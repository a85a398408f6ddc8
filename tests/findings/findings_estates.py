"""Estates for the findings tests: one path to admin, and a longer variant."""

from __future__ import annotations

from toxicpath.graph.records import GraphRecords

ACCOUNT = "111111111111"
ADMIN = f"aws:account_admin:{ACCOUNT}"
VM = "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"
ROLE = "arn:aws:iam::111111111111:role/web"
HOP = "arn:aws:iam::111111111111:role/deploy"
BUCKET = "arn:aws:s3:::public-assets"


def exposed_vm_to_admin(*, extra_hop: bool = False) -> GraphRecords:
    """An internet-facing VM whose role escalates to admin, plus a public bucket."""
    records = GraphRecords()
    records.add_node("Internet", "internet", cloud="none", type="internet")
    records.add_node(
        "Resource", VM, cloud="aws", type="virtual_machine", account_id=ACCOUNT
    )
    records.add_node("Identity", ROLE, cloud="aws", type="role", account_id=ACCOUNT)
    records.add_node(
        "Identity",
        ADMIN,
        cloud="aws",
        type="account_admin",
        account_id=ACCOUNT,
        is_admin=True,
    )
    records.add_node(
        "Resource",
        BUCKET,
        cloud="aws",
        type="object_storage",
        account_id=ACCOUNT,
        public=True,
    )
    records.add_edge("EXPOSED_TO", "internet", VM, ports=["443"], conditional=False)
    records.add_edge("RUNS_AS", VM, ROLE)
    if extra_hop:
        records.add_node("Identity", HOP, cloud="aws", type="role", account_id=ACCOUNT)
        records.add_edge("CAN_ASSUME", ROLE, HOP, conditional=False)
        records.add_edge(
            "CAN_ESCALATE", HOP, ADMIN, technique="aws-iam-put-role-policy"
        )
    else:
        records.add_edge(
            "CAN_ESCALATE", ROLE, ADMIN, technique="aws-iam-put-role-policy"
        )
    return records
