"""Shared pieces of the metric definitions: windows, constants and "active".

Dates are calendar days in the installation's time zone. A window "of N days before as_of" is
the days d with as_of - N <= d <= as_of; on datetimes that is the half-open interval
[start of (as_of - N), start of (as_of + 1)).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.networks.models import Membership, Network

# A network or a person counts as active when the ledger shows them in the last 90 days.
ACTIVE_WINDOW_DAYS = 90
# Statuses a network may have and still count as active (dormant and dissolved never do).
ACTIVE_STATUSES = (Network.Status.ACTIVE, Network.Status.FORMING)


def day_start(day: date) -> datetime:
    """The first instant of `day` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def occurred_between(first: date, last: date, field: str = "occurred_at") -> Q:
    """Rows whose datetime `field` falls on a day from `first` to `last`, both included."""
    return Q(**{f"{field}__gte": day_start(first), f"{field}__lt": day_start(last + timedelta(1))})


def network_activity_q(as_of: date, *, days: int = ACTIVE_WINDOW_DAYS, prefix: str = "") -> Q:
    """Networks with a ledger entry in, or a start date inside, the `days` before as_of.

    `prefix` lets the same condition be used across a relation (e.g. "network__").
    """
    since = as_of - timedelta(days=days)
    entries = Contribution.objects.filter(
        occurred_between(since, as_of), network_id=OuterRef(f"{prefix}pk" if prefix else "pk")
    )
    started = Q(**{f"{prefix}started_on__gte": since, f"{prefix}started_on__lte": as_of})
    return Q(Exists(entries)) | started


def active_network_q(as_of: date, *, use_status: bool = True) -> Q:
    """The one definition of an active network (see docs/metrics.md, "Active network").

    Status has no history (there is no dissolved_on), so series over past dates pass
    use_status=False and judge the past by the ledger alone.
    """
    q = Q(started_on__lte=as_of) & network_activity_q(as_of)
    if use_status:
        q &= Q(status__in=ACTIVE_STATUSES)
    return q


def chapter_networks(chapter_ids: list[int]) -> QuerySet[Network]:
    # order_by(): aggregates must not group by the model's default ordering.
    return Network.objects.filter(chapter_id__in=chapter_ids).order_by()


def active_networks(chapter_ids: list[int], as_of: date) -> QuerySet[Network]:
    """Active networks of the chapters on as_of, as a lazy queryset (composes into SQL)."""
    return chapter_networks(chapter_ids).filter(active_network_q(as_of))


def current_memberships(as_of: date) -> QuerySet[Membership]:
    """Memberships that had begun and not ended on as_of."""
    return Membership.objects.filter(joined_on__lte=as_of).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    )
