"""Network health: the elements a healthy network practises, for one network and a chapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q

from netweave.events.models import Event

# The windows and kinds of the ledger elements (recent activity, tasks done, learning) live
# with the spells that answer them, in metrics.activity.
from netweave.metrics.activity import LEARNING_WINDOW_DAYS
from netweave.metrics.common import (
    ActiveNetwork,
    active_network_rows,
    day_start,
    occurred_between,
)
from netweave.metrics.models import NetworkSpell
from netweave.networks.models import Membership, Network, NetworkLink

MIN_MEMBERS = 3
# Members who joined this long ago are the ones retention is judged on.
RETENTION_AFTER_DAYS = 90
RETENTION_SHARE = 0.75
ELEMENTS = (
    "members", "recent_activity", "task_done", "learning", "convener", "seeded", "linked",
    "retention",
)


@dataclass(frozen=True)
class Among:
    """The networks whose health is read: those of some chapters, or one network. Each element
    is read for all of them at once, filtered by chapter rather than by a list of networks (a
    list of tens of thousands of ids is slow to send, and SQLite caps it)."""

    chapter_ids: list[int] | None = None
    network_id: int | None = None

    def q(self, network: str, *, own_chapter: bool = False) -> Q:
        """Rows whose network (the relation `network`) is among them. `own_chapter`: the rows
        carry their network's chapter themselves."""
        if self.network_id is not None:
            return Q(**{f"{network}_id": self.network_id})
        chapter = "chapter_id__in" if own_chapter else f"{network}__chapter_id__in"
        return Q(**{chapter: self.chapter_ids})


def _membership_counts(among: Among, as_of: date) -> dict[Any, dict[str, Any]]:
    """network -> members now, conveners now, members old enough to judge retention by, and
    how many of those are still there. One GROUP BY over the networks' memberships."""
    old = Q(joined_on__lte=as_of - timedelta(days=RETENTION_AFTER_DAYS))
    staying = Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    current = Q(joined_on__lte=as_of) & staying
    rows = (
        Membership.objects.filter(among.q("network")).order_by()
        .values("network_id")
        .annotate(
            members=Count("pk", filter=current),
            conveners=Count("pk", filter=current & Q(role=Membership.Role.CONVENER)),
            old=Count("pk", filter=old), kept=Count("pk", filter=old & staying),
        )
    )
    return {r["network_id"]: dict(r) for r in rows}


def _ledger_elements(among: Among, as_of: date) -> dict[str, set[int]]:
    """measure ("recent", "task", "learning") -> the networks that have it on as_of: a ledger
    entry of the measure's kind in its window before as_of (metrics.activity.NETWORK_MEASURES
    holds the windows and kinds; its spells answer for all networks in one query)."""
    found: dict[str, set[int]] = {"recent": set(), "task": set(), "learning": set()}
    rows = NetworkSpell.objects.filter(
        among.q("network", own_chapter=True), measure__in=list(found),
        ends_on__gte=as_of, starts_on__lte=as_of,
    ).values_list("measure", "network_id")
    for measure, network_id in rows:
        found[measure].add(network_id)
    return found


def _with_any(among: Among, as_of: date) -> dict[str, set[int]]:
    """element -> the networks that have it, for the elements that are "has at least one"."""
    discussions = Event.objects.filter(
        occurred_between(as_of - timedelta(days=LEARNING_WINDOW_DAYS), as_of, "starts_at"),
        among.q("host_network"), kind=Event.Kind.DISCUSSION,
    ).values_list("host_network_id", flat=True)
    # A seeded network is in its parent's chapter (networks.services).
    children = Network.objects.filter(
        among.q("seeded_from", own_chapter=True), started_on__lte=as_of
    ).values_list("seeded_from_id", flat=True)
    links = NetworkLink.objects.filter(created_at__lt=day_start(as_of + timedelta(days=1)))
    linked = {
        *links.filter(among.q("from_network")).values_list("from_network_id", flat=True),
        *links.filter(among.q("to_network")).values_list("to_network_id", flat=True),
    }
    return {
        "discussions": set(discussions.order_by().distinct()),
        "seeded": set(children.order_by().distinct()),
        "linked": linked,
    }


def health_elements(among: Among, ids: list[int], as_of: date) -> dict[int, dict[str, bool]]:
    """network id -> element -> present, for each of the networks `ids` (all among `among`;
    see docs/metrics.md, "Network health"). Six queries whatever the number of networks: each
    element is read for all of them at once (a GROUP BY or a set), then put together here."""
    members = _membership_counts(among, as_of)
    has = _with_any(among, as_of) | _ledger_elements(among, as_of)
    none = {"members": 0, "conveners": 0, "old": 0, "kept": 0}
    out: dict[int, dict[str, bool]] = {}
    for pk in ids:
        m = members.get(pk, none)
        out[pk] = {
            "members": m["members"] >= MIN_MEMBERS,
            "recent_activity": pk in has["recent"],
            "task_done": pk in has["task"],
            "learning": pk in has["discussions"] or pk in has["learning"],
            "convener": m["conveners"] > 0,
            "seeded": pk in has["seeded"],
            "linked": pk in has["linked"],
            # Nobody old enough to have left counts as keeping them (a young network is not
            # penalised); otherwise kept / old ≥ 75%.
            "retention": m["old"] == 0 or m["kept"] >= m["old"] * RETENTION_SHARE,
        }
    return out


@dataclass(frozen=True)
class Health:
    elements: dict[str, bool]
    score: float  # share of ELEMENTS present, 0..1


def network_health(network_id: int, as_of: date) -> Health:
    """Health of one network on as_of: element → present, and score = present / |ELEMENTS|.
    Six queries."""
    elements = health_elements(Among(network_id=network_id), [network_id], as_of)[network_id]
    return Health(elements=elements, score=sum(elements.values()) / len(ELEMENTS))


@dataclass(frozen=True)
class HealthRollup:
    networks: int  # active networks on as_of
    with_element: dict[str, int]
    share: dict[str, float | None]  # element -> share of active networks that have it
    mean_score: float | None


def health_rollup(chapter_ids: list[int], as_of: date, *,
                  active: list[ActiveNetwork] | None = None) -> HealthRollup:
    """For the active networks of the chapters: how many have each element, the share
    (with_element / networks), and the mean health score. Seven queries (six when the active
    networks are given)."""
    if active is None:
        active = active_network_rows(chapter_ids, as_of)
    ids = [n.id for n in active]
    profiles = health_elements(Among(chapter_ids=chapter_ids), ids, as_of).values()
    n = len(profiles)
    counts = {e: sum(1 for p in profiles if p[e]) for e in ELEMENTS}
    share = {e: counts[e] / n if n else None for e in ELEMENTS}
    mean = sum(counts.values()) / (n * len(ELEMENTS)) if n else None
    return HealthRollup(networks=n, with_element=counts, share=share, mean_score=mean)
