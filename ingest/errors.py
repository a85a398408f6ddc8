"""The one error every importer and parser raises for input it cannot use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class InputError(ValueError):
    """An input file or folder that toxicpath cannot read.

    `str()` is one line naming the file, the problem and the accepted formats,
    so the CLI can print it as it is and exit with status 2.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        accepted_formats: Sequence[str] | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        if accepted_formats is None:
            # Imported here because the registry imports this module.
            from toxicpath.ingest.importers import accepted_formats as registered

            accepted_formats = registered()
        self.accepted_formats = list(accepted_formats)
        super().__init__(str(self))

    def __str__(self) -> str:
        problem = " ".join(self.problem.split()).rstrip(".")
        formats = "; ".join(self.accepted_formats) or "none registered"
        return f"{self.path}: {problem}. Accepted input formats: {formats}"
