"""Service accounts of GCP workloads, and the neutral type of each asset type.

A workload's code gets its service account's token from the metadata server,
so the asset gets a RUNS_AS edge to that account. Where the REST object names
no account, the service's documented default applies: the Compute Engine
default service account (`N-compute@developer.gserviceaccount.com`) for VMs,
GKE nodes, Cloud Run and 2nd gen functions, and the App Engine default
account (`PROJECT_ID@appspot.gserviceaccount.com`) for 1st gen functions.
"""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.gcp.assets import (
    BUCKET_TYPE,
    CLOUD_FUNCTION_TYPES,
    FORWARDING_RULE_TYPE,
    GKE_CLUSTER_TYPE,
    GLOBAL_FORWARDING_RULE_TYPE,
    INSTANCE_TEMPLATE_TYPE,
    INSTANCE_TYPE,
    RUN_JOB_TYPE,
    RUN_SERVICE_TYPE,
)
from toxicpath.ingest.gcp.estate import GcpAsset, GcpEstate

# Cloud Asset type -> provider-neutral Resource `type`.
RESOURCE_TYPE_MAP: dict[str, str] = {
    INSTANCE_TYPE: "virtual_machine",
    BUCKET_TYPE: "object_storage",
    "cloudfunctions.googleapis.com/CloudFunction": "function",
    "cloudfunctions.googleapis.com/Function": "function",
    RUN_SERVICE_TYPE: "container_service",
    RUN_JOB_TYPE: "container_service",
    "appengine.googleapis.com/Application": "container_service",
    GKE_CLUSTER_TYPE: "kubernetes_cluster",
    "sqladmin.googleapis.com/Instance": "database",
    "spanner.googleapis.com/Instance": "database",
    "spanner.googleapis.com/Database": "database",
    "bigtableadmin.googleapis.com/Instance": "database",
    "google.bigtable.Instance": "database",
    "redis.googleapis.com/Instance": "database",
    "firestore.googleapis.com/Database": "database",
    "bigquery.googleapis.com/Dataset": "data_warehouse",
    "bigquery.googleapis.com/Table": "data_warehouse",
    "secretmanager.googleapis.com/Secret": "secret",
    "cloudkms.googleapis.com/CryptoKey": "kms_key",
    "pubsub.googleapis.com/Topic": "topic",
    "pubsub.googleapis.com/Subscription": "queue",
    "artifactregistry.googleapis.com/Repository": "container_registry",
    FORWARDING_RULE_TYPE: "load_balancer",
    GLOBAL_FORWARDING_RULE_TYPE: "load_balancer",
    "compute.googleapis.com/Snapshot": "snapshot",
    "compute.googleapis.com/Image": "snapshot",
    "dataproc.googleapis.com/Cluster": "virtual_machine",
    "composer.googleapis.com/Environment": "container_service",
    "notebooks.googleapis.com/Instance": "virtual_machine",
}


def runs_as_emails(estate: GcpEstate, asset: GcpAsset) -> list[str]:
    """Return the service account emails `asset` runs as, lower-cased."""
    data = asset.data
    emails: list[str] = []
    if asset.asset_type in (INSTANCE_TYPE, INSTANCE_TEMPLATE_TYPE):
        properties = (
            data.get("properties")
            if asset.asset_type == INSTANCE_TEMPLATE_TYPE
            else data
        )
        for account in (properties or {}).get("serviceAccounts") or []:
            emails.append(str(account.get("email") or ""))
    elif asset.asset_type in CLOUD_FUNCTION_TYPES:
        service_config = data.get("serviceConfig") or {}
        email = str(
            data.get("serviceAccountEmail")
            or service_config.get("serviceAccountEmail")
            or ""
        )
        if not email:
            if asset.asset_type == CLOUD_FUNCTION_TYPES[0]:
                project_id = estate.project_id_of(asset.project_key)
                email = f"{project_id}@appspot.gserviceaccount.com"
            else:
                email = "default"
        emails.append(email)
    elif asset.asset_type in (RUN_SERVICE_TYPE, RUN_JOB_TYPE):
        emails.append(_run_account(data) or "default")
    elif asset.asset_type == GKE_CLUSTER_TYPE:
        configs = [data.get("nodeConfig") or {}]
        configs.extend(
            (pool.get("config") or {}) for pool in data.get("nodePools") or []
        )
        for config in configs:
            if config:
                emails.append(str(config.get("serviceAccount") or "default"))
    elif asset.asset_type == "dataproc.googleapis.com/Cluster":
        gce = (data.get("config") or {}).get("gceClusterConfig") or {}
        emails.append(str(gce.get("serviceAccount") or "default"))
    return sorted({_resolve(estate, asset, e) for e in emails if e} - {""})


def _run_account(data: dict[str, Any]) -> str:
    template = data.get("template") or {}
    if template.get("serviceAccount"):
        return str(template["serviceAccount"])
    nested = (template.get("template") or {}).get("serviceAccount")
    if nested:
        return str(nested)
    spec = ((data.get("spec") or {}).get("template") or {}).get("spec") or {}
    return str(spec.get("serviceAccountName") or "")


def _resolve(estate: GcpEstate, asset: GcpAsset, email: str) -> str:
    if email.lower() != "default":
        return email.lower()
    container = estate.containers.get(asset.project_key)
    number = container.project_number if container else ""
    if not number and asset.project_key.removeprefix("projects/").isdigit():
        number = asset.project_key.removeprefix("projects/")
    return f"{number}-compute@developer.gserviceaccount.com" if number else ""


def access_scopes(asset: GcpAsset) -> list[str]:
    """Return the OAuth scopes of a VM's service account, which cap its token."""
    scopes: list[str] = []
    for account in asset.data.get("serviceAccounts") or []:
        scopes.extend(str(s) for s in account.get("scopes") or [])
    return scopes


FULL_API_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/cloud-platform",
        "cloud-platform",
    }
)


def has_full_api_scope(scopes: list[str]) -> bool:
    """True when a VM token's scopes let it call every API its roles allow."""
    return any(scope in FULL_API_SCOPES for scope in scopes)
