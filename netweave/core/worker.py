"""The in-process scheduler behind `netweave worker`: a plain loop that runs daily jobs.

Each job says itself whether it is due (by looking at the database, so a restart, a missed
night or a second worker changes nothing) and runs when it is. The loop wakes at the next local
midnight, or within the hour, whichever is sooner, and stops cleanly on SIGTERM or SIGINT.

This is enough for the embedded default and for production under a process supervisor
(systemd, a container restart policy) or cron (`netweave worker --once`). A real queue arrives
with the work that needs one (reminders, digests).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import FrameType

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# Dotted paths of the jobs, imported when the worker starts (so core does not import the apps
# that define them). Later apps add theirs here.
JOBS = ("netweave.metrics.jobs.DAILY_SNAPSHOT",)
# Re-check at least this often: the machine may have slept, the clock moved, or the database
# been restored, and a due check is one cheap query.
MAX_SLEEP_SECONDS = 3600.0


@dataclass(frozen=True)
class Job:
    name: str
    is_due: Callable[[date], bool]  # today -> whether it should run now
    run: Callable[[date], str]  # today -> a one-line summary of what it did


@dataclass(frozen=True)
class Outcome:
    job: str
    ok: bool
    summary: str


def load_jobs(paths: Sequence[str] = JOBS) -> list[Job]:
    return [import_string(path) for path in paths]


def run_due(jobs: Sequence[Job], today: date) -> list[Outcome]:
    """Run every job that is due. A failing job is logged and reported, and the others still
    run: one broken job must not stop the rest of the background work."""
    outcomes = []
    for job in jobs:
        try:
            if job.is_due(today):
                outcomes.append(Outcome(job.name, True, job.run(today)))
        except Exception as error:  # noqa: BLE001 - reported, and the loop goes on
            log.exception("job %s failed", job.name)
            outcomes.append(Outcome(job.name, False, f"{type(error).__name__}: {error}"))
    return outcomes


def seconds_to_sleep(now: datetime) -> float:
    """Until the next local midnight (when daily jobs fall due), at most MAX_SLEEP_SECONDS."""
    local = timezone.localtime(now)
    midnight = datetime.combine(local.date() + timedelta(days=1), time.min)
    until = (timezone.make_aware(midnight) - local).total_seconds()
    return max(1.0, min(until, MAX_SLEEP_SECONDS))


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set `stop` on SIGTERM/SIGINT for the duration, then put the old handlers back."""

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current job", signum)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_forever(
    jobs: Sequence[Job], stop: threading.Event, report: Callable[[Outcome], None],
) -> None:
    """Run due jobs, sleep, repeat until `stop` is set. Event.wait returns at once when a
    signal sets it, so stopping never waits out a sleep."""
    while not stop.is_set():
        # A long-lived process must not reuse a connection the server dropped while it slept
        # (a --once run is a fresh process and needs no such care).
        close_old_connections()
        for outcome in run_due(jobs, timezone.localdate()):
            report(outcome)
        stop.wait(seconds_to_sleep(timezone.now()))
