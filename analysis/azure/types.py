"""ARM resource types the Azure analysis reads, and their neutral graph types."""

from __future__ import annotations

VIRTUAL_MACHINE_TYPE = "microsoft.compute/virtualmachines"
VMSS_TYPE = "microsoft.compute/virtualmachinescalesets"
STORAGE_ACCOUNT_TYPE = "microsoft.storage/storageaccounts"
KEY_VAULT_TYPE = "microsoft.keyvault/vaults"
WEB_SITE_TYPE = "microsoft.web/sites"
AUTOMATION_ACCOUNT_TYPE = "microsoft.automation/automationaccounts"
LOGIC_APP_TYPE = "microsoft.logic/workflows"
AKS_TYPE = "microsoft.containerservice/managedclusters"
UAMI_TYPE = "microsoft.managedidentity/userassignedidentities"
NETWORK_INTERFACE_TYPE = "microsoft.network/networkinterfaces"
PUBLIC_IP_TYPE = "microsoft.network/publicipaddresses"
NSG_TYPE = "microsoft.network/networksecuritygroups"
LOAD_BALANCER_TYPE = "microsoft.network/loadbalancers"
ASG_TYPE = "microsoft.network/applicationsecuritygroups"

# ARM type -> provider-neutral Resource `type`. Web Apps and Function Apps
# both run code under a managed identity, so both are `function`; the ARM
# `kind` (app, functionapp, ...) stays in the node's attributes.
RESOURCE_TYPE_MAP: dict[str, str] = {
    VIRTUAL_MACHINE_TYPE: "virtual_machine",
    VMSS_TYPE: "virtual_machine",
    STORAGE_ACCOUNT_TYPE: "object_storage",
    "microsoft.storage/storageaccounts/blobservices/containers": "object_storage",
    KEY_VAULT_TYPE: "key_vault",
    WEB_SITE_TYPE: "function",
    AUTOMATION_ACCOUNT_TYPE: "function",
    LOGIC_APP_TYPE: "function",
    AKS_TYPE: "kubernetes_cluster",
    "microsoft.containerregistry/registries": "container_registry",
    "microsoft.containerinstance/containergroups": "container_service",
    "microsoft.app/containerapps": "container_service",
    LOAD_BALANCER_TYPE: "load_balancer",
    "microsoft.sql/servers": "database",
    "microsoft.sql/servers/databases": "database",
    "microsoft.documentdb/databaseaccounts": "database",
    "microsoft.dbforpostgresql/servers": "database",
    "microsoft.dbforpostgresql/flexibleservers": "database",
    "microsoft.dbformysql/servers": "database",
    "microsoft.dbformysql/flexibleservers": "database",
    "microsoft.cache/redis": "database",
    "microsoft.servicebus/namespaces": "queue",
    "microsoft.eventhub/namespaces": "topic",
    "microsoft.compute/snapshots": "snapshot",
    "microsoft.compute/disks": "snapshot",
    "microsoft.synapse/workspaces": "data_warehouse",
    "microsoft.search/searchservices": "search_domain",
}

# Resources that become no Resource node: identities are Identity nodes,
# networks are Network nodes, and these carry only reachability facts.
SKIPPED_RESOURCE_TYPES = frozenset(
    {
        UAMI_TYPE,
        NETWORK_INTERFACE_TYPE,
        PUBLIC_IP_TYPE,
        ASG_TYPE,
        "microsoft.network/networkwatchers",
        "microsoft.insights/components",
        "microsoft.operationalinsights/workspaces",
        "microsoft.web/serverfarms",
    }
)
