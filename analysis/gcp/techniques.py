"""The GCP privilege-escalation technique catalog.

Sources: Rhino Security Labs' GCP IAM privilege-escalation research (17
methods), the `gcp/` scenarios of the iam-vulnerable lab, and Google's IAM
documentation on service-account impersonation. Checks run on effective
permissions (custom roles included), not on role names.

Vehicles follow the "actAs plus vehicle" pattern: `iam.serviceAccounts.actAs`
on a service account alone runs nothing. A path needs actAs on the service
account and every permission group of one vehicle in the service account's
project. Each group is an OR of alternatives, and all groups must be met.
"""

from __future__ import annotations

from dataclasses import dataclass

ACT_AS = "iam.serviceAccounts.actAs"

# Project-level techniques that give full control (CAN_ESCALATE to account_admin).
ADMIN_TECHNIQUES = {
    "gcp-owner": "roles/owner lets the member set the IAM policy of project",
    "gcp-set-iam-policy": "resourcemanager.projects.setIamPolicy lets the member "
    "bind itself roles/owner on project",
    "gcp-folder-set-iam-policy": "resourcemanager.folders.setIamPolicy on an "
    "ancestor folder lets the member bind itself roles/owner above project",
    "gcp-org-set-iam-policy": "resourcemanager.organizations.setIamPolicy lets "
    "the member bind itself roles/owner on the organization above project",
    "gcp-custom-role-update": "iam.roles.update lets the member add "
    "setIamPolicy to a custom role it holds on project",
}

# Permissions on a service account that mint its credentials directly.
TOKEN_PERMISSIONS = (
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.signBlob",
    "iam.serviceAccounts.signJwt",
)
IMPLICIT_DELEGATION = "iam.serviceAccounts.implicitDelegation"


@dataclass(frozen=True)
class ServiceAccountTechnique:
    id: str
    permission: str
    title: str


# Permissions on a service account that give its rights in more steps.
SA_ESCALATIONS = (
    ServiceAccountTechnique(
        "gcp-sa-key-create",
        "iam.serviceAccountKeys.create",
        "creates a key for the service account and signs in with it",
    ),
    ServiceAccountTechnique(
        "gcp-sa-set-iam-policy",
        "iam.serviceAccounts.setIamPolicy",
        "grants itself Service Account Token Creator on the service account",
    ),
)


@dataclass(frozen=True)
class Vehicle:
    id: str
    title: str
    requires: tuple[tuple[str, ...], ...]


VEHICLES: tuple[Vehicle, ...] = (
    Vehicle(
        "gcp-actas-compute-instance",
        "creates a Compute Engine VM that runs as the service account",
        (("compute.instances.create",), ("compute.disks.create",)),
    ),
    Vehicle(
        "gcp-actas-instance-template",
        "creates an instance template and a managed instance group that runs as "
        "the service account",
        (
            ("compute.instanceTemplates.create",),
            ("compute.instanceGroupManagers.create", "compute.instances.create"),
        ),
    ),
    Vehicle(
        "gcp-actas-cloud-function",
        "deploys a Cloud Function that runs as the service account",
        (("cloudfunctions.functions.create",),),
    ),
    Vehicle(
        "gcp-actas-cloud-run",
        "deploys a Cloud Run service that runs as the service account",
        (("run.services.create",),),
    ),
    Vehicle(
        "gcp-actas-cloud-run-job",
        "creates a Cloud Run job that runs as the service account",
        (("run.jobs.create",),),
    ),
    Vehicle(
        "gcp-actas-cloud-build",
        "submits a Cloud Build build that runs as the service account",
        (("cloudbuild.builds.create",),),
    ),
    Vehicle(
        "gcp-actas-cloud-scheduler",
        "creates a Cloud Scheduler job that calls APIs with the service account's "
        "token",
        (("cloudscheduler.jobs.create",),),
    ),
    Vehicle(
        "gcp-actas-composer",
        "creates a Composer environment whose DAGs run as the service account",
        (("composer.environments.create",),),
    ),
    Vehicle(
        "gcp-actas-dataflow",
        "launches a Dataflow job whose workers run as the service account",
        (("dataflow.jobs.create",),),
    ),
    Vehicle(
        "gcp-actas-dataproc",
        "creates a Dataproc cluster whose nodes run as the service account",
        (("dataproc.clusters.create",),),
    ),
    Vehicle(
        "gcp-actas-gke",
        "creates a GKE cluster whose nodes run as the service account",
        (("container.clusters.create",),),
    ),
    Vehicle(
        "gcp-actas-notebooks",
        "creates a Vertex AI Workbench notebook that runs as the service account",
        (("notebooks.instances.create",),),
    ),
    Vehicle(
        "gcp-actas-vertex-ai",
        "runs a Vertex AI custom job as the service account",
        (("aiplatform.customJobs.create",),),
    ),
    Vehicle(
        "gcp-actas-workflows",
        "deploys a Workflows workflow that calls APIs as the service account",
        (("workflows.workflows.create",),),
    ),
    Vehicle(
        "gcp-actas-eventarc",
        "creates an Eventarc trigger that delivers events as the service account",
        (("eventarc.triggers.create",),),
    ),
    Vehicle(
        "gcp-actas-deployment-manager",
        "creates a Deployment Manager deployment of resources that run as the "
        "service account",
        (("deploymentmanager.deployments.create",),),
    ),
    Vehicle(
        "gcp-actas-app-engine",
        "deploys an App Engine version that runs as the service account",
        (("appengine.versions.create",),),
    ),
    Vehicle(
        "gcp-actas-batch",
        "submits a Batch job that runs as the service account",
        (("batch.jobs.create",),),
    ),
)


