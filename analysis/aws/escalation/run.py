"""Run the escalation catalog over every principal and write CAN_ESCALATE edges.

Admins are skipped: they already reach `account_admin`, and every technique
would fire for them. Groups run too, standing for "any member of the group",
so a path through `iam:AddUserToGroup` continues from the group.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from toxicpath.analysis.aws.escalation.catalog import (
    Escalation,
    Technique,
    all_techniques,
)
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)


def find_escalations(
    view: EstateView,
    principal: PrincipalView,
    techniques: Iterable[Technique] | None = None,
) -> list[tuple[Technique, Escalation]]:
    """Return every (technique, finding) for one principal."""
    found = []
    for technique in techniques if techniques is not None else all_techniques():
        for escalation in technique.checker(view, principal):
            found.append((technique, escalation))
    return found


def derive_escalation_edges(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    techniques = all_techniques()
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    principals = [*view.views.values(), *view.group_views.values()]
    for principal in principals:
        if view.is_admin(principal.arn):
            continue
        for technique, escalation in find_escalations(view, principal, techniques):
            if escalation.target not in records.nodes:
                skipped[escalation.target] += 1
                continue
            evidence = {
                "technique": technique.id,
                "title": technique.title,
                "steps": list(escalation.steps),
            }
            if escalation.victim:
                evidence["victim"] = escalation.victim
            if escalation.notes:
                evidence["notes"] = list(escalation.notes)
            records.add_edge(
                "CAN_ESCALATE",
                principal.arn,
                escalation.target,
                scan_id=context.scan_id,
                technique=technique.id,
                conditional=escalation.conditional,
                reason=escalation.reason,
                evidence=to_json_text([evidence]),
            )
            counts[technique.id] += 1
    for target, count in skipped.items():
        logger.warning(
            "skipped %d escalation edges to %s, which is not in the snapshot",
            count,
            target,
        )
    logger.info(
        "derived %d CAN_ESCALATE edges with %d techniques",
        sum(counts.values()),
        len(counts),
    )
