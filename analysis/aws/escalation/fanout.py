"""Collapse PassRole fan-outs into one edge through a per-account service node.

A principal that may pass any role to a service (say `iam:PassRole` on `*`
with `lambda:CreateFunction`) can run code as every role that service may
assume in its account. Writing one CAN_ESCALATE edge per role gives
hundreds of edges per such principal. Some fan-outs reach more than
`FANOUT_LIMIT` roles and cover every role of the account that the service
may assume and that leads somewhere. Each of those becomes one edge to the
node `aws:service:<service>/<account>`, which has one CAN_ASSUME edge to
each of the roles. Paths keep the same reach, and the
edge count grows with principals plus roles instead of their product.
Partial fan-outs (some roles not passable) and fan-outs where only some
roles depend on an undecided condition stay as individual edges, because
the shared node would overstate them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.escalation import passrole
from toxicpath.analysis.aws.escalation.catalog import Escalation, Finding
from toxicpath.analysis.aws.escalation.context import EstateView
from toxicpath.analysis.aws.identity import add_external_identity
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.transform import TransformContext

# More passable roles than this for one principal and technique are
# collapsed; at or below it the individual edges read better.
FANOUT_LIMIT = 25


def service_account_node(service: str, account_id: str) -> str:
    """Return the node id for code that `service` runs in one account."""
    return f"{ids.service_principal_node(service)}/{account_id}"


def collapse_fanouts(
    view: EstateView,
    records: GraphRecords,
    context: TransformContext,
    findings: list[Finding],
    valuable: set[str],
) -> list[Finding]:
    """Return `findings` with each complete PassRole fan-out replaced by one."""
    specs = {spec.id: spec for spec in passrole.SPECS}
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    result: list[Finding] = []
    for item in findings:
        if item.technique.id in specs:
            groups[(item.principal.arn, item.technique.id)].append(item)
        else:
            result.append(item)
    built: set[str] = set()
    for (_, technique_id), items in groups.items():
        targets = {item.escalation.target for item in items}
        principal = items[0].principal
        spec = specs[technique_id]
        eligible = {
            role.arn
            for role in view.roles_trusting_service(principal.account_id, spec.service)
            if role.arn in valuable and role.arn != principal.arn
        }
        conditional = {item.escalation.conditional for item in items}
        complete = (
            len(targets) > FANOUT_LIMIT
            and eligible <= targets
            and len(conditional) == 1
        )
        if not complete:
            result.extend(items)
            continue
        node_id = service_account_node(spec.service, principal.account_id)
        if node_id not in built:
            _add_service_node(
                records, context, spec.service, principal.account_id, eligible
            )
            built.add(node_id)
        first = items[0].escalation
        result.append(
            Finding(
                principal,
                items[0].technique,
                Escalation(
                    target=node_id,
                    steps=first.steps,
                    conditional=first.conditional,
                    reason=(
                        f"can pass any of the {len(targets)} roles that "
                        f"{spec.service} may assume in account "
                        f"{principal.account_id} to {spec.doing}."
                    ),
                    notes=(
                        f"steps shown for {first.target}; the same actions "
                        f"are allowed for all {len(targets)} roles",
                    ),
                ),
            )
        )
    return result


def _add_service_node(
    records: GraphRecords,
    context: TransformContext,
    service: str,
    account_id: str,
    role_arns: set[str],
) -> None:
    node_id = service_account_node(service, account_id)
    add_external_identity(
        records,
        node_id,
        kind="service",
        name=f"{service} in {account_id}",
        scan_id=context.scan_id,
        account_id=account_id,
    )
    for role_arn in sorted(role_arns):
        evidence: list[dict[str, Any]] = [
            {
                "trust_policy": ids.trust_policy_node(role_arn),
                "principal": f"Service:{service}",
            }
        ]
        records.add_edge(
            "CAN_ASSUME",
            node_id,
            role_arn,
            scan_id=context.scan_id,
            reason=(
                f"Code that {service} runs in account {account_id} can run as "
                f"role {role_arn.rsplit('/', 1)[-1]}, whose trust policy admits "
                "the service."
            ),
            evidence=to_json_text(evidence),
            conditional=False,
        )
