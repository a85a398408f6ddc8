"""Build the bundled Azure built-in role catalog from `az role definition list` output.

Usage: python scripts/build_azure_role_catalog.py INPUT.json

INPUT is the JSON array that `az role definition list` prints (for example
iann0036/iam-dataset `azure/built-in-roles-raw.json`, MIT license). The output,
`analysis/azure/data/builtin_roles.json.gz`, keeps per role only what RBAC
evaluation reads: the GUID, name, description and permissions, sorted by GUID
so rebuilding from the same input gives the same bytes.
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
    / "azure"
    / "data"
    / "builtin_roles.json.gz"
)
PERMISSION_KEYS = ("actions", "notActions", "dataActions", "notDataActions")


def compact_role(role: dict[str, Any]) -> dict[str, Any]:
    permissions = []
    for entry in role.get("permissions") or []:
        compact = {key: entry[key] for key in PERMISSION_KEYS if entry.get(key)}
        if entry.get("condition"):
            compact["condition"] = entry["condition"]
        permissions.append(compact)
    return {
        "name": str(role["name"]).lower(),
        "roleName": role["roleName"],
        "description": role.get("description") or "",
        "roleType": role.get("roleType") or "BuiltInRole",
        "permissions": permissions,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    roles = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    if not isinstance(roles, list):
        print(f"{argv[1]}: expected a JSON array of role definitions", file=sys.stderr)
        return 2
    compact = sorted((compact_role(role) for role in roles), key=lambda r: r["name"])
    text = json.dumps(compact, sort_keys=True, separators=(",", ":"))
    # mtime=0 keeps the gzip header, and so the file, reproducible.
    with (
        OUTPUT.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out,
    ):
        out.write(text.encode("utf-8"))
    print(f"wrote {len(compact)} roles to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
