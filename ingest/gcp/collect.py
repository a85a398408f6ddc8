"""Collect a GCP estate with the Google Cloud client libraries into a snapshot.

Read-only by construction: the collector calls only list, get and search
methods. In the REST transport they are HTTP GET requests, except
`getIamPolicy`, a read whose request is a POST. Sources:

- Resource Manager v3: the organization, folders (recursively) and projects
  of the scope, so coverage can be reported per project;
- Cloud Asset Inventory `ListAssets`: every resource (including service
  accounts, their keys' metadata, custom roles, instances, firewalls and
  buckets) and every IAM allow policy, paged, at the organization or folder
  scope, or per project;
- IAM v2 deny policies on the organization, each folder and each project;
- for folder and project scopes, the folders and organization above them and
  their allow policies (`getIamPolicy`), because bindings there are inherited.

Predefined role definitions come from the bundled catalog, because
`google-cloud-iam`'s IAM Admin client speaks gRPC only. Custom roles,
service accounts and key metadata arrive through Cloud Asset Inventory.

A disabled API (403 with reason SERVICE_DISABLED) is recorded as
`not_enabled` and any other 403 as `denied`, for that project and API;
throttling and server errors are retried with exponential back-off.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from google.api_core import exceptions as google_exceptions
from google.api_core import retry as retries
from google.protobuf import json_format

from toxicpath.ingest.gcp.assets import (
    COLLECTED_ASSET_TYPES,
    FOLDER_TYPE,
    ORGANIZATION_TYPE,
    PROJECT_TYPE,
)
from toxicpath.ingest.gcp.secrets import redact_gcp_response
from toxicpath.ingest.snapshot import CoverageEntry, RawResponse, Snapshot

logger = logging.getLogger(__name__)

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
CRM_PREFIX = "//cloudresourcemanager.googleapis.com/"
_PAGE_SIZE = 500
# Services read through Cloud Asset Inventory, reported in coverage by the
# Google API host name (`compute` for compute.googleapis.com).
ASSET_SERVICES = (
    "iam",
    "compute",
    "storage",
    "sqladmin",
    "secretmanager",
    "cloudkms",
    "cloudfunctions",
    "run",
    "container",
    "bigquery",
)
_RETRYABLE = (
    google_exceptions.TooManyRequests,
    google_exceptions.ServiceUnavailable,
    google_exceptions.InternalServerError,
    google_exceptions.GatewayTimeout,
)


class CollectError(RuntimeError):
    """A failure that stops collection: bad credentials or an unusable scope."""


@dataclass(frozen=True)
class GcpCollectorConfig:
    """Collection settings: credentials, scope and API endpoint."""

    credentials: Any
    organization: str = ""  # numeric id
    folders: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()  # project ids
    # One endpoint for every API (tests, private service connect); None: defaults.
    api_endpoint: str | None = None
    retry_deadline: float = 120.0
    retry_initial: float = 1.0  # seconds before the first retry, doubling
    content_types: tuple[str, ...] = ("RESOURCE", "IAM_POLICY", "ORG_POLICY")
    # Asset types read with content type RESOURCE; empty reads every type.
    asset_types: tuple[str, ...] = COLLECTED_ASSET_TYPES
    client_factory: Callable[[str, dict[str, Any]], Any] | None = None


@dataclass
class _Tally:
    status: str = "ok"
    reason: str = ""
    calls: int = 0
    seconds: float = 0.0


@dataclass
class _Scope:
    """Organization, folders and projects found in Resource Manager."""

    organization: str = ""
    folders: list[str] = field(default_factory=list)
    projects: dict[str, str] = field(default_factory=dict)  # project id -> number
    # project id -> key of the configured scope whose Cloud Asset call covers it
    project_roots: dict[str, str] = field(default_factory=dict)
    # containers above the configured folders and projects, nearest first
    ancestors: list[str] = field(default_factory=list)


def build_credentials(*, impersonate: str = "", quota_project: str = "") -> Any:
    """Return Application Default Credentials, impersonating `impersonate` if set."""
    import google.auth
    from google.auth import impersonated_credentials

    try:
        credentials, _ = google.auth.default(
            scopes=[CLOUD_PLATFORM_SCOPE], quota_project_id=quota_project or None
        )
    except google.auth.exceptions.DefaultCredentialsError as exc:
        raise CollectError(
            "no Application Default Credentials: run `gcloud auth application-default "
            "login` or set GOOGLE_APPLICATION_CREDENTIALS"
        ) from exc
    if impersonate:
        credentials = impersonated_credentials.Credentials(  # type: ignore[no-untyped-call]
            source_credentials=credentials,
            target_principal=impersonate,
            target_scopes=[CLOUD_PLATFORM_SCOPE],
            lifetime=3600,
        )
    return credentials


class GcpCollector:
    """Runs the read calls and records responses and coverage in a snapshot."""

    def __init__(self, config: GcpCollectorConfig) -> None:
        if not (config.organization or config.folders or config.projects):
            raise CollectError("give an organization, folders or projects to collect")
        self.config = config
        self.snapshot = Snapshot(kind="collect")
        self._tallies: dict[tuple[str, str], _Tally] = {}
        self._clients: dict[str, Any] = {}
        self._retry = retries.Retry(
            predicate=retries.if_exception_type(*_RETRYABLE),
            initial=config.retry_initial,
            maximum=30.0,
            multiplier=2.0,
            timeout=config.retry_deadline,
        )

    # --- clients -----------------------------------------------------------

    def client(self, name: str) -> Any:
        """Return the REST client of one API, created on first use."""
        if name in self._clients:
            return self._clients[name]
        options: dict[str, Any] = {}
        if self.config.api_endpoint:
            options["api_endpoint"] = self.config.api_endpoint
        kwargs: dict[str, Any] = {
            "credentials": self.config.credentials,
            "transport": "rest",
            "client_options": options,
        }
        if self.config.client_factory is not None:
            client = self.config.client_factory(name, kwargs)
        else:
            client = _make_client(name, kwargs)
        self._clients[name] = client
        return client

    # --- collection --------------------------------------------------------

    def collect(self) -> Snapshot:
        """Collect the configured scope and return the snapshot."""
        scope = self._collect_hierarchy()
        if self.config.organization:
            self._collect_assets(f"organizations/{self.config.organization}")
        else:
            for folder in self.config.folders:
                self._collect_assets(f"folders/{folder}")
            for project in self.config.projects:
                self._collect_assets(f"projects/{project}")
        attachments = (
            [f"organizations/{scope.organization}"] if scope.organization else []
        )
        attachments += [f"folders/{f}" for f in scope.folders]
        attachments += [f"projects/{p}" for p in sorted(scope.projects)]
        attachments += [a for a in scope.ancestors if a not in attachments]
        self._collect_deny_policies(attachments)
        self._finish(scope)
        return self.snapshot

    def _collect_hierarchy(self) -> _Scope:
        scope = _Scope(organization=self.config.organization)
        assets: list[dict[str, Any]] = []
        account = f"organizations/{scope.organization}" if scope.organization else ""
        if scope.organization:
            organization = self._call(
                account,
                "cloudresourcemanager",
                "organizations",
                "get_organization",
                name=account,
            )
            if organization is not None:
                assets.append(
                    _container_asset(ORGANIZATION_TYPE, _to_dict(organization))
                )
        roots = [account] if account else []
        roots += [f"folders/{f}" for f in self.config.folders]
        parent_of: dict[str, str] = {}
        for folder in self.config.folders:
            found = self._call(
                f"folders/{folder}",
                "cloudresourcemanager",
                "folders",
                "get_folder",
                name=f"folders/{folder}",
            )
            if found is not None:
                data = _to_dict(found)
                assets.append(_container_asset(FOLDER_TYPE, data))
                scope.folders.append(folder)
                parent_of[f"folders/{folder}"] = str(data.get("parent") or "")
        queue = [(root, root) for root in roots]
        while queue:
            parent, root = queue.pop(0)
            folders = self._list(
                account or parent,
                "cloudresourcemanager",
                "folders",
                "list_folders",
                parent=parent,
            )
            for folder in folders:
                data = _to_dict(folder)
                assets.append(_container_asset(FOLDER_TYPE, data))
                folder_id = str(data["name"]).removeprefix("folders/")
                if folder_id not in scope.folders:
                    scope.folders.append(folder_id)
                queue.append((str(data["name"]), root))
            projects = self._list(
                account or parent,
                "cloudresourcemanager",
                "projects",
                "list_projects",
                parent=parent,
            )
            for project in projects:
                data = _to_dict(project)
                assets.append(_container_asset(PROJECT_TYPE, data))
                project_id = str(data.get("project_id") or "")
                scope.projects[project_id] = str(data["name"]).removeprefix("projects/")
                scope.project_roots.setdefault(project_id, root)
        for project_id in self.config.projects:
            if project_id in scope.projects:
                continue
            found = self._call(
                f"projects/{project_id}",
                "cloudresourcemanager",
                "projects",
                "get_project",
                name=f"projects/{project_id}",
            )
            if found is not None:
                data = _to_dict(found)
                assets.append(_container_asset(PROJECT_TYPE, data))
                scope.projects[project_id] = str(data["name"]).removeprefix("projects/")
                scope.project_roots[project_id] = f"projects/{project_id}"
                parent_of[f"projects/{project_id}"] = str(data.get("parent") or "")
        if not account:
            self._collect_ancestors(scope, assets, parent_of)
        self._record(
            "cloudresourcemanager", "list-hierarchy", account, {"assets": assets}
        )
        return scope

    def _collect_ancestors(
        self, scope: _Scope, assets: list[dict[str, Any]], parent_of: dict[str, str]
    ) -> None:
        """Read the folders and organization above a folder or project scope.

        Bindings on them are inherited, but a Cloud Asset call at folder or
        project scope does not return them, so each ancestor's allow policy is
        read with `getIamPolicy`. That method is a read, although its HTTP
        request is a POST.
        """
        collected = {f"folders/{f}" for f in scope.folders}
        collected |= {f"projects/{p}" for p in scope.projects}
        pending = sorted(p for p in parent_of.values() if p and p not in collected)
        while pending:
            key = pending.pop(0)
            if key in scope.ancestors or key in collected:
                continue
            scope.ancestors.append(key)
            kind = "folders" if key.startswith("folders/") else "organizations"
            method = "get_folder" if kind == "folders" else "get_organization"
            found = self._call(key, "cloudresourcemanager", kind, method, name=key)
            if found is not None:
                data = _to_dict(found)
                asset_type = FOLDER_TYPE if kind == "folders" else ORGANIZATION_TYPE
                assets.append(_container_asset(asset_type, data))
                parent = str(data.get("parent") or "")
                if parent:
                    pending.append(parent)
        policies: list[dict[str, Any]] = []
        for key in scope.ancestors:
            kind = "folders" if key.startswith("folders/") else "organizations"
            policy = self._call(
                key,
                "cloudresourcemanager",
                kind,
                "get_iam_policy",
                request={"resource": key},
            )
            if policy is not None:
                policies.append(
                    {
                        "name": CRM_PREFIX + key,
                        "asset_type": FOLDER_TYPE
                        if kind == "folders"
                        else ORGANIZATION_TYPE,
                        "iam_policy": json_format.MessageToDict(policy),
                    }
                )
        if policies:
            self._record(
                "cloudresourcemanager",
                "ancestor-iam-policies",
                "",
                {"assets": policies},
            )

    def _collect_assets(self, parent: str) -> None:
        from google.cloud import asset_v1

        for content_type in self.config.content_types:
            request: dict[str, Any] = {
                "parent": parent,
                "content_type": getattr(asset_v1.ContentType, content_type),
                "page_size": _PAGE_SIZE,
            }
            if content_type == "RESOURCE" and self.config.asset_types:
                request["asset_types"] = list(self.config.asset_types)
            pages = self._list(
                parent, "cloudasset", "asset", "list_assets", request=request
            )
            assets = [_to_dict(asset) for asset in pages]
            if assets:
                self._record(
                    "cloudasset",
                    f"list-assets-{content_type.lower()}",
                    parent,
                    {"assets": assets},
                )
            logger.info("read %s %s assets under %s", len(assets), content_type, parent)

    def _collect_deny_policies(self, attachments: Iterable[str]) -> None:
        entries: list[dict[str, Any]] = []
        for attachment in attachments:
            encoded = urllib.parse.quote(
                f"cloudresourcemanager.googleapis.com/{attachment}", safe=""
            )
            parent = f"policies/{encoded}/denypolicies"
            listed = self._list(
                attachment,
                "iam-deny",
                "iam",
                "list_policies",
                parent=parent,
            )
            for summary in listed:
                name = str(_to_dict(summary).get("name") or "")
                policy = self._call(
                    attachment,
                    "iam-deny",
                    "iam",
                    "get_policy",
                    name=name,
                )
                if policy is not None:
                    entries.append(
                        {
                            "attachment_point": CRM_PREFIX + attachment,
                            "policy": _to_dict(policy, camel_case=True),
                        }
                    )
        self._record("iam", "deny-policies", "", {"policies": entries})

    # --- bookkeeping -------------------------------------------------------

    def _record(self, service: str, operation: str, account: str, body: Any) -> None:
        self.snapshot.add_response(
            redact_gcp_response(
                RawResponse(
                    cloud="gcp",
                    account=account,
                    region="",
                    service=service,
                    operation=operation,
                    params={},
                    body=body,
                )
            )
        )

    def _list(
        self, account: str, service: str, client: str, method: str, **kwargs: Any
    ) -> list[Any]:
        """Run a paged list call; iterate every page inside the coverage tally."""
        result = self._run(
            account,
            service,
            lambda: list(self._invoke(client, method, kwargs)),
        )
        return result or []

    def _call(
        self, account: str, service: str, client: str, method: str, **kwargs: Any
    ) -> Any:
        """Run one get call with retries, recording its outcome in coverage."""
        return self._run(account, service, lambda: self._invoke(client, method, kwargs))

    def _invoke(self, client: str, method: str, kwargs: dict[str, Any]) -> Any:
        return getattr(self.client(client), method)(retry=self._retry, **kwargs)

    def _run(self, account: str, service: str, call: Callable[[], Any]) -> Any:
        tally = self._tallies.setdefault((account, service), _Tally())
        started = time.monotonic()
        tally.calls += 1
        try:
            return call()
        except google_exceptions.Unauthenticated as exc:
            raise CollectError(
                f"Google rejected the credentials ({exc.message}); run `gcloud auth "
                "application-default login` or check --impersonate"
            ) from exc
        except google_exceptions.Forbidden as exc:
            if _is_service_disabled(exc):
                _fail(tally, "not_enabled", f"API not enabled: {exc.message}")
            else:
                _fail(tally, "denied", exc.message or "permission denied")
            logger.warning("%s on %s: %s", service, account, tally.reason)
        except google_exceptions.NotFound as exc:
            _fail(tally, "failed", f"not found: {exc.message}")
            logger.warning("%s on %s: %s", service, account, tally.reason)
        except google_exceptions.RetryError as exc:
            _fail(tally, "throttled", f"retries ran out: {exc.message}")
            logger.warning("%s on %s: %s", service, account, tally.reason)
        except google_exceptions.GoogleAPICallError as exc:
            _fail(tally, "failed", f"{exc.code}: {exc.message}")
            logger.warning("%s on %s: %s", service, account, tally.reason)
        finally:
            tally.seconds += time.monotonic() - started
        return None

    def _finish(self, scope: _Scope) -> None:
        # A project's assets come from the organization or folder call when one
        # was made, so its coverage follows that call's.
        for project_id in sorted(scope.projects):
            account = f"projects/{project_id}"
            root = scope.project_roots.get(project_id, account)
            source = self._tallies.get((root, "cloudasset"))
            if source is not None and (account, "cloudasset") not in self._tallies:
                self._tallies[(account, "cloudasset")] = _Tally(
                    status=source.status, reason=source.reason
                )
        # Cloud Asset Inventory reads every service, so each service's coverage
        # is that of the Cloud Asset call of its scope.
        for (account, service), tally in list(self._tallies.items()):
            if service != "cloudasset":
                continue
            for name in ASSET_SERVICES:
                self._tallies.setdefault(
                    (account, name), _Tally(status=tally.status, reason=tally.reason)
                )
        for (account, service), tally in sorted(self._tallies.items()):
            self.snapshot.coverage.append(
                CoverageEntry(
                    cloud="gcp",
                    account=account,
                    region="",
                    service=service,
                    status=tally.status,
                    reason=tally.reason,
                    calls=tally.calls,
                    seconds=round(tally.seconds, 3),
                )
            )
        self.snapshot.complete = all(e.status == "ok" for e in self.snapshot.coverage)
        self.snapshot.metadata["gcp"] = {
            "organization": scope.organization,
            "folders": sorted(scope.folders),
            "projects": sorted(scope.projects),
            "ancestors": scope.ancestors,
        }


def _fail(tally: _Tally, status: str, reason: str) -> None:
    if tally.status == "ok":
        tally.status = status
        tally.reason = reason


def _is_service_disabled(exc: google_exceptions.GoogleAPICallError) -> bool:
    if getattr(exc, "reason", None) == "SERVICE_DISABLED":
        return True
    # api-core reads the reason from the error's google.rpc.ErrorInfo detail.
    return "SERVICE_DISABLED" in str(exc)


def _to_dict(message: Any, *, camel_case: bool = False) -> dict[str, Any]:
    """Return a proto-plus message as JSON-style dict (snake_case by default)."""
    converted: dict[str, Any] = type(message).to_dict(
        message,
        preserving_proto_field_name=not camel_case,
        use_integers_for_enums=False,
    )
    return converted


def _container_asset(asset_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return a Resource Manager v3 object in the Cloud Asset envelope."""
    name = str(data.get("name") or "")
    resource = {
        "displayName": data.get("display_name", ""),
        "state": data.get("state", ""),
        "parent": data.get("parent", ""),
        "name": name,
    }
    if asset_type == PROJECT_TYPE:
        resource["projectId"] = data.get("project_id", "")
        resource["projectNumber"] = name.removeprefix("projects/")
        resource["labels"] = data.get("labels", {})
    return {
        "name": CRM_PREFIX + name,
        "asset_type": asset_type,
        "resource": {"data": resource},
    }


def _make_client(name: str, kwargs: dict[str, Any]) -> Any:
    if name == "asset":
        from google.cloud import asset_v1

        return asset_v1.AssetServiceClient(**kwargs)
    if name == "iam":
        from google.cloud import iam_v2

        return iam_v2.PoliciesClient(**kwargs)
    from google.cloud import resourcemanager_v3

    factories = {
        "organizations": resourcemanager_v3.OrganizationsClient,
        "folders": resourcemanager_v3.FoldersClient,
        "projects": resourcemanager_v3.ProjectsClient,
    }
    return factories[name](**kwargs)


def collect_gcp(config: GcpCollectorConfig) -> Snapshot:
    """Collect one GCP scope into a new snapshot."""
    return GcpCollector(config).collect()