@dataclass(frozen=True)
class WorkloadTechnique:
    """Take over code that already runs as a service account."""

    id: str
    title: str
    asset_types: tuple[str, ...]
    # Permissions on the workload itself (any one) ...
    on_resource: tuple[str, ...]
    # ... or on its project (any one).
    on_project: tuple[str, ...] = ()
    needs_act_as: bool = True
    # Set when a setting the snapshot does not hold can block the technique.
    caveat: str = ""


WORKLOAD_TECHNIQUES: tuple[WorkloadTechnique, ...] = (
    WorkloadTechnique(
        "gcp-instance-set-metadata",
        "adds an SSH key to the VM's metadata and reads the token from the "
        "metadata server",
        ("compute.googleapis.com/Instance",),
        ("compute.instances.setMetadata",),
        ("compute.projects.setCommonInstanceMetadata",),
    ),
    WorkloadTechnique(
        "gcp-instance-os-admin-login",
        "signs in to the VM with OS Login as an administrator",
        ("compute.googleapis.com/Instance",),
        ("compute.instances.osAdminLogin",),
    ),
    WorkloadTechnique(
        "gcp-instance-set-service-account",
        "stops the VM and swaps its service account",
        ("compute.googleapis.com/Instance",),
        ("compute.instances.setServiceAccount",),
    ),
    WorkloadTechnique(
        "gcp-function-update",
        "replaces the function's code with code that returns its token",
        (
            "cloudfunctions.googleapis.com/CloudFunction",
            "cloudfunctions.googleapis.com/Function",
        ),
        ("cloudfunctions.functions.update",),
    ),
    WorkloadTechnique(
        "gcp-run-service-update",
        "deploys a new revision of the Cloud Run service",
        ("run.googleapis.com/Service",),
        ("run.services.update",),
    ),
    WorkloadTechnique(
        "gcp-run-job-update",
        "changes and runs the Cloud Run job",
        ("run.googleapis.com/Job",),
        ("run.jobs.update",),
    ),
    WorkloadTechnique(
        "gcp-gke-get-credentials",
        "gets cluster credentials and runs a pod on the nodes",
        ("container.googleapis.com/Cluster",),
        (),
        ("container.pods.create",),
        needs_act_as=False,
        caveat="GKE Workload Identity or metadata concealment hides the node "
        "service account from pods",
    ),
)


@dataclass(frozen=True)
class GoogleAccountVehicle:
    """A service that runs as a Google-created account without actAs."""

    id: str
    title: str
    permission: str
    email_format: str  # {number} is the project number


GOOGLE_ACCOUNT_VEHICLES = (
    GoogleAccountVehicle(
        "gcp-cloud-build-default-account",
        "submits a Cloud Build build, which runs as the legacy Cloud Build "
        "service account unless the build names another",
        "cloudbuild.builds.create",
        "{number}@cloudbuild.gserviceaccount.com",
    ),
    GoogleAccountVehicle(
        "gcp-deployment-manager-google-apis",
        "creates a Deployment Manager deployment, which acts as the Google APIs "
        "service agent",
        "deploymentmanager.deployments.create",
        "{number}@cloudservices.gserviceaccount.com",
    ),
)

# IAM names these permissions with the service host, unlike most others.
WORKLOAD_IDENTITY_PROVIDER_PERMISSIONS = (
    "iam.googleapis.com/workloadIdentityPoolProviders.update",
    "iam.googleapis.com/workloadIdentityPoolProviders.create",
)
