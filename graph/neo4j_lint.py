"""Check Cypher with Neo4j's own parser and semantic analysis, without a server.

`lint_queries` runs the portability check of `toxicpath.graph.dialect` on the
library text and renders each query for Neo4j. It sends the rendered text to
`tools/cypher-lint/lint.mjs`, which calls `lintCypherQuery` from the npm
package `@neo4j-cypher/language-support` (pinned in its package.json) with
the schema generated from the graph model. Node.js 20 or later and
`npm ci --prefix tools/cypher-lint` are needed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toxicpath.graph.dialect import NEO4J, TemplateError, check_portable, render
from toxicpath.graph.schema import linter_schema

logger = logging.getLogger(__name__)

LINT_DIR_VARIABLE = "TOXICPATH_CYPHER_LINT_DIR"
DEFAULT_LINT_DIR = Path(__file__).resolve().parents[1] / "tools" / "cypher-lint"
LINT_TIMEOUT_SECONDS = 300


class LinterUnavailableError(RuntimeError):
    """Node.js or the linter's npm packages are missing."""


@dataclass(frozen=True)
class LintQuery:
    """A query to lint: library text with templates, and example parameters."""

    name: str
    text: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one query; `source` is `neo4j`, `portability` or `template`."""

    query: str
    severity: str
    message: str
    source: str
    start: int | None = None
    end: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = "" if self.start is None else f" at offset {self.start}"
        return f"{self.query}{where}: {self.severity} ({self.source}): {self.message}"


def lint_directory() -> Path:
    """Return the folder holding lint.mjs and its node_modules."""
    return Path(os.environ.get(LINT_DIR_VARIABLE) or DEFAULT_LINT_DIR)


def linter_available() -> str | None:
    """Return why the linter cannot run, or None when it can."""
    directory = lint_directory()
    if shutil.which("node") is None:
        return "node is not on PATH; install Node.js 20 or later"
    package = directory / "node_modules" / "@neo4j-cypher" / "language-support"
    if not package.is_dir():
        return f"{package} is missing; install it with `npm ci --prefix {directory}`"
    return None


def lint_queries(queries: Iterable[LintQuery]) -> list[Diagnostic]:
    """Lint the queries and return every diagnostic, errors and warnings alike."""
    reason = linter_available()
    if reason is not None:
        raise LinterUnavailableError(reason)
    diagnostics: list[Diagnostic] = []
    payload: list[dict[str, Any]] = []
    for query in queries:
        for problem in check_portable(query.text):
            diagnostics.append(Diagnostic(query.name, "error", problem, "portability"))
        try:
            rendered = render(query.text, NEO4J)
        except TemplateError as error:
            diagnostics.append(Diagnostic(query.name, "error", str(error), "template"))
            continue
        payload.append(
            {"name": query.name, "text": rendered, "parameters": dict(query.parameters)}
        )
    if payload:
        diagnostics.extend(_run_linter(payload))
    return diagnostics


def _run_linter(payload: list[dict[str, Any]]) -> list[Diagnostic]:
    directory = lint_directory()
    request = json.dumps({"schema": linter_schema().to_json(), "queries": payload})
    logger.debug("linting %d queries with %s", len(payload), directory)
    try:
        completed = subprocess.run(
            ["node", str(directory / "lint.mjs")],
            input=request,
            capture_output=True,
            text=True,
            cwd=directory,
            timeout=LINT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise LinterUnavailableError(
            f"the Cypher linter did not finish within {LINT_TIMEOUT_SECONDS} s"
        ) from error
    if completed.returncode != 0:
        raise LinterUnavailableError(
            f"the Cypher linter failed with exit code {completed.returncode}: "
            f"{completed.stderr.strip()}"
        )
    output = json.loads(completed.stdout)
    return [
        Diagnostic(
            query=result["name"],
            severity=item["severity"],
            message=item["message"],
            source="neo4j",
            start=item.get("start"),
            end=item.get("end"),
        )
        for result in output["results"]
        for item in result["diagnostics"]
    ]
