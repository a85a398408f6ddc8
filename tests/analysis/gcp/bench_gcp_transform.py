"""Time the GCP transform on a synthetic estate.

Run: `python tests/analysis/gcp/bench_gcp_transform.py`.

The estate has 300 users with organization-level Viewer, 20 projects with six
random role bindings each, and per project 10 service accounts, 25 buckets
and 10 VMs with external addresses. The seed is fixed, so runs compare.
"""

from __future__ import annotations

import random
import time
from typing import Any

from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

CRM = "//cloudresourcemanager.googleapis.com/"
ROLES = (
    "roles/editor",
    "roles/viewer",
    "roles/storage.admin",
    "roles/iam.serviceAccountUser",
    "roles/compute.instanceAdmin.v1",
    "roles/cloudfunctions.developer",
)


def synthetic_assets(*, users: int = 300, projects: int = 20) -> list[dict[str, Any]]:
    rng = random.Random(1)
    organization_members = [f"user:u{i}@example.com" for i in range(users)]
    assets: list[dict[str, Any]] = [
        {
            "name": CRM + "organizations/1",
            "asset_type": "cloudresourcemanager.googleapis.com/Organization",
            "ancestors": ["organizations/1"],
            "iam_policy": {
                "bindings": [{"role": "roles/viewer", "members": organization_members}]
            },
        }
    ]
    for p in range(projects):
        number = str(1000 + p)
        ancestors = [f"projects/{number}", "organizations/1"]
        bindings = [
            {
                "role": rng.choice(ROLES),
                "members": [
                    f"user:u{rng.randrange(users)}@example.com" for _ in range(10)
                ],
            }
            for _ in range(6)
        ]
        assets.append(
            {
                "name": CRM + f"projects/{number}",
                "asset_type": "cloudresourcemanager.googleapis.com/Project",
                "ancestors": ancestors,
                "resource": {
                    "data": {
                        "projectNumber": number,
                        "projectId": f"p{p}",
                        "parent": {"type": "organization", "id": "1"},
                    }
                },
                "iam_policy": {"bindings": bindings},
            }
        )
        for s in range(10):
            assets.append(
                {
                    "name": f"//iam.googleapis.com/projects/p{p}/serviceAccounts/"
                    f"{p}{s}",
                    "asset_type": "iam.googleapis.com/ServiceAccount",
                    "ancestors": ancestors,
                    "resource": {
                        "data": {
                            "email": f"sa{s}@p{p}.iam.gserviceaccount.com",
                            "projectId": f"p{p}",
                            "uniqueId": f"{p}{s}",
                        }
                    },
                }
            )
        for b in range(25):
            assets.append(
                {
                    "name": f"//storage.googleapis.com/b{p}-{b}",
                    "asset_type": "storage.googleapis.com/Bucket",
                    "ancestors": ancestors,
                    "resource": {"data": {"name": f"b{p}-{b}"}},
                }
            )
        for v in range(10):
            interface = {
                "network": f"projects/p{p}/global/networks/default",
                "accessConfigs": [{"natIP": "34.0.0.1"}],
            }
            assets.append(
                {
                    "name": f"//compute.googleapis.com/projects/p{p}/zones/z/"
                    f"instances/v{v}",
                    "asset_type": "compute.googleapis.com/Instance",
                    "ancestors": ancestors,
                    "resource": {
                        "data": {
                            "name": f"v{v}",
                            "networkInterfaces": [interface],
                            "serviceAccounts": [
                                {"email": f"sa{v}@p{p}.iam.gserviceaccount.com"}
                            ],
                        }
                    },
                }
            )
    return assets


def main() -> None:
    snapshot = Snapshot()
    snapshot.add_response(
        RawResponse(
            cloud="gcp",
            account="",
            region="",
            service="cloudasset",
            operation="export",
            body={"assets": synthetic_assets()},
        )
    )
    started = time.perf_counter()
    records = transform(snapshot)
    elapsed = time.perf_counter() - started
    print(f"transform: {elapsed:.1f} s, {records.summary()}")


if __name__ == "__main__":
    main()
