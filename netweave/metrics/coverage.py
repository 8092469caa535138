"""Coverage: are there networks in the places the chapter has marked as targets?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from netweave.core.models import Place
from netweave.metrics.common import active_network_q
from netweave.networks.models import Network


@dataclass(frozen=True)
class PlaceCoverage:
    place_id: int
    name: str
    target_networks: int  # critical mass the chapter aims for
    active_networks: int  # active networks in the place or one of its child places
    progress: float | None  # min(1, active / target); None when no target number is set

    @property
    def covered(self) -> bool:
        return self.active_networks > 0


@dataclass(frozen=True)
class Coverage:
    targets: int
    covered: int  # targets with ≥1 active network
    places: list[PlaceCoverage]


def coverage(chapter_ids: list[int], as_of: date) -> Coverage:
    """Target places (Place.is_target) of the chapters: a place is covered when ≥1 active
    network is in it or in a direct child place (one level of Place.parent); critical-mass
    progress = min(1, active networks / target_networks). One query."""
    in_place = (
        Network.objects.filter(active_network_q(as_of))
        .filter(Q(place_id=OuterRef("pk")) | Q(place__parent_id=OuterRef("pk")))
        # Group by a constant-per-place column so the subquery yields one COUNT row.
        .order_by().values("chapter_id").annotate(c=Count("pk")).values("c")
    )
    rows = (
        Place.objects.filter(chapter_id__in=chapter_ids, is_target=True)
        .annotate(active=Coalesce(Subquery(in_place), 0))
        .order_by("name", "pk")
        .values("pk", "name", "target_networks", "active")
    )
    places = [
        PlaceCoverage(
            place_id=r["pk"], name=r["name"], target_networks=r["target_networks"],
            active_networks=r["active"],
            progress=min(1.0, r["active"] / r["target_networks"]) if r["target_networks"]
            else None,
        )
        for r in rows
    ]
    return Coverage(
        targets=len(places), covered=sum(p.covered for p in places), places=places
    )
