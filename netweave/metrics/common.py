"""Shared pieces of the metric definitions: windows, constants and "active".

Dates are calendar days in the installation's time zone. A window "of N days before as_of" is
the days d with as_of - N <= d <= as_of; on datetimes that is the half-open interval
[start of (as_of - N), start of (as_of + 1)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from netweave.metrics.activity import ACTIVE
from netweave.metrics.activity import ACTIVE_WINDOW_DAYS as ACTIVE_WINDOW_DAYS  # re-exported
from netweave.metrics.models import NetworkSpell
from netweave.networks.models import Membership, Network

# Statuses a network may have and still count as active (dormant and dissolved never do).
ACTIVE_STATUSES = (Network.Status.ACTIVE, Network.Status.FORMING)


def day_start(day: date) -> datetime:
    """The first instant of `day` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def occurred_between(first: date, last: date, field: str = "occurred_at") -> Q:
    """Rows whose datetime `field` falls on a day from `first` to `last`, both included."""
    return Q(**{f"{field}__gte": day_start(first), f"{field}__lt": day_start(last + timedelta(1))})


def active_network_q(as_of: date, *, use_status: bool = True) -> Q:
    """The one definition of an active network (see docs/metrics.md, "Active network"):
    started by as_of, with a ledger entry or its start in the ACTIVE_WINDOW_DAYS before as_of,
    and (use_status) a status in ACTIVE_STATUSES.

    The ledger part is read from the network's spells (metrics.activity), which hold exactly
    the days it makes the network active. Status has no history (there is no dissolved_on), so
    series over past dates pass use_status=False and judge the past by the ledger alone.
    """
    spells = active_spells().filter(
        network_id=OuterRef("pk"), starts_on__lte=as_of, ends_on__gte=as_of
    )
    q = Q(started_on__lte=as_of) & Q(Exists(spells))
    if use_status:
        q &= Q(status__in=ACTIVE_STATUSES)
    return q


def active_spells() -> QuerySet[NetworkSpell]:
    """The network spells of the "active" measure (the others serve network health)."""
    return NetworkSpell.objects.filter(measure=ACTIVE.name)


def spells_on(day: date) -> Q:
    """NetworkSpell or PersonSpell rows that cover `day`."""
    return Q(starts_on__lte=day, ends_on__gte=day)


def active_on_days(chapter_ids: list[int], days: list[date]) -> list[int]:
    """How many networks of the chapters were active on each day (the ledger part of the
    definition, status aside, as series over the past need): one scan of the chapters' spells,
    one conditional count per day. A network's spells never overlap, so each counts once."""
    if not days:
        return []
    row = active_spells().filter(
        chapter_id__in=chapter_ids, ends_on__gte=min(days), starts_on__lte=max(days)
    ).aggregate(**{f"d{i}": Count("pk", filter=spells_on(d)) for i, d in enumerate(days)})
    return [row[f"d{i}"] for i in range(len(days))]


def chapter_networks(chapter_ids: list[int]) -> QuerySet[Network]:
    # order_by(): aggregates must not group by the model's default ordering.
    return Network.objects.filter(chapter_id__in=chapter_ids).order_by()


def active_networks(chapter_ids: list[int] | None, as_of: date) -> QuerySet[Network]:
    """Active networks of the chapters (None: of every chapter) on as_of, as a lazy queryset
    (composes into SQL).

    The same definition as active_network_q, written as a join on the spell that covers as_of
    (there is at most one, so no network repeats): the planner can then start from the
    chapters' current spells instead of probing every network of the chapters.
    """
    spell: dict[str, Any] = {
        "activity_spells__measure": ACTIVE.name, "activity_spells__starts_on__lte": as_of,
        "activity_spells__ends_on__gte": as_of,
    }
    if chapter_ids is None:
        return Network.objects.order_by().filter(
            started_on__lte=as_of, status__in=ACTIVE_STATUSES, **spell)
    # The chapter is asked of the spell too (the same), for the planner's sake. One filter()
    # call: each call on a multi-valued relation would join the spells again.
    return chapter_networks(chapter_ids).filter(
        started_on__lte=as_of, status__in=ACTIVE_STATUSES,
        activity_spells__chapter_id__in=chapter_ids, **spell)


@dataclass(frozen=True)
class ActiveNetwork:
    """What the chapter-level metrics read of an active network."""

    id: int
    kind: str  # the kind's slug
    place_id: int | None
    grouping: str
    generation: int
    started_on: date


def active_network_rows(chapter_ids: list[int], as_of: date) -> list[ActiveNetwork]:
    """The active networks of the chapters (active_networks), read once. The growth dashboard
    reads them a single time and hands them to each metric that counts them, instead of each
    metric finding them again. One query."""
    rows = active_networks(chapter_ids, as_of).values_list(
        "pk", "kind__slug", "place_id", "social_grouping", "generation", "started_on"
    )
    return [ActiveNetwork(*row) for row in rows.iterator(chunk_size=10_000)]


def current_memberships(as_of: date) -> QuerySet[Membership]:
    """Memberships that had begun and not ended on as_of."""
    return Membership.objects.filter(joined_on__lte=as_of).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    )
