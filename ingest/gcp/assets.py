"""Cloud Asset Inventory records: one envelope shape for every input.

Cloud Asset Inventory writes the same asset in two envelopes: `gcloud asset
export` to Cloud Storage uses snake_case keys (`asset_type`, `iam_policy`,
`ancestors`, `resource.discovery_name`), while the API's JSON and
`gcloud ... --format=json` use camelCase (`assetType`, `iamPolicy`,
`discoveryName`). `normalize_asset` turns either into the snake_case export
envelope. The `resource.data` inside is the service's own REST object and
keeps its camelCase keys in both.
"""

from __future__ import annotations

import re
from typing import Any

# camelCase envelope key -> snake_case export key.
_ENVELOPE_KEYS = {
    "assetType": "asset_type",
    "iamPolicy": "iam_policy",
    "orgPolicy": "org_policy",
    "accessPolicy": "access_policy",
    "accessLevel": "access_level",
    "servicePerimeter": "service_perimeter",
    "osInventory": "os_inventory",
    "updateTime": "update_time",
    "ancestryPath": "ancestry_path",
    "relatedAssets": "related_assets",
}
_RESOURCE_KEYS = {
    "discoveryDocumentUri": "discovery_document_uri",
    "discoveryName": "discovery_name",
    "resourceUrl": "resource_url",
}
# Content an asset line may carry besides its name and type.
ASSET_CONTENT_KEYS = (
    "resource",
    "iam_policy",
    "org_policy",
    "access_policy",
    "access_level",
    "service_perimeter",
    "os_inventory",
)

ORGANIZATION_TYPE = "cloudresourcemanager.googleapis.com/Organization"
FOLDER_TYPE = "cloudresourcemanager.googleapis.com/Folder"
PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"
SERVICE_ACCOUNT_TYPE = "iam.googleapis.com/ServiceAccount"
SERVICE_ACCOUNT_KEY_TYPE = "iam.googleapis.com/ServiceAccountKey"
ROLE_TYPE = "iam.googleapis.com/Role"
INSTANCE_TYPE = "compute.googleapis.com/Instance"
INSTANCE_TEMPLATE_TYPE = "compute.googleapis.com/InstanceTemplate"
FIREWALL_TYPE = "compute.googleapis.com/Firewall"
FIREWALL_POLICY_TYPE = "compute.googleapis.com/FirewallPolicy"
NETWORK_TYPE = "compute.googleapis.com/Network"
SUBNETWORK_TYPE = "compute.googleapis.com/Subnetwork"
FORWARDING_RULE_TYPE = "compute.googleapis.com/ForwardingRule"
GLOBAL_FORWARDING_RULE_TYPE = "compute.googleapis.com/GlobalForwardingRule"
TARGET_POOL_TYPE = "compute.googleapis.com/TargetPool"
BUCKET_TYPE = "storage.googleapis.com/Bucket"
CLOUD_FUNCTION_TYPES = (
    "cloudfunctions.googleapis.com/CloudFunction",
    "cloudfunctions.googleapis.com/Function",
)
RUN_SERVICE_TYPE = "run.googleapis.com/Service"
RUN_JOB_TYPE = "run.googleapis.com/Job"
GKE_CLUSTER_TYPE = "container.googleapis.com/Cluster"
DENY_POLICY_TYPE = "iam.googleapis.com/DenyPolicy"

# Resource types the collector requests from Cloud Asset Inventory: those the
# analysis turns into nodes or reads for reachability and identities. IAM
# policies are collected for every type.
COLLECTED_ASSET_TYPES = (
    ORGANIZATION_TYPE,
    FOLDER_TYPE,
    PROJECT_TYPE,
    SERVICE_ACCOUNT_TYPE,
    SERVICE_ACCOUNT_KEY_TYPE,
    ROLE_TYPE,
    INSTANCE_TYPE,
    INSTANCE_TEMPLATE_TYPE,
    FIREWALL_TYPE,
    FIREWALL_POLICY_TYPE,
    NETWORK_TYPE,
    SUBNETWORK_TYPE,
    FORWARDING_RULE_TYPE,
    GLOBAL_FORWARDING_RULE_TYPE,
    TARGET_POOL_TYPE,
    BUCKET_TYPE,
    *CLOUD_FUNCTION_TYPES,
    RUN_SERVICE_TYPE,
    RUN_JOB_TYPE,
    GKE_CLUSTER_TYPE,
    "appengine.googleapis.com/Application",
    "sqladmin.googleapis.com/Instance",
    "spanner.googleapis.com/Instance",
    "bigtableadmin.googleapis.com/Instance",
    "redis.googleapis.com/Instance",
    "bigquery.googleapis.com/Dataset",
    "secretmanager.googleapis.com/Secret",
    "cloudkms.googleapis.com/CryptoKey",
    "pubsub.googleapis.com/Topic",
    "pubsub.googleapis.com/Subscription",
    "artifactregistry.googleapis.com/Repository",
    "compute.googleapis.com/Snapshot",
    "compute.googleapis.com/Image",
    "dataproc.googleapis.com/Cluster",
    "composer.googleapis.com/Environment",
    "notebooks.googleapis.com/Instance",
)

