"""Background jobs of the metrics app, run by `netweave worker` (core/worker.py)."""

from __future__ import annotations

from datetime import date

from netweave.core.models import Chapter
from netweave.core.worker import Job
from netweave.metrics.facts import rebuild_missing
from netweave.metrics.services import snapshot_take


def snapshot_missing(today: date) -> bool:
    """Due while some chapter has no snapshot for today (new chapters included)."""
    return Chapter.objects.exclude(metric_snapshots__day=today).exists()


def take_snapshot(today: date) -> str:
    # The dashboard's counts of a chapter that has none yet (an installation upgraded to them,
    # data loaded around the services): built once, then kept on every write.
    rebuild_missing()
    rows = snapshot_take(day=today)
    return f"snapshot of {rows} chapter{'s' if rows != 1 else ''} for {today.isoformat()}"


DAILY_SNAPSHOT = Job("metrics.snapshot", is_due=snapshot_missing, run=take_snapshot)
