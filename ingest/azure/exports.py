"""Offline Azure inputs: `az` CLI and ARM REST JSON exports.

Accepted in one file, or in a folder of `.json` files (searched recursively):

- `az` CLI output such as `az role assignment list --all --include-inherited`,
  `az role definition list`, `az vm list`, `az network nsg list`,
  `az storage account list`, `az account list`: a JSON array of objects in
  the flattened CLI shape;
- ARM REST responses: `{"value": [...]}` pages or single objects, with the
  `properties` wrapper;
- ARM REST examples wrapped as `{"parameters": ..., "responses": {"200":
  {"body": ...}}}`, as the Azure REST API specifications ship them.

Every object is recognised by its ARM `type` (or, for subscriptions and CLI
role output without one, by its fields), so files need no particular names.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from toxicpath.ingest.azure.arm import items_of, subscription_of
from toxicpath.ingest.azure.secrets import redact_azure_response
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import InputProbe, load_json_file, source_file
from toxicpath.ingest.snapshot import CoverageEntry, RawResponse, Snapshot

logger = logging.getLogger(__name__)

ARM_EXPORT_FORMAT = "azure-arm-export"
_MAX_FOLDER_FILES = 5000

# ARM type prefixes -> the coverage service they belong to.
_SERVICES = {
    "microsoft.authorization/": "authorization",
    "microsoft.compute/": "compute",
    "microsoft.network/": "network",
    "microsoft.storage/": "storage",
    "microsoft.keyvault/": "keyvault",
    "microsoft.managedidentity/": "msi",
}


def unwrap_body(content: Any) -> Any:
    """Return the response body of a REST example wrapper, or `content` itself."""
    if isinstance(content, dict) and isinstance(content.get("responses"), dict):
        responses = content["responses"]
        for status in ("200", "201"):
            response = responses.get(status)
            if isinstance(response, dict) and "body" in response:
                return response["body"]
    return content


def is_azure_object(item: Any) -> bool:
    """True when `item` has the shape of an ARM or `az` CLI object."""
    if not isinstance(item, dict):
        return False
    item_type = str(item.get("type") or "").lower()
    arm_id = str(item.get("id") or "")
    if item_type.startswith("microsoft.") and (
        arm_id.startswith("/") or "name" in item
    ):
        return True
    if "subscriptionId" in item and "displayName" in item:
        return True
    if "tenantId" in item and "isDefault" in item and "id" in item:
        return True
    if "roleName" in item and "permissions" in item:
        return True
    return "principalId" in item and "roleDefinitionId" in item and "scope" in item


def is_azure_export(content: Any) -> bool:
    """True when a parsed JSON document is an Azure export this module reads."""
    body = unwrap_body(content)
    if isinstance(body, dict) and isinstance(body.get("value"), list):
        values = body["value"]
        if values:
            return is_azure_object(values[0])
        # An empty page is recognisable as Azure only inside a REST example.
        return isinstance(content, dict) and "responses" in content
    if isinstance(body, list):
        return bool(body) and is_azure_object(body[0])
    return is_azure_object(body)


def detect_arm_export(probe: InputProbe) -> bool:
    if probe.is_dir:
        return any(_looks_azure(path) for path in _json_files(probe.path))
    return is_azure_export(probe.json_or_none())


def _looks_azure(path: Path) -> bool:
    try:
        return is_azure_export(load_json_file(path))
    except InputError:
        return False


def _json_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*.json") if p.is_file())
    return files[:_MAX_FOLDER_FILES]


def load_arm_export(probe: InputProbe) -> Snapshot:
    """Load one Azure export file, or every `.json` file of a folder."""
    snapshot = Snapshot(kind="import")
    paths = _json_files(probe.path) if probe.is_dir else [probe.path]
    if probe.is_dir and not paths:
        raise InputError(probe.path, "the folder contains no .json files")
    for path in paths:
        content = probe.json() if not probe.is_dir else load_json_file(path)
        _load_document(snapshot, path, content)
    snapshot.coverage.extend(import_coverage(snapshot))
    return snapshot


def _load_document(snapshot: Snapshot, path: Path, content: Any) -> None:
    if not is_azure_export(content):
        raise InputError(
            path,
            "not an Azure export: expected az CLI JSON, an ARM response with "
            "`value` or `properties`, or a REST example with `responses`",
        )
    items = list(items_of(unwrap_body(content)))
    for index, item in enumerate(items):
        if not is_azure_object(item):
            keys = ", ".join(sorted(item)[:6]) or "none"
            raise InputError(
                path,
                f"item {index} is not an Azure object (keys: {keys}); each item "
                "needs an ARM `id` and `type`, or the fields of the az CLI output "
                "it came from",
            )
    subscriptions = {subscription_of(str(i.get("id") or "")) for i in items} - {""}
    account = next(iter(subscriptions)) if len(subscriptions) == 1 else ""
    snapshot.add_response(
        redact_azure_response(
            RawResponse(
                cloud="azure",
                account=account,
                region="",
                service="arm-export",
                operation=path.stem,
                params={"path": str(path)},
                body={"value": items},
            )
        )
    )
    snapshot.sources.append(source_file(path, ARM_EXPORT_FORMAT))
    logger.info("read %s Azure objects from %s", len(items), path)


def import_coverage(snapshot: Snapshot) -> list[CoverageEntry]:
    """Say which Azure services an import holds, per subscription.

    A service with no object in the input is `not_collected`, so reports show
    that its resources were not evaluated rather than absent.
    """
    seen: dict[str, set[str]] = {}
    for response in snapshot.responses:
        if response.cloud != "azure":
            continue
        for item in items_of(response.body):
            subscription = subscription_of(
                str(item.get("id") or item.get("scope") or "")
            )
            item_type = str(item.get("type") or "").lower()
            for prefix, service in _SERVICES.items():
                if item_type.startswith(prefix) or (
                    service == "authorization" and "roleDefinitionId" in item
                ):
                    seen.setdefault(subscription, set()).add(service)
    entries = []
    for subscription in sorted(s for s in seen if s):
        for service in sorted(set(_SERVICES.values())):
            present = service in seen[subscription]
            entries.append(
                CoverageEntry(
                    cloud="azure",
                    account=subscription,
                    region="",
                    service=service,
                    status="ok" if present else "not_collected",
                    reason=""
                    if present
                    else "the input holds no objects of this service",
                )
            )
    return entries
