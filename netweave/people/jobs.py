"""Background jobs of the people app, run by `netweave worker` (core/worker.py).

DAILY_LADDER moves participants and contributors across the contributor threshold as their
actions age out of the chapter's window (no service call triggers that), and derives conveners
again as a safety net (the seeding service already moves the parent network's conveners).
RETENTION_PURGE forgets the contacts who never took a step once the chapter's retention
period has passed (docs/privacy.md). Listed in core.worker.JOBS: run in-process, or through
the queue when there is one.
"""

from __future__ import annotations

from datetime import date

from netweave.core.ledger import audit
from netweave.core.models import AuditEntry, Chapter
from netweave.core.worker import Job
from netweave.people.ladder import refresh_action_stages, refresh_conveners

ACTION = "ladder.refresh"


def ladder_not_refreshed(today: date) -> bool:
    """Due until today's refresh is in the audit log (so a restart or a second worker does not
    run it twice)."""
    return not AuditEntry.objects.filter(action=ACTION, detail__day=today.isoformat()).exists()


def refresh_ladder(today: date) -> str:
    moved = 0
    for chapter_id in Chapter.objects.values_list("id", flat=True):
        moved += refresh_action_stages(chapter_id) + refresh_conveners(chapter_id)
    audit(actor=None, action=ACTION, moved=moved, day=today.isoformat())
    return f"ladder refreshed: {moved} moved"


DAILY_LADDER = Job("people.ladder", is_due=ladder_not_refreshed, run=refresh_ladder)


def retention_not_run(today: date) -> bool:
    """Due until today's purge is in the audit log, like the ladder refresh."""
    from netweave.people.privacy import PURGE_ACTION

    return not AuditEntry.objects.filter(action=PURGE_ACTION,
                                         detail__day=today.isoformat()).exists()


def purge_stale(today: date) -> str:
    """Forget the contacts who never took a step, past each chapter's retention_days
    (people/privacy.py: stale_contacts). Each forgetting is audited with no actor."""
    from netweave.people.privacy import retention_purge

    results = retention_purge(today=today)
    return f"retention: {sum(len(r.people) for r in results)} forgotten"


RETENTION_PURGE = Job("people.retention", is_due=retention_not_run, run=purge_stale)
