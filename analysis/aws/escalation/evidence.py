"""Evidence items for derived identity edges: which statements allowed what."""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.aws.escalation.context import PrincipalView
from toxicpath.analysis.aws.policy import EvaluationResult


def statement_evidence(
    view: PrincipalView | None, result: EvaluationResult
) -> list[dict[str, Any]]:
    """Describe each allowing statement and each undecided condition of `result`."""
    items: list[dict[str, Any]] = []
    for ref in result.allowed_by:
        item: dict[str, Any] = {
            "policy": ref.policy_id,
            "statement": ref.sid or f"#{ref.statement_index}",
        }
        if view is not None:
            source = view.sources.get(ref.policy_id)
            if source is not None:
                item["attachment"] = source.attachment
                if source.via:
                    item["via"] = source.via
        items.append(item)
    for condition in result.undecided:
        items.append(
            {
                "policy": condition.policy_id,
                "statement": f"#{condition.statement_index}",
                "undecided_condition": (
                    f"{condition.operator} {condition.key} "
                    f"{', '.join(condition.values)}"
                ).strip(),
            }
        )
    return items


def action_evidence(
    view: PrincipalView, action: str, resource: str, result: EvaluationResult
) -> dict[str, Any]:
    """Describe one required action with the statements that allow it."""
    return {
        "action": action,
        "resource": resource,
        "conditional": result.conditional,
        "allowed_by": statement_evidence(view, result),
    }
