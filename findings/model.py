"""The Finding: one rule match on one subject, with its path and lifecycle state."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["open", "accepted", "suppressed", "resolved"]
STATUSES: tuple[str, ...] = ("open", "accepted", "suppressed", "resolved")

# Length of the hex fingerprint: 96 bits, so two different findings of one
# estate collide with negligible probability.
FINGERPRINT_HEX_LENGTH = 24


@dataclass(frozen=True)
class FindingPath:
    """The attack path behind a finding: node ids and the edge types between them."""

    node_ids: tuple[str, ...] = ()
    edge_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.node_ids and len(self.edge_types) != len(self.node_ids) - 1:
            raise ValueError(
                f"a path of {len(self.node_ids)} nodes needs "
                f"{len(self.node_ids) - 1} edge types, got {len(self.edge_types)}"
            )

    @property
    def entry_id(self) -> str:
        """The first node of the path, or empty for a posture finding."""
        return self.node_ids[0] if self.node_ids else ""

    def __bool__(self) -> bool:
        return bool(self.node_ids)


@dataclass
class Finding:
    """One match of a rule against one subject in one scan."""

    rule_id: str
    severity: str
    title: str
    resource_id: str
    fingerprint: str
    resource_name: str = ""
    path: FindingPath = field(default_factory=FindingPath)
    evidence: dict[str, Any] = field(default_factory=dict)
    risk_score: float = 0.0
    status: Status = "open"
    # Why the status is not open: the acceptance or suppression that applies.
    status_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready plain data."""
        data = asdict(self)
        data["path"] = {
            "node_ids": list(self.path.node_ids),
            "edge_types": list(self.path.edge_types),
        }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild a finding written by `to_dict`."""
        path = data.get("path") or {}
        return cls(
            rule_id=data["rule_id"],
            severity=data["severity"],
            title=data["title"],
            resource_id=data["resource_id"],
            fingerprint=data["fingerprint"],
            resource_name=data.get("resource_name", ""),
            path=FindingPath(
                node_ids=tuple(path.get("node_ids", ())),
                edge_types=tuple(path.get("edge_types", ())),
            ),
            evidence=dict(data.get("evidence") or {}),
            risk_score=float(data.get("risk_score", 0.0)),
            status=data.get("status", "open"),
            status_reason=data.get("status_reason", ""),
        )


def fingerprint(*, rule_id: str, resource_id: str, path: FindingPath) -> str:
    """Return the stable id of a finding.

    The id depends on the rule, the subject and the path's node ids and edge
    types. A rescan of the same estate yields the same id, and a finding whose
    path changes (a new hop, a different role) gets a new one. Evidence text
    and scan ids do not enter it.
    """
    key = json.dumps(
        [rule_id, resource_id, list(path.node_ids), list(path.edge_types)],
        separators=(",", ":"),
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:FINGERPRINT_HEX_LENGTH]
