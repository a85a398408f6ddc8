"""Azure Resource Manager ids and object shapes.

ARM ids are case-insensitive and different APIs spell them differently
(`resourceGroups` and `resourcegroups`), so every id is compared lower-cased.
`az` CLI output flattens the ARM `properties` wrapper that REST responses keep;
`flatten` accepts both shapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

ROOT_SCOPE = "/"
MANAGEMENT_GROUP_PREFIX = "/providers/microsoft.management/managementgroups/"


def normalize_id(arm_id: str | None) -> str:
    """Return `arm_id` lower-cased without a trailing slash ("/" stays "/")."""
    if not arm_id:
        return ""
    text = str(arm_id).strip().lower()
    if text != ROOT_SCOPE:
        text = text.rstrip("/")
    if not text.startswith("/"):
        text = "/" + text
    return text


def subscription_of(arm_id: str) -> str:
    """Return the subscription GUID in an ARM id, or "" when it has none."""
    parts = normalize_id(arm_id).split("/")
    if len(parts) > 2 and parts[1] == "subscriptions":
        return parts[2]
    return ""


def resource_group_id_of(arm_id: str) -> str:
    """Return the resource group id that contains `arm_id`, or ""."""
    parts = normalize_id(arm_id).split("/")
    if len(parts) > 4 and parts[1] == "subscriptions" and parts[3] == "resourcegroups":
        return "/".join(parts[:5])
    return ""


def subscription_id_node(subscription_id: str) -> str:
    return f"/subscriptions/{subscription_id.lower()}"


def last_segment(arm_id: str) -> str:
    return str(arm_id).rstrip("/").rsplit("/", 1)[-1]


def is_management_group(scope: str) -> bool:
    return normalize_id(scope).startswith(MANAGEMENT_GROUP_PREFIX)


def management_group_id(name: str) -> str:
    return f"{MANAGEMENT_GROUP_PREFIX}{name.lower()}"


def scope_covers(scope: str, target: str) -> bool:
    """True when an assignment at `scope` is inherited by `target` by id prefix.

    Management group scopes do not appear in resource ids; callers resolve
    those through the hierarchy.
    """
    scope = normalize_id(scope)
    target = normalize_id(target)
    if scope == ROOT_SCOPE:
        return True
    return target == scope or target.startswith(scope + "/")


def flatten(item: Mapping[str, Any]) -> dict[str, Any]:
    """Merge an ARM object's `properties` into its top level.

    Top-level keys of the envelope (id, name, type, location, identity, sku,
    tags) win over a property of the same name, as the CLI's flattening does.
    """
    merged: dict[str, Any] = {}
    properties = item.get("properties")
    if isinstance(properties, Mapping):
        merged.update(properties)
    for key, value in item.items():
        if key == "properties" and isinstance(value, Mapping):
            continue
        if key not in merged or value is not None:
            merged[key] = value
    return merged


def ref_id(value: Any) -> str:
    """Return the normalized id of an ARM reference (`{"id": ...}` or a string)."""
    if isinstance(value, Mapping):
        return normalize_id(value.get("id"))
    if isinstance(value, str):
        return normalize_id(value)
    return ""


def ref_ids(values: Any) -> list[str]:
    """Return the ids of a list of ARM references, skipping empty ones."""
    if not isinstance(values, list):
        return []
    return [ref for ref in (ref_id(value) for value in values) if ref]


def items_of(body: Any) -> Iterator[dict[str, Any]]:
    """Yield the objects in a response body: a `value` page, a list or one object."""
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict):
                yield item
        return
    if not isinstance(body, dict):
        return
    value = body.get("value")
    if isinstance(value, list) and set(body) <= {
        "value",
        "nextLink",
        "@odata.nextLink",
    }:
        yield from items_of(value)
        return
    yield body
