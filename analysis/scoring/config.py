"""Scoring weights: how likely each edge is to be exploited, and what targets are worth.

Every weight is a probability-like number in (0, 1]. A path's likelihood is
the product of its edge weights; a path's risk is entry exposure x
likelihood x target impact. Callers override any weight with a dict (the
`[scoring]` table of the configuration file); `docs/scoring.md` gives the
reasoning behind each default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class ScoringConfigError(ValueError):
    """A scoring override with an unknown key or a weight outside (0, 1]."""


# Edge kind -> weight. EXPOSED_TO is split by what the internet reaches: an
# identity anyone can act as (anonymous, any principal) needs no exploit, a
# resource needs one (a vulnerable service, weak credentials).
DEFAULT_EDGE_WEIGHTS: dict[str, float] = {
    "EXPOSED_TO:Identity": 1.0,
    "EXPOSED_TO:Resource": 0.5,
    "RUNS_AS": 0.9,
    "CAN_ASSUME": 0.95,
    "CAN_ESCALATE": 0.8,
    "CAN_ACCESS": 0.95,
    # Implied edge from an account's admin to everything in the account.
    "ADMIN_CONTROL": 1.0,
}

# Escalation techniques whose weight differs from CAN_ESCALATE's default,
# matched by exact technique id. These are the edges from an identity that
# already has admin rights to its account's admin, and from an account's
# admin to the identities it controls, so no exploit is involved.
DEFAULT_TECHNIQUE_WEIGHTS: dict[str, float] = {
    "aws-admin-policy": 1.0,
    "azure-owner": 1.0,
    "azure-subscription-control": 1.0,
    "gcp-owner": 1.0,
    "gcp-project-control": 1.0,
}

DEFAULT_SENSITIVITY_IMPACT: dict[str, float] = {
    "low": 0.1,
    "medium": 0.4,
    "high": 0.7,
    "critical": 1.0,
}

# Exposure of an entry point: how available it is to an outside attacker.
DEFAULT_ENTRY_EXPOSURE: dict[str, float] = {
    "internet": 1.0,
    "anonymous": 1.0,
    "external_account": 0.9,
    # Any identity of the estate, for insider and stolen-credential analyses.
    "identity": 0.3,
}


@dataclass(frozen=True)
class ScoringConfig:
    """All weights of the scoring model."""

    edge_weights: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_EDGE_WEIGHTS)
    )
    technique_weights: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_TECHNIQUE_WEIGHTS)
    )
    # Multiplier for edges that depend on a condition the snapshot cannot decide.
    conditional_factor: float = 0.3
    sensitivity_impact: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_SENSITIVITY_IMPACT)
    )
    # Impact of reaching an account's admin: full control, so critical.
    account_admin_impact: float = 1.0
    # Impact of a resource whose sensitivity is unknown.
    unknown_impact: float = 0.1
    entry_exposure: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_ENTRY_EXPOSURE)
    )
    # Targets with at least this impact are crown jewels for ranking and cuts.
    crown_jewel_impact: float = 0.7

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any] | None) -> ScoringConfig:
        """Build a config from defaults and `overrides`; nested tables merge by key."""
        config = cls()
        if not overrides:
            return config
        values: dict[str, Any] = {}
        for key, value in overrides.items():
            if not hasattr(config, key):
                allowed = ", ".join(sorted(config.__dataclass_fields__))
                raise ScoringConfigError(
                    f"unknown scoring setting {key!r}; allowed: {allowed}"
                )
            current = getattr(config, key)
            if isinstance(current, dict):
                if not isinstance(value, Mapping):
                    raise ScoringConfigError(f"scoring setting {key} must be a table")
                merged = dict(current)
                for name, weight in value.items():
                    merged[str(name)] = _weight(f"{key}.{name}", weight)
                values[key] = merged
            else:
                values[key] = _weight(key, value)
        return cls(**{**config.__dict__, **values})

    def escalation_weight(self, technique: str | None) -> float:
        if technique and technique in self.technique_weights:
            return self.technique_weights[technique]
        return self.edge_weights["CAN_ESCALATE"]

    def impact(self, *, node_type: str | None, sensitivity: str | None) -> float:
        if node_type == "account_admin":
            return self.account_admin_impact
        if sensitivity:
            return self.sensitivity_impact.get(sensitivity, self.unknown_impact)
        return 0.0


def _weight(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScoringConfigError(
            f"scoring setting {name} must be a number, got {value!r}"
        )
    number = float(value)
    if not 0.0 < number <= 1.0:
        raise ScoringConfigError(
            f"scoring setting {name} is {number}; weights must be in (0, 1]"
        )
    return number
