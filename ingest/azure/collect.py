"""Collect an Azure estate with the azure-mgmt SDKs into a snapshot.

Read-only by construction: the collector calls only `list` and `get`
operations, and every client carries `ReadOnlyPolicy`, which rejects any HTTP
method but GET before it is sent. That excludes the POST operations that
return secrets (`listKeys`, `listCredentials`, app settings), so toxicpath
never reads a key or secret. Paging follows each list's `nextLink`, and
throttling (429) is retried by the SDK's ARM retry policy, honouring
`Retry-After`.

Per subscription the collector reads resource groups and the generic resource
list. That list carries the identity block of every resource, Web/Function
Apps, Automation accounts and Logic Apps included. It then reads:

- RBAC: role definitions, role assignments and deny assignments;
- user-assigned identities and their federated credentials;
- VMs and scale sets;
- network interfaces, public IPs, NSGs, virtual networks, load balancers and
  application security groups;
- storage accounts with their blob containers, and Key Vaults;
- AKS clusters, through the generic `get_by_id`.

Management groups come with their children and their role assignments and
custom role definitions.

NOTE: Web App, Function App, Automation and Logic App properties beyond the
identity block are not collected, because their SDKs are heavy. Site access
restrictions are therefore unknown, and app settings (POST calls that return
secret values) are never read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy

from toxicpath.ingest.azure.arm import (
    last_segment,
    normalize_id,
    resource_group_id_of,
)
from toxicpath.ingest.azure.secrets import redact_azure_response
from toxicpath.ingest.snapshot import CoverageEntry, RawResponse, Snapshot

logger = logging.getLogger(__name__)

ARM_ENDPOINT = "https://management.azure.com"
AKS_API_VERSION = "2024-05-01"
# Status codes and ARM error codes that mean "could not read", not "broken".
_DENIED_STATUSES = (401, 403)
_NOT_ENABLED_CODES = frozenset(
    {
        "MissingSubscriptionRegistration",
        "NoRegisteredProviderFound",
        "SubscriptionNotRegistered",
        "DisallowedProvider",
    }
)


class ReadOnlyPolicyError(RuntimeError):
    """A request with a method other than GET reached the read-only policy."""


class ReadOnlyPolicy(SansIOHTTPPolicy):  # type: ignore[type-arg]
    """Pipeline policy that rejects every request but GET before it is sent."""

    def on_request(self, request: PipelineRequest) -> None:  # type: ignore[type-arg]
        method = request.http_request.method.upper()
        if method != "GET":
            raise ReadOnlyPolicyError(
                f"toxicpath is read-only and rejected {method} "
                f"{request.http_request.url}"
            )


@dataclass(frozen=True)
class AzureCollectorConfig:
    """Collection settings: the subscriptions to read and the ARM endpoint."""

    credential: Any
    subscriptions: tuple[str, ...] = ()  # empty: every subscription visible
    include_management_groups: bool = True
    base_url: str = ARM_ENDPOINT
    # True, False or a CA bundle path, handed to the SDK transport.
    connection_verify: bool | str = True
    retry_total: int = 5
    client_options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _ServiceTally:
    status: str = "ok"
    reason: str = ""
    calls: int = 0
    seconds: float = 0.0


class AzureCollector:
    """Runs the list calls and records responses and coverage in a snapshot."""

    def __init__(self, config: AzureCollectorConfig) -> None:
        self.config = config
        self.snapshot = Snapshot(kind="collect")
        self._tallies: dict[tuple[str, str], _ServiceTally] = {}

    def client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self.config.base_url,
            "connection_verify": self.config.connection_verify,
            "retry_total": self.config.retry_total,
            "per_call_policies": [ReadOnlyPolicy()],
            **self.config.client_options,
        }

    def collect(self) -> Snapshot:
        """Collect every configured subscription and the management groups."""
        subscriptions = self._collect_subscriptions()
        if self.config.include_management_groups:
            self._collect_management_groups(subscriptions)
        for subscription_id in subscriptions:
            logger.info("collecting Azure subscription %s", subscription_id)
            self._collect_subscription(subscription_id)
        self.snapshot.coverage.append(
            CoverageEntry(
                cloud="azure",
                account="",
                region="",
                service="entra",
                status="not_collected",
                reason="Entra ID users, groups, memberships and directory roles are "
                "not read by the ARM collector; import AzureHound output for them",
            )
        )
        for (account, service), tally in sorted(self._tallies.items()):
            self.snapshot.coverage.append(
                CoverageEntry(
                    cloud="azure",
                    account=account,
                    region="",
                    service=service,
                    status=tally.status,
                    reason=tally.reason,
                    calls=tally.calls,
                    seconds=round(tally.seconds, 3),
                )
            )
        self.snapshot.complete = all(t.status == "ok" for t in self._tallies.values())
        self.snapshot.metadata["azure"] = {"subscriptions": subscriptions}
        return self.snapshot

    def call(
        self,
        *,
        account: str,
        service: str,
        operation: str,
        fetch: Callable[[], Any],
        params: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]] | None:
        """Run one list or get call, record its body and coverage; None on failure."""
        tally = self._tallies.setdefault((account, service), _ServiceTally())
        started = time.monotonic()
        try:
            result = fetch()
            items = (
                [to_arm_dict(result)]
                if _is_model(result)
                else [to_arm_dict(item) for item in result]
            )
        except ClientAuthenticationError as exc:
            if exc.response is None:
                # The credential could not get a token: every call would fail
                # the same way, so stop instead of writing an empty snapshot.
                raise
            status, reason = classify_error(exc)
            self._record_failure(tally, account, service, operation, status, reason)
            return None
        except HttpResponseError as exc:
            status, reason = classify_error(exc)
            self._record_failure(tally, account, service, operation, status, reason)
            return None
        finally:
            tally.calls += 1
            tally.seconds += time.monotonic() - started
        self.snapshot.add_response(
            redact_azure_response(
                RawResponse(
                    cloud="azure",
                    account=account,
                    region="",
                    service=service,
                    operation=operation,
                    params=dict(params or {}),
                    body={"value": items},
                )
            )
        )
        return items

    def _record_failure(
        self,
        tally: _ServiceTally,
        account: str,
        service: str,
        operation: str,
        status: str,
        reason: str,
    ) -> None:
        logger.warning(
            "azure %s %s in %s: %s (%s)", service, operation, account, status, reason
        )
        if tally.status == "ok":
            tally.status, tally.reason = status, f"{operation}: {reason}"

    def _collect_subscriptions(self) -> list[str]:
        from azure.mgmt.resource.subscriptions import SubscriptionClient

        client = SubscriptionClient(self.config.credential, **self.client_kwargs())
        items = self.call(
            account="",
            service="resource",
            operation="subscriptions-list",
            fetch=client.subscriptions.list,
        )
        visible = [str(i.get("subscriptionId") or "").lower() for i in items or []]
        if not self.config.subscriptions:
            return [s for s in visible if s]
        requested = [s.lower() for s in self.config.subscriptions]
        for missing in sorted(set(requested) - set(visible)):
            logger.warning("subscription %s is not visible to the credential", missing)
            self._tallies[(missing, "resource")] = _ServiceTally(
                status="denied", reason="the credential cannot see this subscription"
            )
        return [s for s in requested if s in visible]

    def _collect_management_groups(self, subscriptions: list[str]) -> None:
        from azure.mgmt.authorization import AuthorizationManagementClient
        from azure.mgmt.managementgroups import ManagementGroupsMgmtClient

        groups_client = ManagementGroupsMgmtClient(
            self.config.credential, **self.client_kwargs()
        )
        groups = self.call(
            account="",
            service="managementgroups",
            operation="management-groups-list",
            fetch=groups_client.management_groups.list,
        )
        placeholder = subscriptions[0] if subscriptions else "0" * 8
        authorization = AuthorizationManagementClient(
            self.config.credential, placeholder, **self.client_kwargs()
        )
        for group in groups or []:
            name = str(group.get("name") or last_segment(str(group.get("id"))))
            scope = normalize_id(group.get("id"))
            self.call(
                account="",
                service="managementgroups",
                operation="management-group-get",
                params={"groupId": name, "expand": "children"},
                fetch=lambda n=name: groups_client.management_groups.get(  # type: ignore[misc]
                    n, expand="children"
                ),
            )
            self.call(
                account="",
                service="authorization",
                operation="role-assignments-list-for-scope",
                params={"scope": scope},
                fetch=lambda s=scope: authorization.role_assignments.list_for_scope(  # type: ignore[misc]
                    s, filter="atScope()"
                ),
            )
            self.call(
                account="",
                service="authorization",
                operation="role-definitions-list",
                params={"scope": scope},
                fetch=lambda s=scope: authorization.role_definitions.list(  # type: ignore[misc]
                    s, filter="type eq 'CustomRole'"
                ),
            )

    def _collect_subscription(self, subscription_id: str) -> None:
        clients = _SubscriptionClients(self, subscription_id)
        scope = f"/subscriptions/{subscription_id}"
        for service, operation, fetch in clients.list_calls(scope):
            self.call(
                account=subscription_id,
                service=service,
                operation=operation,
                fetch=fetch,
            )
        self._collect_containers(clients, subscription_id)
        self._collect_federated_credentials(clients, subscription_id)
        self._collect_aks(clients, subscription_id)

    def _collect_containers(
        self, clients: _SubscriptionClients, subscription_id: str
    ) -> None:
        accounts = [
            r
            for r in self.snapshot.responses_for(
                "azure", "storage", "storage-accounts-list", account=subscription_id
            )
        ]
        for response in accounts:
            for account in response.body["value"]:
                account_id = normalize_id(account.get("id"))
                group = last_segment(resource_group_id_of(account_id))
                name = str(account.get("name") or "")
                if not group or not name:
                    continue
                self.call(
                    account=subscription_id,
                    service="storage",
                    operation="blob-containers-list",
                    params={"resourceGroupName": group, "accountName": name},
                    fetch=lambda g=group, n=name: (
                        clients.storage().blob_containers.list(  # type: ignore[misc]
                            g, n
                        )
                    ),
                )

    def _collect_federated_credentials(
        self, clients: _SubscriptionClients, subscription_id: str
    ) -> None:
        for response in self.snapshot.responses_for(
            "azure", "msi", "user-assigned-identities-list", account=subscription_id
        ):
            for identity in response.body["value"]:
                identity_id = normalize_id(identity.get("id"))
                group = last_segment(resource_group_id_of(identity_id))
                name = str(identity.get("name") or "")
                if not group or not name:
                    continue
                self.call(
                    account=subscription_id,
                    service="msi",
                    operation="federated-identity-credentials-list",
                    params={"resourceGroupName": group, "resourceName": name},
                    fetch=lambda g=group, n=name: (  # type: ignore[misc]
                        clients.msi().federated_identity_credentials.list(g, n)
                    ),
                )

    def _collect_aks(self, clients: _SubscriptionClients, subscription_id: str) -> None:
        for response in self.snapshot.responses_for(
            "azure", "resource", "resources-list", account=subscription_id
        ):
            for item in response.body["value"]:
                if str(item.get("type") or "").lower() != (
                    "microsoft.containerservice/managedclusters"
                ):
                    continue
                cluster_id = str(item.get("id"))
                self.call(
                    account=subscription_id,
                    service="containerservice",
                    operation="managed-cluster-get",
                    params={"resourceId": cluster_id},
                    fetch=lambda c=cluster_id: clients.resource().resources.get_by_id(  # type: ignore[misc]
                        c, api_version=AKS_API_VERSION
                    ),
                )


class _SubscriptionClients:
    """The management clients of one subscription, built when first used."""

    def __init__(self, collector: AzureCollector, subscription_id: str) -> None:
        self.collector = collector
        self.subscription_id = subscription_id
        self._cache: dict[str, Any] = {}

    def _client(self, key: str, factory: Callable[..., Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = factory(
                self.collector.config.credential,
                self.subscription_id,
                **self.collector.client_kwargs(),
            )
        return self._cache[key]

    def resource(self) -> Any:
        from azure.mgmt.resource.resources import ResourceManagementClient

        return self._client("resource", ResourceManagementClient)

    def authorization(self) -> Any:
        from azure.mgmt.authorization import AuthorizationManagementClient

        return self._client("authorization", AuthorizationManagementClient)

    def msi(self) -> Any:
        from azure.mgmt.msi import ManagedServiceIdentityClient

        return self._client("msi", ManagedServiceIdentityClient)

    def compute(self) -> Any:
        from azure.mgmt.compute import ComputeManagementClient

        return self._client("compute", ComputeManagementClient)

    def network(self) -> Any:
        from azure.mgmt.network import NetworkManagementClient

        return self._client("network", NetworkManagementClient)

    def storage(self) -> Any:
        from azure.mgmt.storage import StorageManagementClient

        return self._client("storage", StorageManagementClient)

    def keyvault(self) -> Any:
        from azure.mgmt.keyvault import KeyVaultManagementClient

        return self._client("keyvault", KeyVaultManagementClient)

    def list_calls(self, scope: str) -> Iterable[tuple[str, str, Callable[[], Any]]]:
        """Yield (service, operation, fetch) for every subscription-wide list call."""
        yield (
            "resource",
            "resource-groups-list",
            lambda: self.resource().resource_groups.list(),
        )
        yield "resource", "resources-list", lambda: self.resource().resources.list()

        yield (
            "authorization",
            "role-definitions-list",
            lambda: self.authorization().role_definitions.list(scope),
        )
        yield (
            "authorization",
            "role-assignments-list",
            lambda: self.authorization().role_assignments.list_for_subscription(),
        )
        yield (
            "authorization",
            "deny-assignments-list",
            lambda: self.authorization().deny_assignments.list(),
        )

        yield (
            "msi",
            "user-assigned-identities-list",
            lambda: self.msi().user_assigned_identities.list_by_subscription(),
        )
        yield (
            "compute",
            "virtual-machines-list",
            lambda: self.compute().virtual_machines.list_all(),
        )
        yield (
            "compute",
            "virtual-machine-scale-sets-list",
            lambda: self.compute().virtual_machine_scale_sets.list_all(),
        )

        for operation, attribute in (
            ("network-interfaces-list", "network_interfaces"),
            ("public-ip-addresses-list", "public_ip_addresses"),
            ("network-security-groups-list", "network_security_groups"),
            ("virtual-networks-list", "virtual_networks"),
            ("load-balancers-list", "load_balancers"),
            ("application-security-groups-list", "application_security_groups"),
        ):
            yield (
                "network",
                operation,
                lambda a=attribute: getattr(self.network(), a).list_all(),  # type: ignore[misc]
            )

        yield (
            "storage",
            "storage-accounts-list",
            lambda: self.storage().storage_accounts.list(),
        )
        yield (
            "keyvault",
            "vaults-list",
            lambda: self.keyvault().vaults.list_by_subscription(),
        )


def _is_model(result: Any) -> bool:
    return hasattr(result, "serialize") or isinstance(result, Mapping)


def to_arm_dict(model: Any) -> dict[str, Any]:
    """Return an SDK model as ARM JSON (camelCase names, read-only fields kept)."""
    if isinstance(model, Mapping):
        as_dict = getattr(model, "as_dict", None)
        return dict(as_dict()) if callable(as_dict) else dict(model)
    serialized: dict[str, Any] = model.serialize(keep_readonly=True)
    return serialized


def classify_error(exc: Any) -> tuple[str, str]:
    """Map an ARM error to a coverage status and a one-line reason."""
    status_code = getattr(exc, "status_code", None)
    error = getattr(exc, "error", None)
    code = str(getattr(error, "code", "") or "")
    message = str(getattr(error, "message", "") or exc.message or exc).splitlines()[0]
    reason = f"{code or status_code}: {message}"
    if status_code in _DENIED_STATUSES or code == "AuthorizationFailed":
        return "denied", reason
    if code in _NOT_ENABLED_CODES or status_code == 404:
        return "not_enabled", reason
    if status_code == 429:
        return "throttled", reason
    return "failed", reason


def collect_azure(config: AzureCollectorConfig) -> Snapshot:
    """Collect the estate `config` describes and return the snapshot."""
    return AzureCollector(config).collect()
