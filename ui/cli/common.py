"""Options and error handling shared by the CLI commands."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from enum import IntEnum
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from toxicpath.ui.cli.output import OutputFormat, stderr_console


class ExitCode(IntEnum):
    """Exit statuses a pipeline can act on."""

    OK = 0
    FINDINGS = 1  # a --fail-on threshold was met
    INPUT = 2  # bad input, bad option or a rejected query
    STORE = 3  # the store could not be opened, read or written
    PARTIAL = 4  # the scan was incomplete and did not replace the current one
    INTERRUPTED = 130


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="TOXICPATH_STORE",
        help=(
            "Graph store: a file path for the embedded store (default: graph.lbdb in "
            "the user data folder) or a bolt://, neo4j:// or neo4j+s:// URI for Neo4j."
        ),
    ),
]
OutputOption = Annotated[
    OutputFormat,
    typer.Option(
        "--output", "-o", help="Result format: table for people, json for programs."
    ),
]

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print one error line on stderr and return the Exit to raise."""
    stderr_console.print(f"[bold red]error:[/bold red] {message}", highlight=False)
    return typer.Exit(int(code))


def handle_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn the known error types into one message line and their exit status."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from toxicpath.graph.store import ReadOnlyQueryError, StoreError
        from toxicpath.ingest.errors import InputError
        from toxicpath.pipeline import PartialScanError

        try:
            return function(*args, **kwargs)
        except InputError as exc:
            raise fail(str(exc), ExitCode.INPUT) from None
        except ReadOnlyQueryError as exc:
            raise fail(str(exc), ExitCode.INPUT) from None
        except StoreError as exc:
            raise fail(str(exc), ExitCode.STORE) from None
        except PartialScanError as exc:
            raise fail(str(exc), ExitCode.PARTIAL) from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitCode.INTERRUPTED) from None

    return wrapper


def configure_logging(level: str = "WARNING") -> None:
    """Send log lines to stderr and quiet the SDK loggers."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("botocore", "boto3", "urllib3", "azure", "google", "neo4j"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def jsonable(value: Any) -> Any:
    """Convert dataclasses and paths to JSON-friendly values."""
    import dataclasses
    from pathlib import Path

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