_FULL_NAME = re.compile(r"^//[a-z0-9.-]+\.googleapis\.com/.+")


def is_asset(item: Any) -> bool:
    """True when `item` has a CAI envelope: a full resource name and a type."""
    if not isinstance(item, dict):
        return False
    name = item.get("name")
    asset_type = item.get("asset_type", item.get("assetType"))
    return (
        isinstance(name, str)
        and isinstance(asset_type, str)
        and bool(_FULL_NAME.match(name))
        and bool(asset_type)
    )


def normalize_asset(item: dict[str, Any]) -> dict[str, Any]:
    """Return `item` in the snake_case export envelope, without copying data."""
    asset = {_ENVELOPE_KEYS.get(key, key): value for key, value in item.items()}
    resource = asset.get("resource")
    if isinstance(resource, dict):
        asset["resource"] = {
            _RESOURCE_KEYS.get(key, key): value for key, value in resource.items()
        }
    return asset


def is_search_iam_result(item: Any) -> bool:
    """True for one result of `gcloud asset search-all-iam-policies`."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("resource"), str)
        and isinstance(item.get("policy"), dict)
        and ("assetType" in item or "project" in item)
    )


def is_search_resource_result(item: Any) -> bool:
    """True for one result of `gcloud asset search-all-resources`."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and isinstance(item.get("assetType"), str)
        and "resource" not in item
        and "iamPolicy" not in item
        and any(
            key in item
            for key in ("displayName", "project", "location", "parentFullResourceName")
        )
    )


def asset_from_search_iam(result: dict[str, Any]) -> dict[str, Any]:
    """Return a search-all-iam-policies result as an asset envelope."""
    asset: dict[str, Any] = {
        "name": result["resource"],
        "asset_type": result.get("assetType", ""),
        "iam_policy": result["policy"],
    }
    ancestors = _search_ancestors(result)
    if ancestors:
        asset["ancestors"] = ancestors
    return asset


def asset_from_search_resource(result: dict[str, Any]) -> dict[str, Any]:
    """Return a search-all-resources result as an asset envelope.

    A search result carries only the searchable fields (labels, network tags,
    location, state and a few `additionalAttributes`), not the REST object,
    so the resource data contains only those fields.
    """
    data: dict[str, Any] = dict(result.get("additionalAttributes") or {})
    for key in ("displayName", "location", "labels", "state", "description"):
        if key in result:
            data.setdefault(key, result[key])
    if result.get("networkTags"):
        data.setdefault("tags", {"items": list(result["networkTags"])})
    asset: dict[str, Any] = {
        "name": result["name"],
        "asset_type": result["assetType"],
        "resource": {
            "data": data,
            "location": result.get("location", ""),
            "parent": result.get("parentFullResourceName", ""),
        },
    }
    ancestors = _search_ancestors(result)
    if ancestors:
        asset["ancestors"] = ancestors
    return asset


def _search_ancestors(result: dict[str, Any]) -> list[str]:
    ancestors: list[str] = []
    project = str(result.get("project") or "")
    if project:
        ancestors.append(project)
    ancestors.extend(str(folder) for folder in result.get("folders") or [])
    organization = str(result.get("organization") or "")
    if organization:
        ancestors.append(organization)
    return ancestors


def short_name(full_name: str) -> str:
    """Return the path after the service host: `projects/p/zones/z/instances/i`."""
    if full_name.startswith("//"):
        parts = full_name[2:].split("/", 1)
        return parts[1] if len(parts) == 2 else ""
    return full_name


def last_segment(name: str) -> str:
    return name.rstrip("/").rsplit("/", 1)[-1]


def segment_after(name: str, key: str) -> str:
    """Return the path segment after `key` in a resource name or URL, or ''."""
    parts = name.split("/")
    for index, part in enumerate(parts[:-1]):
        if part == key:
            return parts[index + 1]
    return ""
