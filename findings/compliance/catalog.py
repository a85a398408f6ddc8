"""The compliance catalog: frameworks and their controls, kept as data.

`frameworks.yaml` beside this module lists each framework's controls with
their official titles. Rules map onto control ids in their metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).resolve().parent / "frameworks.yaml"


class CatalogError(ValueError):
    """The compliance catalog file is malformed or a framework is unknown."""


@dataclass(frozen=True)
class Framework:
    """A compliance framework and its controls, in catalog order."""

    key: str
    name: str
    version: str
    controls: dict[str, str]


@lru_cache(maxsize=4)
def load_frameworks(path: Path = CATALOG_PATH) -> dict[str, Framework]:
    """Read the catalog; raise CatalogError naming the framework and field."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping of framework keys")
    frameworks: dict[str, Framework] = {}
    for key, body in raw.items():
        if not isinstance(body, dict):
            raise CatalogError(f"{path}: framework {key!r} must be a mapping")
        for field in ("name", "version", "controls"):
            if field not in body:
                raise CatalogError(
                    f"{path}: framework {key!r} is missing field {field}"
                )
        controls = body["controls"]
        if not isinstance(controls, dict) or not controls:
            raise CatalogError(
                f"{path}: framework {key!r} field controls must map control ids "
                "to titles"
            )
        frameworks[str(key)] = Framework(
            key=str(key),
            name=str(body["name"]),
            version=str(body["version"]),
            controls={str(k): str(v) for k, v in controls.items()},
        )
    return frameworks


def get_framework(key: str) -> Framework:
    """Return one framework; raise CatalogError listing the known keys."""
    frameworks = load_frameworks()
    if key not in frameworks:
        allowed = ", ".join(sorted(frameworks))
        raise CatalogError(f"unknown compliance framework {key!r}; allowed: {allowed}")
    return frameworks[key]


def known_controls() -> dict[str, set[str]]:
    """Return the control ids of every framework, by framework key."""
    return {key: set(fw.controls) for key, fw in load_frameworks().items()}
