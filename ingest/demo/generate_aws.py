"""Write the bundled AWS demo estate: raw API responses of a fictional company.

Larkspur Labs runs two AWS accounts, production (210987654321) and development
(310987654321), and lets a partner (999988887777, not scanned) into one role.
The files are the responses of the real AWS CLI calls, in the folder layout
that the raw-response importer reads (`<service>-<operation>.json`, one
sub-folder per parameterised call with the URL-encoded parameter value as the
file name, without a suffix). Every id, address and key below is invented.

Attack paths the analysis should find:

- web-1 (production) has a public address with 80 and 443 open to the world.
  Its instance profile role `web-server-role` reads the restricted bucket
  `larkspur-customer-data`, and can pass any role to a new Lambda function,
  which reaches the admin role `lambda-deploy-admin`.
- alice (development) has a console password, no MFA, and
  iam:CreatePolicyVersion on every policy, so she can make herself admin.
- `partner-integration` (production) trusts the partner account's root
  without an sts:ExternalId condition.
- `larkspur-customer-exports` (production) is readable by anonymous
  through its bucket policy and is tagged confidential.
- ci-bot (development) assumes build-role, which assumes deploy-role, which
  assumes platform-admin (AdministratorAccess): a three-role chain to admin.
- The Lambda function `webhook-handler` has a function URL with auth type
  NONE and runs as `webhook-handler-role`, which has AdministratorAccess.
- `reporting-role` (production) may read every secret, including
  `prod/payments/db-credentials`, and trusts deploy-role in development.

Benign on purpose: the private buckets `larkspur-app-logs` and
`larkspur-dev-scratch`, the internal load balancer `internal-api`, the
bastion whose SSH rule admits one office range only, and the private
database `orders-db`.

Run `python -m toxicpath.ingest.demo.generate_aws` to rewrite the files after
changing this module; the output is deterministic.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from toxicpath.ingest.demo.aws_development import development_files
from toxicpath.ingest.demo.aws_production import production_files
from toxicpath.ingest.demo.aws_shapes import REGION, Files


def demo_files() -> dict[str, Files]:
    """Return the files of each account folder, by folder name."""
    return {"larkspur-prod": production_files(), "larkspur-dev": development_files()}


def write_demo(root: Path) -> None:
    """Replace `root` with the demo's account folders."""
    if root.exists():
        shutil.rmtree(root)
    for folder, files in demo_files().items():
        account_folder = root / folder
        (account_folder / REGION).mkdir(parents=True)
        (account_folder / "describe-regions.json").write_text(
            json.dumps(
                {
                    "Regions": [
                        {
                            "Endpoint": f"ec2.{REGION}.amazonaws.com",
                            "RegionName": REGION,
                            "OptInStatus": "opt-in-not-required",
                        }
                    ]
                },
                indent=2,
            )
            + "\n"
        )
        for relative, body in sorted(files.items()):
            path = account_folder / REGION / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_demo(Path(__file__).resolve().parent / "aws")
