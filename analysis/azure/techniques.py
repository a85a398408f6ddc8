"""The Azure privilege-escalation and data-access technique catalog.

Each technique names the ARM resource types it applies to and the actions it
needs, as an AND of alternatives: every group in `requires` must have one
allowed action. Checks run on effective actions (custom roles included), not
on role names, so a custom role with `runCommand/action` counts like Virtual
Machine Contributor. An assignment at any scope above the resource counts,
not only one made on the resource itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from toxicpath.analysis.azure.types import (
    AKS_TYPE,
    AUTOMATION_ACCOUNT_TYPE,
    KEY_VAULT_TYPE,
    LOGIC_APP_TYPE,
    STORAGE_ACCOUNT_TYPE,
    UAMI_TYPE,
    VIRTUAL_MACHINE_TYPE,
    VMSS_TYPE,
    WEB_SITE_TYPE,
)

CONTAINER_TYPE = "microsoft.storage/storageaccounts/blobservices/containers"


@dataclass(frozen=True)
class Technique:
    id: str
    title: str
    resource_types: tuple[str, ...]
    requires: tuple[tuple[str, ...], ...] = ()
    data_requires: tuple[tuple[str, ...], ...] = ()
    # "identity": CAN_ESCALATE to the identities the resource runs as (or to
    # the user-assigned identity itself); "access": CAN_ACCESS the resource.
    edge: str = "identity"
    level: str = "admin"
    # A documentation page for the technique, where one was checked.
    reference: str = ""

    @property
    def all_actions(self) -> tuple[str, ...]:
        return tuple(
            a for group in (*self.requires, *self.data_requires) for a in group
        )


SUBSCRIPTION_TECHNIQUES = {
    "azure-owner": "Owner (or another role with `*`) can write role assignments "
    "and so controls the subscription",
    "azure-role-assignment-write": "Microsoft.Authorization/roleAssignments/write "
    "lets the principal assign itself Owner",
    "azure-role-definition-update": "Microsoft.Authorization/roleDefinitions/write "
    "lets the principal add `*` to a custom role it already holds",
}

TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        id="azure-vm-run-command",
        title="Run a command on the VM and read its managed identity token from IMDS",
        resource_types=(VIRTUAL_MACHINE_TYPE,),
        reference="https://learn.microsoft.com/en-us/rest/api/compute/virtual-machines/run-command",
        requires=(
            (
                "Microsoft.Compute/virtualMachines/runCommand/action",
                "Microsoft.Compute/virtualMachines/runCommands/write",
            ),
        ),
    ),
    Technique(
        id="azure-vm-extension",
        title="Install a custom script extension that runs as SYSTEM or root",
        resource_types=(VIRTUAL_MACHINE_TYPE,),
        requires=(("Microsoft.Compute/virtualMachines/extensions/write",),),
    ),
    Technique(
        id="azure-vm-admin-login",
        title="Sign in to the VM as administrator with Entra ID and use its identity",
        resource_types=(VIRTUAL_MACHINE_TYPE,),
        data_requires=(("Microsoft.Compute/virtualMachines/loginAsAdmin/action",),),
    ),
    Technique(
        id="azure-vmss-run-command",
        title="Run a command on a scale set instance and read its identity token",
        resource_types=(VMSS_TYPE,),
        requires=(
            (
                "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action",
                "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands/write",
                "Microsoft.Compute/virtualMachineScaleSets/extensions/write",
                "Microsoft.Compute/virtualMachineScaleSets/write",
            ),
        ),
    ),
    Technique(
        id="azure-web-app-code",
        title="Deploy code or a Kudu command to the app and read IDENTITY_ENDPOINT",
        resource_types=(WEB_SITE_TYPE,),
        requires=(
            (
                "Microsoft.Web/sites/write",
                "Microsoft.Web/sites/config/write",
                "Microsoft.Web/sites/publishxml/action",
                "Microsoft.Web/sites/config/list/action",
                "Microsoft.Web/sites/functions/write",
            ),
        ),
    ),
    Technique(
        id="azure-automation-runbook",
        title="Create and start a runbook that prints the account's identity token",
        resource_types=(AUTOMATION_ACCOUNT_TYPE,),
        requires=(
            (
                "Microsoft.Automation/automationAccounts/runbooks/write",
                "Microsoft.Automation/automationAccounts/runbooks/draft/write",
            ),
            ("Microsoft.Automation/automationAccounts/jobs/write",),
        ),
    ),
    Technique(
        id="azure-logic-app-workflow",
        title="Edit the workflow to send its managed identity token out",
        resource_types=(LOGIC_APP_TYPE,),
        requires=(("Microsoft.Logic/workflows/write",),),
    ),
    Technique(
        id="azure-aks-command",
        title="Run commands on the cluster or fetch admin credentials and use "
        "its identity",
        resource_types=(AKS_TYPE,),
        requires=(
            (
                "Microsoft.ContainerService/managedClusters/runCommand/action",
                "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
                "Microsoft.ContainerService/managedClusters/write",
            ),
        ),
    ),
    Technique(
        id="azure-uami-federated-credential",
        title="Add a federated credential to the identity and sign in as it",
        resource_types=(UAMI_TYPE,),
        requires=(
            (
                "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
            ),
        ),
    ),
    Technique(
        id="azure-uami-assign",
        title="Attach the identity to a VM the principal can create in the same "
        "resource group, then read its token",
        resource_types=(UAMI_TYPE,),
        requires=(("Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",),),
    ),
    Technique(
        id="azure-storage-list-keys",
        title="List the storage account keys, which give full data access",
        resource_types=(STORAGE_ACCOUNT_TYPE,),
        requires=(("Microsoft.Storage/storageAccounts/listkeys/action",),),
        edge="access",
        level="admin",
    ),
    Technique(
        id="azure-storage-blob-write",
        title="Write blobs through a data role",
        resource_types=(STORAGE_ACCOUNT_TYPE, CONTAINER_TYPE),
        data_requires=(
            ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",),
        ),
        edge="access",
        level="write",
    ),
    Technique(
        id="azure-storage-blob-read",
        title="Read blobs through a data role",
        resource_types=(STORAGE_ACCOUNT_TYPE, CONTAINER_TYPE),
        data_requires=(
            ("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",),
        ),
        edge="access",
        level="read",
    ),
    Technique(
        id="azure-keyvault-secret-read",
        title="Read secrets through a Key Vault data role (RBAC mode)",
        resource_types=(KEY_VAULT_TYPE,),
        data_requires=(("Microsoft.KeyVault/vaults/secrets/getSecret/action",),),
        edge="access",
        level="read",
    ),
    Technique(
        id="azure-keyvault-key-use",
        title="Decrypt, unwrap or sign with vault keys through a data role (RBAC mode)",
        resource_types=(KEY_VAULT_TYPE,),
        data_requires=(
            (
                "Microsoft.KeyVault/vaults/keys/decrypt/action",
                "Microsoft.KeyVault/vaults/keys/unwrap/action",
                "Microsoft.KeyVault/vaults/keys/sign/action",
            ),
        ),
        edge="access",
        level="read",
    ),
    Technique(
        id="azure-keyvault-access-policy-self-grant",
        title="Add an access policy for itself to a vault in access-policy mode",
        resource_types=(KEY_VAULT_TYPE,),
        requires=(
            (
                "Microsoft.KeyVault/vaults/write",
                "Microsoft.KeyVault/vaults/accessPolicies/write",
            ),
        ),
        edge="access",
        level="admin",
    ),
    Technique(
        id="azure-vm-control",
        title="Run code on the VM",
        resource_types=(VIRTUAL_MACHINE_TYPE,),
        requires=(
            (
                "Microsoft.Compute/virtualMachines/runCommand/action",
                "Microsoft.Compute/virtualMachines/runCommands/write",
                "Microsoft.Compute/virtualMachines/extensions/write",
            ),
        ),
        edge="access",
        level="admin",
    ),
)

TECHNIQUES_BY_ID = {technique.id: technique for technique in TECHNIQUES}
