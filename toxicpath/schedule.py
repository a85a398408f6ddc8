"""Run toxicpath commands on a cron schedule in the foreground, without cron.

Each run is a child process (`python -m toxicpath ARGS`), so a crash or a
leak in one scan never takes the scheduler down. Runs never overlap: the
next time is computed when a run ends, and times missed while a run was
going are skipped with a log line. SIGTERM or SIGINT stops the scheduler;
a run in progress gets SIGTERM and `grace_seconds` to finish before it is
killed.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType

from croniter import croniter

logger = logging.getLogger(__name__)


class ScheduleError(ValueError):
    """An invalid cron expression or command."""


def validate_cron(expression: str) -> None:
    """Raise ScheduleError unless `expression` is a 5-field cron expression."""
    fields = expression.split()
    if len(fields) != 5 or not croniter.is_valid(expression):
        raise ScheduleError(
            f"--cron {expression!r} is not a cron expression; write five fields "
            "(minute hour day-of-month month day-of-week), for example '0 2 * * *'"
        )


def next_run(expression: str, after: datetime) -> datetime:
    """Return the first time after `after` that matches the expression."""
    result: datetime = croniter(expression, after).get_next(datetime)
    return result


@dataclass
class Scheduler:
    """A foreground scheduler of `toxicpath ARGS` at every cron time until stopped."""

    cron: str
    arguments: Sequence[str]
    max_runs: int | None = None
    grace_seconds: float = 60.0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    stop_event: threading.Event = field(default_factory=threading.Event)
    exit_codes: list[int] = field(default_factory=list)
    _child: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        validate_cron(self.cron)
        if not self.arguments:
            raise ScheduleError(
                "no command to schedule; add it after `--`, for example "
                "`toxicpath schedule --cron '0 2 * * *' -- scan --input FOLDER`"
            )

    def install_signal_handlers(self) -> None:
        """Stop on SIGTERM and SIGINT (call from the main thread)."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s; stopping the scheduler", signal.Signals(signum).name)
        self.stop()

    def stop(self) -> None:
        self.stop_event.set()
        child = self._child
        if child is not None and child.poll() is None:
            logger.info("sending SIGTERM to the running scan, pid %d", child.pid)
            child.terminate()

    def run(self) -> None:
        """Wait for each cron time and run the command, until stopped."""
        logger.info(
            "scheduler started: cron %r, command toxicpath %s",
            self.cron,
            " ".join(self.arguments),
        )
        runs = 0
        while not self.stop_event.is_set():
            if self.max_runs is not None and runs >= self.max_runs:
                break
            now = self.clock()
            due = next_run(self.cron, now)
            logger.info("next run at %s", due.isoformat(timespec="seconds"))
            if self.stop_event.wait(max((due - now).total_seconds(), 0.0)):
                break
            runs += 1
            self._run_once(runs)
        logger.info("scheduler stopped after %d run(s)", runs)

    def _run_once(self, number: int) -> None:
        command = [sys.executable, "-m", "toxicpath", *self.arguments]
        started = self.clock()
        logger.info(
            "run %d started at %s", number, started.isoformat(timespec="seconds")
        )
        self._child = subprocess.Popen(command)
        try:
            code = self._wait_child(self._child)
        finally:
            self._child = None
        ended = self.clock()
        self.exit_codes.append(code)
        log = logger.info if code in (0, 1) else logger.error
        log(
            "run %d ended at %s after %.1f s with exit code %d",
            number,
            ended.isoformat(timespec="seconds"),
            (ended - started).total_seconds(),
            code,
        )
        missed = next_run(self.cron, started)
        if missed < ended:
            logger.warning(
                "run %d outlasted the schedule; the run due at %s was skipped",
                number,
                missed.isoformat(timespec="seconds"),
            )

    def _wait_child(self, child: subprocess.Popen[bytes]) -> int:
        while True:
            try:
                return child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if not self.stop_event.is_set():
                    continue
            try:
                return child.wait(timeout=self.grace_seconds)
            except subprocess.TimeoutExpired:
                logger.error(
                    "the running scan, pid %d, did not stop within %.0f s; killing it",
                    child.pid,
                    self.grace_seconds,
                )
                child.kill()
                return child.wait()
