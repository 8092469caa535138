"""The notify jobs, run by `netweave worker` (core/worker.py), in-process or on the queue.

Each is due once a day until it has finished for that day (a JobRun row). Sending is
idempotent whatever happens (the dedupe keys in services.py), so a job that ran twice, or was
enqueued while another copy ran, sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from netweave.core.worker import Job
from netweave.notify import selectors
from netweave.notify.models import JobRun
from netweave.notify.selectors import Planned
from netweave.notify.services import jobrun_record, notifications_send


def not_run(job: str) -> Callable[[date], bool]:
    def is_due(today: date) -> bool:
        return not JobRun.objects.filter(job=job, day=today).exists()

    return is_due


def digest_day_not_run(today: date) -> bool:
    return today.weekday() == settings.NETWEAVE_DIGEST_WEEKDAY and not_run(DIGEST)(today)


def _send(job: str, planned: list[Planned], today: date) -> str:
    counts = notifications_send(planned=planned)
    if not counts.failed:
        # With failures the job stays due, and the next wake of the worker retries them.
        jobrun_record(job=job, day=today, summary=str(counts))
    return str(counts)


def send_task_reminders(today: date) -> str:
    return _send(TASKS, selectors.task_reminders_due(today), today)


def send_event_reminders(today: date) -> str:
    # From now on: an event earlier today has begun, and a reminder would come too late.
    return _send(EVENTS, selectors.event_reminders_due(max(timezone.now(), _start(today))),
                 today)


def send_followup_reminders(today: date) -> str:
    return _send(FOLLOWUPS, selectors.followup_reminders_due(today), today)


def send_digests(today: date) -> str:
    return _send(DIGEST, selectors.digests_due(today), today)


def _start(today: date) -> datetime:
    return selectors.day_bounds(today, today)[0]


TASKS, EVENTS, FOLLOWUPS, DIGEST = (
    "notify.task_due", "notify.event_soon", "notify.followup", "notify.digest"
)
TASK_REMINDERS = Job(TASKS, is_due=not_run(TASKS), run=send_task_reminders)
EVENT_REMINDERS = Job(EVENTS, is_due=not_run(EVENTS), run=send_event_reminders)
FOLLOWUP_REMINDERS = Job(FOLLOWUPS, is_due=not_run(FOLLOWUPS), run=send_followup_reminders)
WEEKLY_DIGEST = Job(DIGEST, is_due=digest_day_not_run, run=send_digests)
