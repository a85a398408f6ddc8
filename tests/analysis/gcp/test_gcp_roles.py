"""The bundled role catalog: built by its script from the shared role files."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from types import ModuleType

from toxicpath.analysis.gcp.roles import RoleCatalog, predefined_roles
from toxicpath.ingest.gcp.estate import CustomRole, GcpEstate

REPO = Path(__file__).resolve().parents[3]
BUNDLED = REPO / "analysis" / "gcp" / "data" / "predefined_roles.json.gz"


def build_script() -> ModuleType:
    path = REPO / "scripts" / "build_gcp_role_catalog.py"
    spec = importlib.util.spec_from_file_location("build_gcp_role_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_catalog_matches_script(shared_data: Path) -> None:
    catalog = build_script().build_catalog(shared_data / "gcp" / "predefined-roles")
    bundled = json.loads(gzip.decompress(BUNDLED.read_bytes()))
    assert bundled == catalog


def test_basic_roles_resolve() -> None:
    roles = predefined_roles()
    assert "resourcemanager.projects.setIamPolicy" in roles["roles/owner"].permissions
    editor = roles["roles/editor"].permissions
    assert "resourcemanager.projects.setIamPolicy" not in editor
    assert "iam.serviceAccounts.actAs" in editor
    assert len(roles) == 2461


def test_custom_role_overrides_and_unresolved() -> None:
    estate = GcpEstate()
    estate.custom_roles["projects/p/roles/x"] = CustomRole(
        name="projects/p/roles/x",
        title="X",
        permissions=frozenset({"storage.objects.get"}),
    )
    catalog = RoleCatalog(estate)
    assert catalog.permissions("projects/p/roles/x") == {"storage.objects.get"}
    assert catalog.permissions("projects/p/roles/missing") == frozenset()
    assert catalog.unresolved == {"projects/p/roles/missing"}
