"""Offline GCP inputs: Cloud Asset Inventory exports and `gcloud asset` JSON.

Accepted in one file, or in a folder searched recursively for `.json`,
`.jsonl`, `.ndjson` and `.dump` files:

- `gcloud asset export` output: JSON Lines with one asset per line, in the
  snake_case export envelope or the camelCase API envelope. Blank lines and
  lines starting with `#` are skipped;
- a JSON array of assets (`gcloud asset list --format=json`, policy-library
  fixtures), or a `ListAssets` page `{"assets": [...]}`;
- `gcloud asset search-all-iam-policies --format=json` and
  `search-all-resources --format=json` arrays, or their API pages
  `{"results": [...]}`;
- deny policies as `gcloud iam policies get|list --kind=denypolicies
  --format=json` prints them (one policy or an array).

Each asset keeps its own envelope in the snapshot, normalised to the export's
snake_case keys, so the transform reads collected and imported assets alike.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from pathlib import Path
from typing import Any

from toxicpath.ingest.errors import InputError
from toxicpath.ingest.gcp.assets import (
    asset_from_search_iam,
    asset_from_search_resource,
    is_asset,
    is_search_iam_result,
    is_search_resource_result,
    normalize_asset,
)
from toxicpath.ingest.gcp.secrets import redact_gcp_response
from toxicpath.ingest.importers import InputProbe, source_file
from toxicpath.ingest.snapshot import CoverageEntry, RawResponse, Snapshot

logger = logging.getLogger(__name__)

CAI_EXPORT_FORMAT = "gcp-cloud-asset"
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".dump")
_MAX_FOLDER_FILES = 5000
_SNIFF_BYTES = 65536
# Text that only GCP inputs contain near their start.
_MARKERS = ('"asset_type"', '"assetType"', '"denyRule"')
# Services whose absence from an input is reported; the names match the
# Google API host names (`compute` for compute.googleapis.com).
COVERAGE_SERVICES = (
    "cloudresourcemanager",
    "iam",
    "iam-deny",
    "compute",
    "storage",
    "sqladmin",
    "secretmanager",
)


def detect_gcp_input(probe: InputProbe) -> bool:
    if probe.is_dir:
        return any(_looks_gcp(path) for path in _input_files(probe.path))
    return _looks_gcp(probe.path)


def _looks_gcp(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    if head.startswith("\x1f\x8b"):
        return False
    return "googleapis.com" in head and any(marker in head for marker in _MARKERS)


def _input_files(folder: Path) -> list[Path]:
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES
    )
    return files[:_MAX_FOLDER_FILES]


def load_gcp_input(probe: InputProbe) -> Snapshot:
    """Load one GCP input file, or every GCP file of a folder."""
    snapshot = Snapshot(kind="import")
    if probe.is_dir:
        paths = [path for path in _input_files(probe.path) if _looks_gcp(path)]
        skipped = len(_input_files(probe.path)) - len(paths)
        if skipped:
            logger.warning(
                "skipped %s file(s) in %s without GCP asset content",
                skipped,
                probe.path,
            )
    else:
        paths = [probe.path]
    for path in paths:
        assets, deny_policies = read_gcp_file(path)
        _add_responses(snapshot, path, assets, deny_policies)
    snapshot.coverage.extend(import_coverage(snapshot))
    return snapshot


def read_gcp_file(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the assets and deny policies of one file; raise InputError if unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror})") from exc
    if not text.strip():
        raise InputError(path, "the file is empty")
    stripped = text.lstrip()
    if stripped.startswith("["):
        return _from_document(path, _parse_document(path, text))
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        if _first_line_is_json(text):
            return _from_json_lines(path, text), []
        # Neither one document nor one document per line: name the first error.
        _parse_document(path, text)
        raise
    return _from_document(path, document)


def _first_line_is_json(text: str) -> bool:
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            json.loads(line)
        except json.JSONDecodeError:
            return False
        return True
    return False


def _parse_document(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        rest = text[exc.pos :].lstrip()
        if exc.msg == "Extra data" and rest[:1] in ("]", "}"):
            problem = (
                f"a stray `{rest[0]}` at line {exc.lineno} column {exc.colno}, after "
                "the JSON document has ended; remove it"
            )
        elif exc.msg == "Extra data":
            problem = (
                f"more than one JSON document (a second one starts at line "
                f"{exc.lineno} column {exc.colno}); put the assets in one JSON "
                "array, or write one asset per line (JSON Lines)"
            )
        elif not text[exc.pos :].strip():
            problem = (
                f"the JSON ends before the document is complete (line {exc.lineno}),"
                " so the file is truncated; export it again"
            )
        else:
            problem = (
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            )
        raise InputError(path, problem) from exc


def _from_json_lines(path: Path, text: str) -> list[dict[str, Any]]:
    assets = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                path,
                f"line {number} is not valid JSON ({exc.msg} at column {exc.colno});"
                " a Cloud Asset export has one JSON asset per line",
            ) from exc
        if not is_asset(item):
            raise InputError(
                path,
                f"line {number} is not a Cloud Asset record: it needs `name` (a full "
                "resource name such as //compute.googleapis.com/...) and "
                "`asset_type` or `assetType`",
            )
        assets.append(normalize_asset(item))
    if not assets:
        raise InputError(
            path,
            "the file contains only comments and blank lines; export the assets again",
        )
    return assets


def _from_document(
    path: Path, document: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    items: list[Any]
    if isinstance(document, dict):
        for key in ("assets", "results", "policies"):
            if isinstance(document.get(key), list):
                items = document[key]
                break
        else:
            items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise InputError(
            path, f"JSON {type(document).__name__} where an asset array was expected"
        )
    assets: list[dict[str, Any]] = []
    deny_policies: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if is_asset(item):
            assets.append(normalize_asset(item))
        elif is_search_iam_result(item):
            assets.append(asset_from_search_iam(item))
        elif is_search_resource_result(item):
            assets.append(asset_from_search_resource(item))
        elif is_deny_policy(item):
            deny_policies.append(deny_policy_entry(item))
        else:
            keys = ", ".join(sorted(item)[:6]) if isinstance(item, dict) else "none"
            raise InputError(
                path,
                f"item {index} is not a Cloud Asset record, search result or deny "
                f"policy (keys: {keys}); each asset needs `name` and `asset_type`",
            )
    return assets, deny_policies


def is_deny_policy(item: Any) -> bool:
    """True for an IAM v2 deny policy (`name` under `policies/` with `rules`)."""
    return (
        isinstance(item, dict)
        and str(item.get("name", "")).startswith("policies/")
        and isinstance(item.get("rules"), list)
    )


def deny_policy_entry(policy: dict[str, Any]) -> dict[str, Any]:
    """Return a deny policy with the resource it is attached to."""
    return {"attachment_point": attachment_point(str(policy["name"])), "policy": policy}


def attachment_point(policy_name: str) -> str:
    """Return the full resource name a policy `policies/ATTACHMENT/KIND/ID` sits on.

    The attachment point is URL-encoded in the name, for example
    `cloudresourcemanager.googleapis.com%2Forganizations%2F123`.
    """
    parts = policy_name.split("/")
    encoded = parts[1] if len(parts) > 1 else ""
    return "//" + urllib.parse.unquote(encoded)


def _add_responses(
    snapshot: Snapshot,
    path: Path,
    assets: list[dict[str, Any]],
    deny_policies: list[dict[str, Any]],
) -> None:
    if assets:
        snapshot.add_response(
            redact_gcp_response(
                RawResponse(
                    cloud="gcp",
                    account=scope_of(assets),
                    region="",
                    service="cloudasset",
                    operation="export",
                    params={"path": str(path)},
                    body={"assets": assets},
                )
            )
        )
    if deny_policies:
        snapshot.add_response(
            RawResponse(
                cloud="gcp",
                account="",
                region="",
                service="iam",
                operation="deny-policies",
                params={"path": str(path)},
                body={"policies": deny_policies},
            )
        )
    snapshot.sources.append(source_file(path, CAI_EXPORT_FORMAT))
    logger.info(
        "read %s assets and %s deny policies from %s",
        len(assets),
        len(deny_policies),
        path,
    )


def scope_of(assets: list[dict[str, Any]]) -> str:
    """Return the organization (or single project) the assets belong to, or ''."""
    organizations = set()
    projects = set()
    for asset in assets:
        for ancestor in asset.get("ancestors") or []:
            if str(ancestor).startswith("organizations/"):
                organizations.add(str(ancestor))
            elif str(ancestor).startswith("projects/"):
                projects.add(str(ancestor))
    if len(organizations) == 1:
        return organizations.pop()
    if not organizations and len(projects) == 1:
        return projects.pop()
    return ""


def import_coverage(snapshot: Snapshot) -> list[CoverageEntry]:
    """Return coverage entries for the GCP services an import contains, per scope.

    A service with no asset in the input is `not_collected`, so reports show
    that its resources were not evaluated rather than absent. `iam` counts as
    read when the input contains IAM policies. Deny policies are not part of a
    Cloud Asset export, so an import without a deny-policy file marks
    `iam-deny` `not_collected`: a deny rule in the real estate could block
    paths the report shows.
    """
    seen: dict[str, set[str]] = {}
    for response in snapshot.responses:
        if response.cloud != "gcp":
            continue
        services = seen.setdefault(response.account, set())
        if response.service == "iam" and response.operation == "deny-policies":
            services.add("iam-deny")
            continue
        for asset in (response.body or {}).get("assets") or []:
            services.add(asset_service(str(asset.get("asset_type") or "")))
            if "iam_policy" in asset:
                services.add("iam")
    any_deny = any("iam-deny" in services for services in seen.values())
    entries = []
    for account in sorted(seen):
        present = seen[account] | ({"iam-deny"} if any_deny else set())
        for service in sorted(set(COVERAGE_SERVICES) | present - {""}):
            read = service in present
            entries.append(
                CoverageEntry(
                    cloud="gcp",
                    account=account,
                    region="",
                    service=service,
                    status="ok" if read else "not_collected",
                    reason="" if read else _missing_reason(service),
                )
            )
    return entries


def asset_service(asset_type: str) -> str:
    """Return `compute` for `compute.googleapis.com/Instance`."""
    host = asset_type.split("/", 1)[0]
    return host.removesuffix(".googleapis.com") if "googleapis.com" in host else ""


def _missing_reason(service: str) -> str:
    if service == "iam-deny":
        return "the input holds no deny policies, so deny rules were not evaluated"
    return "the input holds no assets of this service"
