"""`toxicpath ui`: start the Streamlit app on the current scan's store.

The app binds to 127.0.0.1 unless `--host` names another address, runs headless
(it opens no browser) and sends no usage statistics.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from toxicpath.ui.cli.common import ExitCode, StoreOption, fail

logger = logging.getLogger(__name__)

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app" / "main.py"
STORE_ENV = "TOXICPATH_UI_STORE"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def streamlit_command(*, host: str, port: int) -> list[str]:
    """Return the `streamlit run` command line for the app."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


def app_environment(store: str | None) -> dict[str, str]:
    """Return the environment for the app process, with the store spec in it."""
    environment = dict(os.environ)
    if store:
        environment[STORE_ENV] = (
            store if "://" in store else str(Path(store).expanduser().resolve())
        )
    return environment


def ui(
    store: StoreOption = None,
    host: Annotated[
        str,
        typer.Option(
            help="Address the app listens on; 127.0.0.1 keeps it on this machine."
        ),
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port the app listens on.")] = (
        DEFAULT_PORT
    ),
) -> None:
    """Start the Streamlit app to explore attack paths, blast radius and findings."""
    if store and "://" not in store and not Path(store).expanduser().exists():
        raise fail(
            f"store {store!r} does not exist; load a scan first, e.g. "
            f"`toxicpath demo --store {store}`",
            ExitCode.INPUT,
        )
    if not 0 < port < 65536:
        raise fail(f"--port {port} is not a TCP port; use 1-65535", ExitCode.INPUT)
    command = streamlit_command(host=host, port=port)
    logger.info("starting the app on %s:%s for store %s", host, port, store)
    typer.echo(f"toxicpath ui: http://{host}:{port}/ (Ctrl+C to stop)")
    sys.stdout.flush()
    sys.stderr.flush()
    # exec rather than a child process: signals sent to `toxicpath ui` then
    # reach the server itself, so stopping the command never leaves an
    # orphaned server listening.
    os.execve(command[0], command, app_environment(store))
