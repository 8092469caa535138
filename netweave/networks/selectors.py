"""Every read about networks and their lineage, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from netweave.core.scope import scope_of
from netweave.networks.models import PATH_WIDTH, Membership, Network, NetworkKind

CURRENT = Q(memberships__left_on__isnull=True)


def networks_for(
    actor: Any, *, search: str = "", status: str = "", kind: str = "", place_id: str = "",
    chapter_id: int | None = None,
) -> QuerySet[Network]:
    qs = (
        Network.objects.filter(scope_of(actor).networks_q())
        .select_related("kind", "place", "seeded_from")
        .annotate(member_count=Count("memberships", filter=CURRENT))
    )
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(social_grouping__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind__slug=kind)
    if place_id:
        qs = qs.filter(place__public_id=place_id)
    return qs.order_by("name", "id")


def network_counts_by_status(actor: Any, chapter_id: int | None = None) -> dict[str, int]:
    qs = Network.objects.filter(scope_of(actor).networks_q())
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    counts = dict.fromkeys(Network.Status.values, 0)
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def members_of(actor: Any, network: Network) -> list[Membership]:
    """Current members the actor may see. Discreet members are listed to organizers only
    (and to themselves); others see how many there are."""
    scope = scope_of(actor)
    qs = network.memberships.filter(left_on__isnull=True).select_related("person")
    if not scope.organizes(network.chapter_id):
        me = scope.person.id if scope.person else None
        qs = qs.filter(Q(person__discreet=False) | Q(person_id=me))
    return list(qs.order_by("-role", "person__display_name"))


def hidden_member_count(actor: Any, network: Network, shown: int) -> int:
    total = network.memberships.filter(left_on__isnull=True).count()
    return max(total - shown, 0)


def conveners_of(networks: Sequence[Network]) -> dict[int, list[str]]:
    """Names of the (non-discreet) conveners of each network: what a coach may see."""
    out: dict[int, list[str]] = {n.id: [] for n in networks}
    rows = Membership.objects.filter(
        network__in=networks, role=Membership.Role.CONVENER, left_on__isnull=True,
        person__discreet=False,
    ).values_list("network_id", "person__display_name")
    for network_id, name in rows:
        out[network_id].append(name)
    return out


def kinds_for(actor: Any, chapter_id: int | None) -> QuerySet[NetworkKind]:
    return NetworkKind.objects.filter(Q(chapter__isnull=True) | Q(chapter_id=chapter_id))


# --- Lineage ---------------------------------------------------------------------------------


def descendants(network: Network) -> QuerySet[Network]:
    """Every network seeded from this one, at any depth: one indexed range scan."""
    low, high = network.descendant_bounds()
    return Network.objects.filter(chapter_id=network.chapter_id, path__gt=low, path__lt=high)


def ancestor_ids(network: Network) -> list[int]:
    path = network.path
    return [int(path[i:i + PATH_WIDTH]) for i in range(0, len(path) - PATH_WIDTH, PATH_WIDTH)]


@dataclass
class LineageNode:
    """A network in a lineage view. `visible` False keeps the branch's shape but not its name."""

    id: int
    generation: int
    status: str
    visible: bool
    name: str = ""
    public_id: str = ""
    kind: str = ""
    is_focus: bool = False
    children: list[LineageNode] = field(default_factory=list)


def lineage_for(actor: Any, network: Network, *, max_nodes: int = 500) -> list[LineageNode]:
    """The stream this network belongs to: its root and everything the root seeded.

    Networks the actor may not see keep their place in the tree (the shape of growth is not
    personal data) but are shown without a name or link.
    """
    root_id = int(network.path[:PATH_WIDTH])
    root = Network.objects.filter(pk=root_id).first() or network
    rows = list(
        (Network.objects.filter(pk=root.pk) | descendants(root))
        .select_related("kind").order_by("path")[:max_nodes]
    )
    visible = set(
        Network.objects.filter(scope_of(actor).networks_q(), id__in=[r.id for r in rows])
        .values_list("id", flat=True)
    )
    nodes: dict[int, LineageNode] = {}
    roots: list[LineageNode] = []
    for row in rows:
        seen = row.id in visible
        node = LineageNode(
            id=row.id, generation=row.generation, status=row.status, visible=seen,
            name=row.name if seen else "", public_id=row.public_id if seen else "",
            kind=str(row.kind) if seen else "", is_focus=row.id == network.id,
        )
        nodes[row.id] = node
        parent = nodes.get(row.seeded_from_id) if row.seeded_from_id else None
        (parent.children if parent else roots).append(node)
    return roots


def seeded_summary(actor: Any, network: Network) -> list[dict[str, Any]]:
    """The networks this one seeded, with size and conveners: a coach's aggregate view."""
    children = list(
        network.seeded.select_related("kind")
        .annotate(member_count=Count("memberships", filter=CURRENT))
        .order_by("started_on")
    )
    visible = set(
        Network.objects.filter(scope_of(actor).networks_q(), id__in=[c.id for c in children])
        .values_list("id", flat=True)
    )
    conveners = conveners_of(children)
    return [
        {"network": c, "visible": c.id in visible, "conveners": conveners[c.id],
         "member_count": c.member_count}
        for c in children
    ]
