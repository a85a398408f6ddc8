"""Role definitions: the bundled built-in catalog plus those found in a scan.

Built-in role GUIDs are the same in every tenant, so an export that contains only
role assignments still evaluates. Definitions in the snapshot win over the
bundled copy because they are newer or custom.
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources

from toxicpath.ingest.azure.estate import (
    AzureEstate,
    RoleDefinition,
    parse_role_definition,
)

OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR_ROLE = "b24988ac-6180-42a0-ab88-20f7382dd24c"
USER_ACCESS_ADMINISTRATOR_ROLE = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"


@functools.cache
def builtin_roles() -> dict[str, RoleDefinition]:
    """Return the bundled built-in role definitions by lower-case GUID."""
    data = resources.files("toxicpath.analysis.azure").joinpath(
        "data/builtin_roles.json.gz"
    )
    with data.open("rb") as raw:
        entries = json.loads(gzip.decompress(raw.read()).decode("utf-8"))
    roles = {}
    for entry in entries:
        definition = parse_role_definition(entry)
        roles[definition.guid] = definition
    return roles


def role_catalog(estate: AzureEstate) -> dict[str, RoleDefinition]:
    """Return every role definition the estate's assignments can refer to."""
    catalog = dict(builtin_roles())
    catalog.update(estate.role_definitions)
    return catalog
