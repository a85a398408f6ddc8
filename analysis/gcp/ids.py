"""Node ids for GCP things, shared by every part of the GCP analysis.

Resources use their Cloud Asset full resource name
(`//storage.googleapis.com/bucket`). Principals have no resource name in IAM
policies, so each IAM member string becomes `gcp:<member>`
(`gcp:user:alice@example.com`, `gcp:serviceAccount:sa@p.iam.gserviceaccount.com`,
`gcp:allUsers`). A service account's resource name is kept in its attributes.
"""

from __future__ import annotations

ANONYMOUS_MEMBER = "allUsers"
ALL_AUTHENTICATED_MEMBER = "allAuthenticatedUsers"


def account_node(key: str) -> str:
    """Node of an organization, folder or project key such as `projects/123`."""
    return f"gcp:{key}"


def account_admin_node(project_key: str) -> str:
    """Return the node of the pseudo-identity for full control of one project."""
    return f"gcp:account_admin:{project_key}"


def member_node(member: str) -> str:
    """Node of an IAM member string; emails are compared lower-cased."""
    kind, _, value = member.partition(":")
    if not value or kind in ("principal", "principalSet"):
        return f"gcp:{member}"
    return f"gcp:{kind}:{value.lower()}"


def service_account_node(email: str) -> str:
    return member_node(f"serviceAccount:{email}")


def role_node(role: str) -> str:
    return f"gcp:role:{role}"


def binding_node(resource: str, role: str, index: int) -> str:
    return f"gcp:binding:{resource}#{role}#{index}"
