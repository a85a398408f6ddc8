"""`toxicpath schedule`: run a toxicpath command on a cron expression."""

from __future__ import annotations

from typing import Annotated

import typer

from toxicpath.ui.cli.common import ExitCode, fail
from toxicpath.ui.cli.scan_cmd import LogFormat


def schedule(
    cron: Annotated[
        str,
        typer.Option(
            help="Cron expression, five fields in local time, for example '0 2 * * *'."
        ),
    ],
    arguments: Annotated[
        list[str] | None,
        typer.Argument(
            help="The toxicpath command to run, after `--`: scan --input FOLDER ...",
            show_default=False,
        ),
    ] = None,
    max_runs: Annotated[
        int | None,
        typer.Option(
            min=1, help="Stop after this many runs (default: run until stopped)."
        ),
    ] = None,
    grace: Annotated[
        float,
        typer.Option(
            min=0, help="Seconds a running scan gets to stop after SIGTERM or SIGINT."
        ),
    ] = 60.0,
    log_format: Annotated[
        LogFormat, typer.Option(help="Log lines on stderr as text or JSON lines.")
    ] = LogFormat.text,
) -> None:
    """Run a command on a cron schedule in the foreground; stop with SIGTERM or Ctrl-C.

    Example: toxicpath schedule --cron "0 2 * * *" -- scan --input /data/estate
    """
    from toxicpath.joblog import configure_job_logging
    from toxicpath.schedule import ScheduleError, Scheduler

    configure_job_logging(level="INFO", log_format=log_format.value)
    try:
        scheduler = Scheduler(
            cron=cron, arguments=arguments or [], max_runs=max_runs, grace_seconds=grace
        )
    except ScheduleError as error:
        raise fail(str(error), ExitCode.INPUT) from None
    scheduler.install_signal_handlers()
    scheduler.run()
