"""Network health: the elements a healthy network practises, for one network and a chapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from netweave.core.models import Contribution
from netweave.events.models import Event
from netweave.metrics.common import (
    active_networks,
    current_memberships,
    day_start,
    occurred_between,
)
from netweave.networks.models import Membership, Network, NetworkLink

K = Contribution.Kind
MIN_MEMBERS = 3
RECENT_ACTIVITY_DAYS = 30
TASK_WINDOW_DAYS = 90
LEARNING_WINDOW_DAYS = 90
# Members who joined this long ago are the ones retention is judged on.
RETENTION_AFTER_DAYS = 90
RETENTION_SHARE = 0.75
# Playbooks whose completion means the network studied together.
LEARNING_PLAYBOOKS = ["discussion-session", "read-and-reflect"]
ELEMENTS = (
    "members", "recent_activity", "task_done", "learning", "convener", "seeded", "linked",
    "retention",
)


def _count(qs: QuerySet[Any]) -> Coalesce:
    """COUNT of `qs` rows for the outer network, as a correlated subquery (0 when none)."""
    counted = qs.order_by().values("network_id").annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(counted), 0)


def _bool(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _ledger(as_of: date, days: int, **filters: Any) -> QuerySet[Contribution]:
    return Contribution.objects.filter(
        occurred_between(as_of - timedelta(days=days), as_of), network_id=OuterRef("pk"),
        **filters,
    )


def with_health(networks: QuerySet[Network], as_of: date) -> QuerySet[Network]:
    """Annotate each network with one boolean h_<element> per element of ELEMENTS (see
    docs/metrics.md)."""
    members = current_memberships(as_of).filter(network_id=OuterRef("pk"))
    old = Membership.objects.filter(
        network_id=OuterRef("pk"), joined_on__lte=as_of - timedelta(days=RETENTION_AFTER_DAYS)
    )
    kept = old.filter(Q(left_on__isnull=True) | Q(left_on__gt=as_of))
    discussions = Event.objects.filter(
        occurred_between(as_of - timedelta(days=LEARNING_WINDOW_DAYS), as_of, "starts_at"),
        host_network_id=OuterRef("pk"), kind=Event.Kind.DISCUSSION,
    )
    study = _ledger(as_of, LEARNING_WINDOW_DAYS, kind=K.TASK_DONE,
                    data__playbook__in=LEARNING_PLAYBOOKS)
    children = Network.objects.filter(seeded_from_id=OuterRef("pk"), started_on__lte=as_of)
    links = NetworkLink.objects.filter(
        Q(from_network_id=OuterRef("pk")) | Q(to_network_id=OuterRef("pk")),
        created_at__lt=day_start(as_of + timedelta(days=1)),
    )
    elements = {
        "members": _bool(Q(n_members__gte=MIN_MEMBERS)),
        "recent_activity": Exists(_ledger(as_of, RECENT_ACTIVITY_DAYS)),
        "task_done": Exists(_ledger(as_of, TASK_WINDOW_DAYS, kind=K.TASK_DONE)),
        "learning": _bool(Q(Exists(discussions)) | Q(Exists(study))),
        "convener": Exists(members.filter(role=Membership.Role.CONVENER)),
        "seeded": Exists(children),
        "linked": Exists(links),
        # Nobody old enough to have left counts as keeping them (a young network is not
        # penalised); otherwise kept / old ≥ 75%, written as kept ≥ 0.75·old (no division).
        "retention": _bool(Q(n_old=0) | Q(n_kept__gte=F("n_old") * RETENTION_SHARE)),
    }
    return networks.annotate(
        n_members=_count(members), n_old=_count(old), n_kept=_count(kept),
    ).annotate(**{_alias(e): expr for e, expr in elements.items()})


def _alias(element: str) -> str:
    # Prefixed: "seeded" and "members" would clash with Network's reverse relations.
    return f"h_{element}"


@dataclass(frozen=True)
class Health:
    elements: dict[str, bool]
    score: float  # share of ELEMENTS present, 0..1


def network_health(network_id: int, as_of: date) -> Health:
    """Health of one network on as_of: element → present, and score = present / |ELEMENTS|.
    One query."""
    row = with_health(Network.objects.filter(pk=network_id), as_of).values(
        *(_alias(e) for e in ELEMENTS)
    ).get()
    elements = {e: bool(row[_alias(e)]) for e in ELEMENTS}
    return Health(elements=elements, score=sum(elements.values()) / len(ELEMENTS))


@dataclass(frozen=True)
class HealthRollup:
    networks: int  # active networks on as_of
    with_element: dict[str, int]
    share: dict[str, float | None]  # element -> share of active networks that have it
    mean_score: float | None


def health_rollup(chapter_ids: list[int], as_of: date) -> HealthRollup:
    """For the active networks of the chapters: how many have each element, the share
    (with_element / networks), and the mean health score. One query."""
    counts = with_health(active_networks(chapter_ids, as_of), as_of).aggregate(
        networks=Count("pk"), **{e: Count("pk", filter=Q(**{_alias(e): True})) for e in ELEMENTS}
    )
    n = counts.pop("networks")
    share = {e: counts[e] / n if n else None for e in ELEMENTS}
    mean = sum(counts.values()) / (n * len(ELEMENTS)) if n else None
    return HealthRollup(networks=n, with_element=counts, share=share, mean_score=mean)
