"""Writing metric history: today's snapshot, and past days rebuilt from the ledger.

These run as the installation (the worker, a management command), not as a user: there is no
actor to check, and the audit row says actor=None. Each run writes one audit row, not one per
snapshot row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Min
from django.utils import timezone

from netweave.core.ledger import audit
from netweave.core.models import Chapter, Contribution
from netweave.metrics.headline import headline_values
from netweave.metrics.models import MetricSnapshot
from netweave.networks.models import Network

AUDIT_ACTION = "metrics.snapshot"
# Rows per INSERT while backfilling: big enough to be fast, small enough that a long backfill
# never holds the SQLite write lock for long (the values are computed between batches).
BACKFILL_BATCH = 500


def _chapter_ids(chapter_ids: list[int] | None) -> list[int]:
    """The given chapters, or every chapter."""
    if chapter_ids is not None:
        return sorted(chapter_ids)
    return list(Chapter.objects.order_by("pk").values_list("pk", flat=True))


def _snapshot(chapter_id: int, day: date, *, reconstructed: bool) -> MetricSnapshot:
    return MetricSnapshot(
        chapter_id=chapter_id, day=day, values=headline_values([chapter_id], day),
        reconstructed=reconstructed,
    )


def snapshot_take(*, chapter_ids: list[int] | None = None, day: date | None = None) -> int:
    """Store the headline numbers of each chapter on `day` (default today), replacing a row
    already there: taking it again the same day brings it up to date. Returns the rows written.
    """
    day = day or timezone.localdate()
    ids = _chapter_ids(chapter_ids)
    rows = [_snapshot(cid, day, reconstructed=False) for cid in ids]
    # One upsert (INSERT ... ON CONFLICT DO UPDATE on both databases): idempotent, and two
    # runs racing each other cannot fail on the unique constraint.
    MetricSnapshot.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["chapter", "day"],
        update_fields=["values", "taken_at", "reconstructed"],
    )
    audit(actor=None, action=AUDIT_ACTION, target="take", chapter_id=_only(ids),
          day=day.isoformat(), chapters=ids, rows=len(rows))
    return len(rows)


def _only(ids: list[int]) -> int | None:
    """The chapter an audit row is about, when the run covered exactly one."""
    return ids[0] if len(ids) == 1 else None


def first_day(chapter_ids: list[int]) -> date | None:
    """The first day the chapters have any history: a ledger entry or a network's start."""
    entry = Contribution.objects.filter(chapter_id__in=chapter_ids).order_by().aggregate(
        first=Min("occurred_at"))["first"]
    started = Network.objects.filter(chapter_id__in=chapter_ids).order_by().aggregate(
        first=Min("started_on"))["first"]
    days = [d for d in (timezone.localdate(entry) if entry else None, started) if d is not None]
    return min(days, default=None)


def _days(since: date, until: date, every_days: int) -> Iterator[date]:
    day = since
    while day <= until:
        yield day
        day += timedelta(days=every_days)


def _missing(ids: list[int], days: list[date]) -> Iterator[tuple[int, date]]:
    """(chapter, day) pairs with no snapshot yet. One query for what exists."""
    existing = set(
        MetricSnapshot.objects.filter(chapter_id__in=ids, day__gte=days[0], day__lte=days[-1])
        .values_list("chapter_id", "day")
    )
    for cid in ids:
        for day in days:
            if (cid, day) not in existing:
                yield cid, day


def _insert_in_batches(pairs: Iterator[tuple[int, date]]) -> int:
    written = 0
    batch: list[MetricSnapshot] = []
    for cid, day in pairs:
        batch.append(_snapshot(cid, day, reconstructed=True))
        if len(batch) >= BACKFILL_BATCH:
            written += _insert(batch)
            batch = []
    return written + _insert(batch)


def _insert(batch: list[MetricSnapshot]) -> int:
    # ignore_conflicts: a snapshot taken meanwhile (the worker) wins over a reconstruction.
    MetricSnapshot.objects.bulk_create(batch, ignore_conflicts=True)
    return len(batch)


def snapshot_backfill(
    *, chapter_ids: list[int] | None = None, since: date | None = None,
    until: date | None = None, every_days: int = 1,
) -> int:
    """Rebuild the snapshots of past days from the ledger and the tables, skipping days that
    already have one. `since` defaults to the chapters' first day of history, `until` to
    yesterday (today belongs to snapshot_take). Returns the rows inserted.

    Not transactional as a whole on purpose: a backfill over years takes minutes, and holding
    one transaction that long would block every other writer on SQLite. Rerunning it resumes
    where it stopped, since existing days are skipped.
    """
    if every_days < 1:
        raise ValueError("every_days must be at least 1")
    ids = _chapter_ids(chapter_ids)
    until = until or timezone.localdate() - timedelta(days=1)
    since = since or first_day(ids)
    days = list(_days(since, until, every_days)) if since and ids else []
    written = _insert_in_batches(_missing(ids, days)) if days else 0
    audit(actor=None, action=AUDIT_ACTION, target="backfill", chapter_id=_only(ids),
          since=since.isoformat() if since else None, until=until.isoformat(),
          every_days=every_days, chapters=ids, rows=written)
    return written
