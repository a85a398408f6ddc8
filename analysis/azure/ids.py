"""Node ids for Azure things, shared by every part of the Azure analysis.

ARM objects use their lower-cased ARM id (`/subscriptions/...`). Entra ID
principals have no ARM id, so they get `azure:principal:<object id>`; a
user-assigned identity is the principal of its service principal, and its ARM
id is kept in the node's attributes.
"""

from __future__ import annotations

from toxicpath.ingest.azure.arm import normalize_id

ANONYMOUS_NODE = "azure:anonymous"


def tenant_node(tenant_id: str) -> str:
    return f"azure:tenant:{tenant_id.lower()}"


def account_admin_node(subscription_id: str) -> str:
    """The pseudo-identity that stands for full control of one subscription."""
    return f"azure:account_admin:{subscription_id.lower()}"


def principal_node(object_id: str) -> str:
    return f"azure:principal:{object_id.lower()}"


def user_assigned_identity_node(arm_id: str) -> str:
    """Node of a user-assigned identity whose principal id is not known."""
    return f"azure:identity:{normalize_id(arm_id)}"


def role_definition_node(guid: str) -> str:
    return f"azure:role_definition:{guid.lower()}"


def role_assignment_node(assignment_id: str) -> str:
    return normalize_id(assignment_id)
