"""Build the bundled GCP predefined-role catalog from `gcloud iam roles describe` files.

Usage: python scripts/build_gcp_role_catalog.py ROLES_FOLDER

ROLES_FOLDER contains one JSON file per predefined role, each the output of
`gcloud iam roles describe roles/NAME --format=json` (for example the
`gcp/roles/` folder of iann0036/iam-dataset). The script writes
`analysis/gcp/data/predefined_roles.json.gz`: every permission name once in a
sorted list, and each role as its title, stage and the indexes of its
permissions. The gzip header carries no time stamp, so equal input gives
byte-equal output.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = (
    Path(__file__).resolve().parents[1]
    / "analysis"
    / "gcp"
    / "data"
    / "predefined_roles.json.gz"
)


def build_catalog(folder: Path) -> dict[str, Any]:
    """Return the compact catalog of every role file in `folder`."""
    roles: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        name = entry.get("name")
        if not isinstance(name, str) or not name.startswith("roles/"):
            raise SystemExit(f"{path}: no `name` of the form roles/NAME")
        roles[name] = {
            "title": entry.get("title", ""),
            "stage": entry.get("stage", ""),
            "permissions": sorted(set(entry.get("includedPermissions") or [])),
        }
    permissions = sorted({p for role in roles.values() for p in role["permissions"]})
    position = {permission: index for index, permission in enumerate(permissions)}
    return {
        "format": "toxicpath-gcp-roles",
        "version": 1,
        "permissions": permissions,
        "roles": {
            name: {
                "title": role["title"],
                "stage": role["stage"],
                "p": [position[p] for p in role["permissions"]],
            }
            for name, role in sorted(roles.items())
        },
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if not folder.is_dir():
        print(f"{folder}: not a folder of role JSON files", file=sys.stderr)
        return 2
    catalog = build_catalog(folder)
    text = json.dumps(catalog, separators=(",", ":"), sort_keys=True)
    OUTPUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(
        f"wrote {len(catalog['roles'])} roles and {len(catalog['permissions'])} "
        f"permissions to {OUTPUT}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
