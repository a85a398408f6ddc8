"""Data access that does not come from RBAC: Key Vault access policies and
anonymous blob access.

- A vault with `enableRbacAuthorization` true ignores access policies. When it
  is false or missing, each access policy grants its object id the listed
  secret, key and certificate permissions.
- A container is anonymously readable when its `publicAccess` is Blob or
  Container and the account's `allowBlobPublicAccess` is not false (null means
  allowed on accounts created before the default changed). Public network
  access disabled blocks it; a network rule set with default action Deny
  limits it to the allowed addresses, so that edge is conditional.
"""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.escalation import ensure_principal_node
from toxicpath.analysis.azure.nodes import IdentityIndex
from toxicpath.analysis.azure.techniques import CONTAINER_TYPE
from toxicpath.analysis.azure.types import KEY_VAULT_TYPE, STORAGE_ACCOUNT_TYPE
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.estate import AzureEstate, AzureResource
from toxicpath.ingest.transform import TransformContext

_READ = {"get", "list", "decrypt", "unwrapkey", "sign", "backup", "export"}
_WRITE = {
    "set",
    "delete",
    "create",
    "import",
    "update",
    "recover",
    "restore",
    "purge",
    "encrypt",
    "wrapkey",
    "managecontacts",
    "setissuers",
    "deleteissuers",
    "manageissuers",
}


def derive_key_vault_policies(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add CAN_ACCESS edges from access policies of vaults in access-policy mode."""
    for vault in estate.resources_of_type(KEY_VAULT_TYPE):
        if vault.properties.get("enableRbacAuthorization") is True:
            continue
        if vault.id not in records.nodes:
            continue
        for policy in vault.properties.get("accessPolicies") or []:
            if not isinstance(policy, dict):
                continue
            object_id = str(policy.get("objectId") or "").lower()
            permissions = policy.get("permissions") or {}
            level, granted = _policy_level(permissions)
            if not object_id or level is None:
                continue
            source = ensure_principal_node(records, index, object_id, context.scan_id)
            records.add_edge(
                "CAN_ACCESS",
                source,
                vault.id,
                level=level,
                actions=granted,
                # A compound identity (objectId plus applicationId) applies only
                # when the user signs in through that application.
                conditional=bool(policy.get("applicationId")),
                scan_id=context.scan_id,
                reason=f"A Key Vault access policy on {vault.name} grants "
                f"{', '.join(granted)}.",
                evidence=to_json_text(
                    [
                        {
                            "kind": "key_vault_access_policy",
                            "vault": vault.id,
                            "object_id": object_id,
                            "permissions": permissions,
                        }
                    ]
                ),
            )


def _policy_level(permissions: Any) -> tuple[str | None, list[str]]:
    """Return the access level and `kind/permission` names an access policy grants."""
    if not isinstance(permissions, dict):
        return None, []
    granted: list[str] = []
    level: str | None = None
    for kind in ("secrets", "keys", "certificates", "storage"):
        for permission in permissions.get(kind) or []:
            name = str(permission).lower()
            granted.append(f"{kind}/{name}")
            if name == "all":
                level = "admin"
            elif name in _WRITE and level != "admin":
                level = "write"
            elif name in _READ and level is None:
                level = "read"
    return level, sorted(granted)


def derive_anonymous_storage(
    estate: AzureEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Mark public containers and add anonymous CAN_ACCESS edges to them."""
    accounts = {a.id: a for a in estate.resources_of_type(STORAGE_ACCOUNT_TYPE)}
    for container in estate.resources_of_type(CONTAINER_TYPE):
        public_access = str(container.properties.get("publicAccess") or "None")
        if public_access.lower() not in ("blob", "container"):
            continue
        account_id = container.id.split("/blobservices/", 1)[0]
        account = accounts.get(account_id)
        blocked = _blocked_by_account(account)
        node = records.nodes.get(container.id)
        if node is None:
            continue
        if blocked:
            _note_attr(node.props, "anonymous_blocked_by", blocked)
            continue
        conditional, network_note = _network_limit(account)
        node.props["public"] = True
        if account is not None and account.id in records.nodes:
            records.nodes[account.id].props["public"] = True
        evidence: list[dict[str, Any]] = [
            {
                "kind": "container_public_access",
                "container": container.id,
                "publicAccess": public_access,
                "allowBlobPublicAccess": None
                if account is None
                else account.properties.get("allowBlobPublicAccess"),
            }
        ]
        if network_note:
            evidence.append({"kind": "network_rule_set", "note": network_note})
        actions = [
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
        ]
        if public_access.lower() == "container":
            actions.append(
                "Microsoft.Storage/storageAccounts/blobServices/containers/read"
            )
        records.add_edge(
            "CAN_ACCESS",
            ids.ANONYMOUS_NODE,
            container.id,
            level="read",
            actions=actions,
            conditional=conditional,
            scan_id=context.scan_id,
            reason=f"Container {container.name} allows anonymous {public_access} "
            "read access.",
            evidence=to_json_text(evidence),
        )


def _blocked_by_account(account: AzureResource | None) -> str:
    if account is None:
        return ""
    properties = account.properties
    if properties.get("allowBlobPublicAccess") is False:
        return "allowBlobPublicAccess is false on the storage account"
    if str(properties.get("publicNetworkAccess") or "").lower() == "disabled":
        return "public network access is disabled on the storage account"
    return ""


def _network_limit(account: AzureResource | None) -> tuple[bool, str]:
    if account is None:
        return False, ""
    acls = account.properties.get("networkAcls") or account.properties.get(
        "networkRuleSet"
    )
    if (
        isinstance(acls, dict)
        and str(acls.get("defaultAction") or "").lower() == "deny"
    ):
        ranges = [
            str(rule.get("value") or rule.get("ipAddressOrRange") or "")
            for rule in acls.get("ipRules") or []
            if isinstance(rule, dict)
        ]
        return True, (
            "the account's network rules deny by default; only "
            f"{', '.join(ranges) or 'listed virtual networks'} can connect"
        )
    return False, ""


def _note_attr(props: dict[str, Any], key: str, value: Any) -> None:
    import json

    attrs = json.loads(props.get("attrs") or "{}")
    attrs[key] = value
    props["attrs"] = to_json_text(attrs)
