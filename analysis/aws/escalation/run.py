"""Run the escalation catalog over every principal and write CAN_ESCALATE edges.

Admins are skipped: they already reach `account_admin`, and every technique
would fire for them. Groups run too, standing for "any member of the group",
so a path through `iam:AddUserToGroup` continues from the group.

Two choices keep large estates tractable:

- Techniques whose findings depend only on a principal's policies (passing
  a role, hijacking existing compute) run once per distinct policy set and
  are shared by every principal with that set.
- An edge to another identity is kept only when that identity leads
  somewhere: it is admin, has CAN_ACCESS edges, or reaches such an identity
  through CAN_ASSUME and CAN_ESCALATE edges. A principal that may pass any
  of 2,000 Lambda roles gets edges to the roles that matter, not to all.
  Self-escalation edges to `account_admin` are always kept.
- A principal that may pass every such role a service may assume in its
  account gets one edge to a per-account service node instead of one edge
  per role (see `fanout.py`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict, deque
from collections.abc import Iterable

from toxicpath.analysis.aws.escalation.catalog import (
    ACCOUNT_ADMIN,
    PASSED_ROLE,
    RESOURCE_ROLE,
    Escalation,
    Finding,
    Technique,
    all_techniques,
)
from toxicpath.analysis.aws.escalation.checks import subject
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.fanout import collapse_fanouts
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

# Target kinds whose findings depend on the principal's policies alone.
_SHARED_KINDS = frozenset({PASSED_ROLE, RESOURCE_ROLE})


def find_escalations(
    view: EstateView,
    principal: PrincipalView,
    techniques: Iterable[Technique] | None = None,
    shared: dict[tuple[str, tuple[str, ...], object], list[Escalation]] | None = None,
) -> list[tuple[Technique, Escalation]]:
    """Return every (technique, finding) for one principal.

    `shared` caches findings of policy-only techniques per policy set and
    owner (`EstateView.owner`).
    """
    found = []
    owner = view.owner(principal)
    for technique in techniques if techniques is not None else all_techniques():
        if shared is not None and technique.target_kind in _SHARED_KINDS:
            cache_key = (technique.id, principal.key, owner)
            results = shared.get(cache_key)
            if results is None:
                results = list(technique.checker(view, principal))
                shared[cache_key] = results
        else:
            results = list(technique.checker(view, principal))
        for escalation in results:
            if escalation.target != principal.arn:
                found.append((technique, escalation))
    return found


def derive_escalation_edges(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    """Run every technique and write the CAN_ESCALATE edges worth keeping.

    Run after trust and access analysis: the pruning reads their edges.
    """
    techniques = all_techniques()
    shared: dict[tuple[str, tuple[str, ...], object], list[Escalation]] = {}
    findings: list[Finding] = []
    principals = [*view.views.values(), *view.group_views.values()]
    for principal in principals:
        if view.is_admin(principal.arn):
            continue
        for technique, escalation in find_escalations(
            view, principal, techniques, shared
        ):
            findings.append(Finding(principal, technique, escalation))
    valuable = _leading_somewhere(records, findings)
    counts: Counter[str] = Counter()
    dropped = 0
    missing: Counter[str] = Counter()
    texts: dict[int, str] = {}
    kept: list[Finding] = []
    for item in findings:
        escalation = item.escalation
        if escalation.target not in records.nodes:
            missing[escalation.target] += 1
            continue
        keep = item.technique.target_kind == ACCOUNT_ADMIN or (
            escalation.target in valuable
        )
        if not keep:
            dropped += 1
            continue
        kept.append(item)
    for item in collapse_fanouts(view, records, context, kept, valuable):
        _write(records, context, item, texts)
        counts[item.technique.id] += 1
    for target, count in missing.items():
        logger.warning(
            "skipped %d escalation edges to %s, which is not in the snapshot",
            count,
            target,
        )
    logger.info(
        "derived %d CAN_ESCALATE edges with %d techniques; dropped %d edges to "
        "identities that lead nowhere",
        sum(counts.values()),
        len(counts),
        dropped,
    )


def _leading_somewhere(records: GraphRecords, findings: list[Finding]) -> set[str]:
    """Identities that are admin, have CAN_ACCESS edges, or reach one of those."""
    incoming: dict[str, list[str]] = defaultdict(list)
    seeds: set[str] = set()
    for edge in records.edges.values():
        if edge.type == "CAN_ACCESS":
            seeds.add(edge.source)
        elif edge.type in ("CAN_ASSUME", "CAN_ESCALATE"):
            incoming[edge.target].append(edge.source)
    for record in records.nodes.values():
        if record.label == "Identity" and record.props.get("type") == "account_admin":
            seeds.add(record.id)
    for item in findings:
        incoming[item.escalation.target].append(item.principal.arn)
    valuable = set(seeds)
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        for source in incoming.get(node, ()):
            if source not in valuable:
                valuable.add(source)
                queue.append(source)
    return valuable


def _write(
    records: GraphRecords,
    context: TransformContext,
    item: Finding,
    texts: dict[int, str],
) -> None:
    technique, escalation = item.technique, item.escalation
    # Findings shared by a policy set are written once per principal, so
    # their evidence text is built once and shared (memory on large estates).
    text = texts.get(id(escalation))
    if text is None:
        evidence: dict[str, object] = {
            "technique": technique.id,
            "title": technique.title,
            "steps": list(escalation.steps),
        }
        if escalation.victim:
            evidence["victim"] = escalation.victim
        if escalation.notes:
            evidence["notes"] = list(escalation.notes)
        text = to_json_text([evidence])
        texts[id(escalation)] = text
    records.add_edge(
        "CAN_ESCALATE",
        item.principal.arn,
        escalation.target,
        scan_id=context.scan_id,
        technique=technique.id,
        conditional=escalation.conditional,
        reason=f"{subject(item.principal.principal)} {escalation.reason}",
        evidence=text,
    )
