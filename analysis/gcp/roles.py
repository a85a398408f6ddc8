"""Role permissions: the bundled predefined-role catalog plus the estate's custom roles.

Predefined and basic roles (`roles/owner`, `roles/editor`, `roles/viewer`)
come from `data/predefined_roles.json.gz`, so an export with only IAM
policies still evaluates. Custom roles (`projects/P/roles/X`,
`organizations/N/roles/X`) come from the snapshot; a custom role the
snapshot lacks grants nothing and is reported as unresolved.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
from dataclasses import dataclass
from importlib import resources

from toxicpath.ingest.gcp.estate import GcpEstate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleInfo:
    name: str
    title: str
    permissions: frozenset[str]
    custom: bool


@functools.cache
def predefined_roles() -> dict[str, RoleInfo]:
    """Return the bundled predefined roles by name (`roles/NAME`)."""
    data = resources.files("toxicpath.analysis.gcp").joinpath(
        "data/predefined_roles.json.gz"
    )
    with data.open("rb") as raw:
        catalog = json.loads(gzip.decompress(raw.read()).decode("utf-8"))
    permissions = catalog["permissions"]
    return {
        name: RoleInfo(
            name=name,
            title=entry["title"],
            permissions=frozenset(permissions[i] for i in entry["p"]),
            custom=False,
        )
        for name, entry in catalog["roles"].items()
    }


class RoleCatalog:
    """Resolve role names to permissions; remembers names it could not resolve."""

    def __init__(self, estate: GcpEstate) -> None:
        self._roles = dict(predefined_roles())
        for role in estate.custom_roles.values():
            if role.deleted:
                continue
            self._roles[role.name] = RoleInfo(
                name=role.name,
                title=role.title,
                permissions=role.permissions,
                custom=True,
            )
        self.unresolved: set[str] = set()

    def get(self, name: str) -> RoleInfo | None:
        role = self._roles.get(name)
        if role is None and name not in self.unresolved:
            self.unresolved.add(name)
            logger.warning("GCP role %s is not in the catalog or the input", name)
        return role

    def permissions(self, name: str) -> frozenset[str]:
        role = self.get(name)
        return role.permissions if role else frozenset()
