"""The in-process scheduler behind `netweave worker`: a plain loop that runs daily jobs.

Each job says itself whether it is due (by looking at the database, so a restart, a missed
night or a second worker changes nothing) and runs when it is. The loop wakes at the next local
midnight, or within the hour, whichever is sooner, and stops cleanly on SIGTERM or SIGINT.

This is enough for the embedded default and for production under a process supervisor
(systemd, a container restart policy) or cron (`netweave worker --once`).

With NETWEAVE_QUEUE_URL set (a Redis URL), this loop only decides what is due and enqueues it
on an RQ queue (django-rq), once per job and day; `netweave rqworker <queue>` processes run
it. Empty (the embedded default), due jobs run right here, in-process.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# Dotted paths of the jobs, imported when the worker starts (so core does not import the apps
# that define them). Later apps add theirs here.
JOBS = (
    "netweave.metrics.jobs.DAILY_SNAPSHOT",
    "netweave.people.jobs.DAILY_LADDER",
    "netweave.people.jobs.RETENTION_PURGE",
    "netweave.notify.jobs.TASK_REMINDERS",
    "netweave.notify.jobs.EVENT_REMINDERS",
    "netweave.notify.jobs.FOLLOWUP_REMINDERS",
    "netweave.notify.jobs.WEEKLY_DIGEST",
    "netweave.api.jobs.WEBHOOK_DELIVERIES",
)
# Re-check at least this often: the machine may have slept, the clock moved, or the database
# been restored, and a due check is one cheap query.
MAX_SLEEP_SECONDS = 3600.0


@dataclass(frozen=True)
class Job:
    name: str
    is_due: Callable[[date], bool]  # today -> whether it should run now
    # today -> a one-line summary of what it did. A module-level function, not a lambda:
    # the queue stores it by its dotted name.
    run: Callable[[date], str]


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
                outcomes.append(Outcome(job.name, True, dispatch(job, today)))
        except Exception as error:  # noqa: BLE001 - reported, and the loop goes on
            log.exception("job %s failed", job.name)
            outcomes.append(Outcome(job.name, False, f"{type(error).__name__}: {error}"))
    return outcomes


def dispatch(job: Job, today: date) -> str:
    """Run the job here, or put it on the queue when there is one."""
    if not settings.NETWEAVE_QUEUE_URL:
        return job.run(today)
    return enqueue(job, today)


def job_queue() -> Any:
    """The RQ queue named in settings, on NETWEAVE_QUEUE_URL (imported late: the embedded
    default never needs Redis)."""
    import django_rq

    return django_rq.get_queue(settings.NETWEAVE_QUEUE_NAME)


def enqueue(job: Job, today: date) -> str:
    """Enqueue `job.run(today)`, unless the same job for the same day is still waiting or
    running (the queue refuses a second job with the same id). One that ended (failed, or
    finished but still due, as after failed sends) is replaced: the next wake retries it, as
    it would in-process."""
    from rq.exceptions import DuplicateJobError

    queue = job_queue()
    # Job ids are global in Redis, so the queue's name is part of them; RQ allows only
    # letters, digits, underscores and dashes.
    job_id = re.sub(r"[^\w-]", "_", f"{settings.NETWEAVE_QUEUE_NAME}-{job.name}-{today}")
    options = {"job_id": job_id, "unique": True, "description": f"{job.name} for {today}"}
    try:
        queued = queue.enqueue(job.run, today, **options)
    except DuplicateJobError:
        existing = queue.fetch_job(job_id)
        if existing is not None and not (existing.is_failed or existing.is_finished):
            return f"already on the queue ({existing.get_status().value})"
        if existing is not None:
            existing.delete()
        queued = queue.enqueue(job.run, today, **options)
    return f"queued as {queued.id}"


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
