"""Sensitivity of a resource: the impact of its compromise, low to critical.

The level comes from, in order of precedence:

1. `sensitivity_overrides` in the transform context: a glob on the resource's
   node id or name mapped to a level. The first pattern that matches wins.
2. An explicit classification tag (`data-classification`, `sensitivity`,
   `classification`, ...): its value is the owner's own statement, so it sets
   the level even when it is lower than the name suggests.
3. Otherwise the highest of three hints: marker tags (`confidential`, `pii`,
   ... with a true value), words in the name (`payroll`, `secret`, `prod`,
   ...) and the default of the resource's kind (secrets and keys high,
   databases and buckets medium).

The rule tables below are plain data and provider-neutral, so the Azure and
GCP analyses classify their resources with the same function.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass

from toxicpath.graph.model import SENSITIVITY_LEVELS

_RANK = {level: index for index, level in enumerate(SENSITIVITY_LEVELS)}

# Tag keys whose value is a classification. Keys are compared lower-cased with
# `_`, ` ` and `-` removed, so `Data_Classification` matches `dataclassification`.
CLASSIFICATION_TAG_KEYS: tuple[str, ...] = (
    "dataclassification",
    "classification",
    "sensitivity",
    "datasensitivity",
    "confidentiality",
    "securityclassification",
    "informationclassification",
    "dataclass",
)

# Classification tag values, lower-cased, mapped to a level.
CLASSIFICATION_VALUES: dict[str, str] = {
    "public": "low",
    "none": "low",
    "low": "low",
    "unclassified": "low",
    "internal": "medium",
    "medium": "medium",
    "moderate": "medium",
    "private": "medium",
    "sensitive": "high",
    "confidential": "high",
    "high": "high",
    "restricted": "critical",
    "highlyconfidential": "critical",
    "strictlyconfidential": "critical",
    "secret": "critical",
    "topsecret": "critical",
    "critical": "critical",
    "pii": "critical",
    "phi": "critical",
    "pci": "critical",
}

# Tag keys that mark sensitive content when their value is true (or when the
# key is present with an empty value), mapped to the level they imply.
MARKER_TAG_KEYS: dict[str, str] = {
    "confidential": "high",
    "sensitive": "high",
    "pii": "critical",
    "phi": "critical",
    "pci": "critical",
    "hipaa": "critical",
    "gdpr": "high",
    "containspii": "critical",
}

_FALSE_VALUES = frozenset({"false", "no", "0", "off", "n"})

# Words in a resource name that hint at its content, with the level they imply.
# Words of five letters or more match anywhere in the name (`payrollexports`);
# shorter ones only as a whole word (`prod-db`, not `product`).
NAME_HINTS: dict[str, str] = {
    "payroll": "critical",
    "pii": "critical",
    "phi": "critical",
    "pci": "critical",
    "ssn": "critical",
    "cardholder": "critical",
    "password": "critical",
    "passwd": "critical",
    "credential": "critical",
    "creds": "critical",
    "secret": "high",
    "private": "medium",
    "confidential": "high",
    "customer": "high",
    "finance": "high",
    "financial": "high",
    "billing": "high",
    "invoice": "high",
    "medical": "high",
    "patient": "high",
    "health": "high",
    "salary": "high",
    "hr": "high",
    "backup": "high",
    "backups": "high",
    "snapshot": "medium",
    "prod": "medium",
    "production": "medium",
    "cloudtrail": "medium",
    "audit": "medium",
    "terraform": "high",
    "tfstate": "high",
}

# Default level of each provider-neutral resource type; types not listed are low.
TYPE_DEFAULTS: dict[str, str] = {
    "secret": "high",
    "kms_key": "high",
    "key_vault": "high",
    "parameter": "medium",
    "database": "medium",
    "data_warehouse": "medium",
    "object_storage": "medium",
    "snapshot": "medium",
    "search_domain": "medium",
    "container_registry": "medium",
    "kubernetes_cluster": "medium",
}


@dataclass(frozen=True)
class Sensitivity:
    """A resource's sensitivity level and the hint that decided it."""

    level: str
    reason: str


def validate_overrides(overrides: Mapping[str, str]) -> None:
    """Raise ValueError on an override whose level is not a known level."""
    for pattern, level in overrides.items():
        if level not in _RANK:
            raise ValueError(
                f"sensitivity override {pattern!r} has level {level!r}; "
                f"use one of {', '.join(SENSITIVITY_LEVELS)}"
            )


def classify_sensitivity(
    *,
    resource_id: str,
    name: str,
    resource_type: str,
    tags: Mapping[str, str],
    overrides: Mapping[str, str] | None = None,
) -> Sensitivity:
    """Return the sensitivity of one resource from overrides, tags, name and type."""
    for pattern, level in (overrides or {}).items():
        if fnmatch.fnmatchcase(resource_id, pattern) or fnmatch.fnmatchcase(
            name, pattern
        ):
            if level not in _RANK:
                validate_overrides({pattern: level})
            return Sensitivity(level, f"override {pattern!r}")

    classified = _classification_from_tags(tags)
    if classified is not None:
        return classified

    candidates = [
        Sensitivity(
            TYPE_DEFAULTS.get(resource_type, "low"), f"default for {resource_type}"
        )
    ]
    candidates.extend(_markers_from_tags(tags))
    name_hint = _hint_from_name(name)
    if name_hint is not None:
        candidates.append(name_hint)
    # max() keeps the first of equal levels, so the type default wins ties and a
    # hint is named only when it raised the level.
    return max(candidates, key=lambda item: _RANK[item.level])


def max_level(first: str, second: str) -> str:
    """Return the higher of two sensitivity levels."""
    return first if _RANK[first] >= _RANK[second] else second


def _normalise_key(key: str) -> str:
    return re.sub(r"[\s_\-.:]", "", key.lower())


def _classification_from_tags(tags: Mapping[str, str]) -> Sensitivity | None:
    for key, value in tags.items():
        if _normalise_key(key) not in CLASSIFICATION_TAG_KEYS:
            continue
        level = CLASSIFICATION_VALUES.get(_normalise_key(str(value)))
        if level is None and str(value).lower() in _RANK:
            level = str(value).lower()
        if level is not None:
            return Sensitivity(level, f"tag {key}={value}")
    return None


def _markers_from_tags(tags: Mapping[str, str]) -> list[Sensitivity]:
    markers = []
    for key, value in tags.items():
        level = MARKER_TAG_KEYS.get(_normalise_key(key))
        if level is None or str(value).strip().lower() in _FALSE_VALUES:
            continue
        markers.append(Sensitivity(level, f"tag {key}"))
    return markers


def _hint_from_name(name: str) -> Sensitivity | None:
    # Split camelCase and separators into lower-case words.
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = [word for word in re.split(r"[^a-zA-Z0-9]+", spaced.lower()) if word]
    joined = "".join(words)
    best: Sensitivity | None = None
    for hint, level in NAME_HINTS.items():
        matched = hint in words if len(hint) < 5 else hint in joined
        if not matched:
            continue
        if best is None or _RANK[level] > _RANK[best.level]:
            best = Sensitivity(level, f"name contains {hint!r}")
    return best
