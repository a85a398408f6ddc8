"""Map the top-level folders onto subpackages of the one import package.

`ingest/` installs as `toxicpath.ingest`, `graph/` as `toxicpath.graph` and so on,
so nothing with a generic name lands in site-packages. The mapping is computed
here because setuptools' declarative `packages.find` cannot rename folders.
"""

from setuptools import find_namespace_packages, setup

SUBPACKAGE_FOLDERS = [
    "ingest",
    "analysis",
    "graph",
    "queries",
    "findings",
    "report",
    "ui",
]


def _packages() -> tuple[list[str], dict[str, str]]:
    packages = ["toxicpath"]
    package_dir = {"toxicpath": "toxicpath"}
    for folder in SUBPACKAGE_FOLDERS:
        package_dir[f"toxicpath.{folder}"] = folder
        packages.append(f"toxicpath.{folder}")
        for sub in find_namespace_packages(folder, exclude=["*__pycache__*"]):
            packages.append(f"toxicpath.{folder}.{sub}")
    return packages, package_dir


PACKAGES, PACKAGE_DIR = _packages()

setup(packages=PACKAGES, package_dir=PACKAGE_DIR)
