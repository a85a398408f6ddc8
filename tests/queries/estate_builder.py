"""A small builder for graph records shaped like what the analysis writes."""

from __future__ import annotations

from typing import Any

from toxicpath.graph.records import GraphRecords

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"


def admin_id(account: str = ACCOUNT) -> str:
    return f"aws:account_admin:{account}"


class Estate:
    """Graph records built one node or edge at a time, with model-shaped ids."""

    def __init__(self) -> None:
        self.records = GraphRecords()

    def internet(self) -> str:
        self.records.add_node("Internet", "internet", cloud="none", type="internet")
        return "internet"

    def account_admin(self, account: str = ACCOUNT) -> str:
        node_id = admin_id(account)
        self.records.add_node(
            "Identity",
            node_id,
            cloud="aws",
            type="account_admin",
            name=f"admin of {account}",
            account_id=account,
            is_admin=True,
        )
        return node_id

    def identity(
        self, node_id: str, *, type: str = "role", account: str = ACCOUNT, **props: Any
    ) -> str:
        self.records.add_node(
            "Identity",
            node_id,
            cloud="aws",
            type=type,
            name=node_id.rsplit("/", 1)[-1],
            account_id=account,
            **props,
        )
        return node_id

    def admin_identity(self, node_id: str, **props: Any) -> str:
        """An admin identity and its edge to account admin.

        `own_policies_admin=False` marks admin rights that come only from groups.
        """
        account = props.get("account", ACCOUNT)
        own = props.pop("own_policies_admin", True)
        self.identity(node_id, is_admin=True, **props)
        evidence = f'[{{"own_policies_admin":{"true" if own else "false"}}}]'
        self.escalate(
            node_id,
            self.account_admin(account),
            technique="aws-admin-policy",
            evidence=evidence,
        )
        return node_id

    def resource(
        self, node_id: str, *, type: str, account: str = ACCOUNT, **props: Any
    ) -> str:
        self.records.add_node(
            "Resource",
            node_id,
            cloud="aws",
            type=type,
            name=node_id.rsplit(":", 1)[-1],
            account_id=account,
            **props,
        )
        return node_id

    def exposed(self, target: str, *, ports: tuple[str, ...] = ("443",)) -> None:
        self.internet()
        self.records.add_edge(
            "EXPOSED_TO",
            "internet",
            target,
            ports=list(ports),
            protocol="tcp",
            cidrs=["0.0.0.0/0"],
            conditional=False,
        )

    def runs_as(self, resource: str, identity: str) -> None:
        self.records.add_edge("RUNS_AS", resource, identity)

    def assume(
        self, source: str, target: str, *, conditional: bool = False, evidence: str = ""
    ) -> None:
        self.records.add_edge(
            "CAN_ASSUME",
            source,
            target,
            conditional=conditional,
            evidence=evidence or "[]",
        )

    def escalate(
        self, source: str, target: str, *, technique: str, evidence: str = "[]"
    ) -> None:
        self.records.add_edge(
            "CAN_ESCALATE",
            source,
            target,
            technique=technique,
            conditional=False,
            evidence=evidence,
        )

    def access(
        self,
        identity: str,
        resource: str,
        *,
        level: str = "read",
        conditional: bool = False,
        evidence: str = "[]",
    ) -> None:
        self.records.add_edge(
            "CAN_ACCESS",
            identity,
            resource,
            level=level,
            actions=["s3:GetObject"],
            conditional=conditional,
            evidence=evidence,
        )

    def member_of(self, user: str, group: str) -> None:
        self.records.add_edge("MEMBER_OF", user, group)

    def anonymous(self) -> str:
        self.identity("aws:anonymous", type="anonymous", account="")
        self.exposed("aws:anonymous")
        return "aws:anonymous"

    def any_principal(self) -> str:
        self.identity("aws:any_principal", type="external_account", account="")
        self.exposed("aws:any_principal")
        return "aws:any_principal"
