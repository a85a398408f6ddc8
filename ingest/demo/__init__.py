"""The bundled demo estate that `toxicpath demo` imports.

The files under `aws/` are raw AWS API responses of a fictional company. They use the
folder layout of the raw-response importer. `generate_aws` writes them and
lists the attack paths they contain.
"""

from __future__ import annotations

from pathlib import Path


def demo_estate_path() -> Path:
    """Return the folder of the demo's AWS account folders."""
    return Path(__file__).resolve().parent / "aws"
