"""People: how many of those who act are organized in networks, and who is left on their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from netweave.core.models import Contribution
from netweave.metrics.common import (
    ACTIVE_WINDOW_DAYS,
    active_network_q,
    current_memberships,
    day_start,
    occurred_between,
)
from netweave.networks.models import Network
from netweave.people.ladder import ACTIONS
from netweave.people.models import Person

# Someone acting on their own this long without a network is "isolated": a follow-up target.
ISOLATED_AFTER_DAYS = 30


def _acted_q(as_of: date) -> Q:
    """People with an action (ladder.ACTIONS, done by them) in the ACTIVE_WINDOW_DAYS to as_of."""
    actions = Contribution.objects.filter(
        occurred_between(as_of - timedelta(days=ACTIVE_WINDOW_DAYS), as_of),
        person_id=OuterRef("pk"), kind__in=ACTIONS,
    )
    return Q(Exists(actions))


def active_people(chapter_ids: list[int], as_of: date) -> QuerySet[Person]:
    """People of the chapters with an action of their own in the active window."""
    return Person.objects.filter(chapter_id__in=chapter_ids).filter(_acted_q(as_of)).order_by()


def _in_active_network_q(as_of: date) -> Q:
    networks = Network.objects.filter(active_network_q(as_of)).values("pk")
    memberships = current_memberships(as_of).filter(
        person_id=OuterRef("pk"), network_id__in=networks
    )
    return Q(Exists(memberships))


@dataclass(frozen=True)
class OrganizedShare:
    active_people: int
    organized: int  # of those, in an active network on as_of
    share: float | None


def organized_share(chapter_ids: list[int], as_of: date) -> OrganizedShare:
    """Organized share = |active people with a current membership in an active network| /
    |active people|. Active person: a ledger entry by them (Contribution.person) of a kind in
    people.ladder.ACTIONS within ACTIVE_WINDOW_DAYS before as_of. One query."""
    row = active_people(chapter_ids, as_of).aggregate(
        active=Count("pk"), organized=Count("pk", filter=_in_active_network_q(as_of))
    )
    share = row["organized"] / row["active"] if row["active"] else None
    return OrganizedShare(active_people=row["active"], organized=row["organized"], share=share)


def isolated_people(
    chapter_ids: list[int], as_of: date, *, after_days: int = ISOLATED_AFTER_DAYS
) -> QuerySet[Person]:
    """Isolated individuals: active people whose first action is at least `after_days` before
    as_of and who have no current membership in any network on as_of. Oldest first.

    Returned lazily: callers slice it (ids for a list, .count() for a number).
    """
    in_any_network = current_memberships(as_of).filter(person_id=OuterRef("pk"))
    return (
        active_people(chapter_ids, as_of)
        .filter(~Q(Exists(in_any_network)))
        .annotate(
            first_action=Min(
                "ledger__occurred_at",
                filter=Q(
                    ledger__kind__in=ACTIONS,
                    ledger__occurred_at__lt=day_start(as_of + timedelta(days=1)),
                ),
            )
        )
        .filter(first_action__lt=day_start(as_of - timedelta(days=after_days - 1)))
        .order_by("first_action", "pk")
    )


def isolated_people_ids(
    chapter_ids: list[int], as_of: date, *, after_days: int = ISOLATED_AFTER_DAYS,
    limit: int = 100,
) -> list[int]:
    """Ids of at most `limit` isolated individuals, those isolated longest first."""
    qs = isolated_people(chapter_ids, as_of, after_days=after_days)
    return list(qs.values_list("pk", flat=True)[:limit])
