"""Every read about networks and their lineage, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
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
    # Forgotten people (people/privacy.py) are counted among the unnamed, never listed.
    qs = network.memberships.filter(left_on__isnull=True, person__forgotten_at__isnull=True
                                    ).select_related("person")
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
    # The bounds alone pick the subtree (ids are unique across chapters), so the range scan on
    # the path index needs no second column.
    return Network.objects.filter(path__gt=low, path__lt=high)


def descendant_ids(network: Network) -> list[int]:
    """The ids of descendants(network), for metrics and bulk work that need only the ids.

    The same range on the same index, read through a plain cursor: at tens of thousands of
    descendants, building a model row (or even a values_list tuple) per id costs more than
    the scan. The (path, id) index (network_path_id) answers it from the index alone."""
    low, high = network.descendant_bounds()
    sql, params = (Network.objects.filter(path__gt=low, path__lt=high).order_by()
                   .values_list("id").query.sql_with_params())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array instead of a row per id: the driver then builds one list, not tens of
            # thousands of tuples (measured: a quarter of the client's CPU time at 68,000 ids).
            cursor.execute(f"SELECT array_agg(id) FROM ({sql}) AS ids", params)  # noqa: S608  # nosec B608
            return list(cursor.fetchone()[0] or [])
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


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
    return _tree(actor, rows, focus_id=network.id)


def chapter_lineage_for(actor: Any, chapter_id: int, *, max_nodes: int = 500) -> list[LineageNode]:
    """Every stream of a chapter, root first, generation by generation (the growth map).

    The caller has decided the actor may see the chapter's aggregates; networks the actor may
    not see still keep their place, without a name or link, as in lineage_for. Two queries;
    at most `max_nodes` networks, taken in path order (whole streams first).
    """
    rows = list(
        Network.objects.filter(chapter_id=chapter_id).select_related("kind")
        .order_by("path")[:max_nodes]
    )
    return _tree(actor, rows)


def _tree(actor: Any, rows: list[Network], focus_id: int | None = None) -> list[LineageNode]:
    """Nest rows (in path order, so parents come first) into LineageNodes, blanking the names
    of those the actor may not see. A row whose parent is not among the rows becomes a root."""
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
            kind=str(row.kind) if seen else "", is_focus=row.id == focus_id,
        )
        nodes[row.id] = node
        parent = nodes.get(row.seeded_from_id) if row.seeded_from_id else None
        (parent.children if parent else roots).append(node)
    return roots


def seeded_summary(actor: Any, network: Network,
                   conveners: dict[int, list[str]] | None = None) -> list[dict[str, Any]]:
    """The networks this one seeded, with size and conveners: a coach's aggregate view.
    `conveners`: visible_conveners_of for them, if the caller read it with others."""
    scope = scope_of(actor)
    children = list(
        network.seeded.select_related("kind")
        .annotate(member_count=Count("memberships", filter=CURRENT))
        .order_by("started_on")
    )
    # Only the names the viewer may know: a coach sees the conveners of what their network
    # seeded, a plain member of the parent does not (people_q decides, as everywhere).
    if conveners is None:
        conveners = visible_conveners_of(actor, children)
    return [
        {"network": c, "visible": scope.sees_network(c), "conveners": conveners.get(c.id, []),
         "member_count": c.member_count}
        for c in children
    ]


# --- Pages ------------------------------------------------------------------------------------


def visible_conveners_of(actor: Any, networks: Sequence[Network]) -> dict[int, list[str]]:
    """Names of each network's current conveners, limited to people the actor may see."""
    from netweave.people.models import Person

    out: dict[int, list[str]] = {n.id: [] for n in networks}
    rows = Membership.objects.filter(
        network__in=networks, role=Membership.Role.CONVENER, left_on__isnull=True,
        person__in=Person.objects.filter(scope_of(actor).people_q()),
    ).order_by("person__display_name").values_list("network_id", "person__display_name")
    for network_id, name in rows:
        out[network_id].append(name)
    return out


def ancestors_for(actor: Any, network: Network) -> list[LineageNode]:
    """The chain from the stream's root down to this network's parent, root first. Ancestors
    the actor may not see keep their generation but lose their name."""
    ids = ancestor_ids(network)
    if not ids:
        return []
    scope = scope_of(actor)
    rows = Network.objects.filter(id__in=ids).select_related("kind").order_by("generation")
    nodes = []
    for row in rows:
        visible = scope.sees_network(row)
        nodes.append(LineageNode(
            id=row.id, generation=row.generation, status=row.status, visible=visible,
            name=row.name if visible else "", public_id=row.public_id if visible else "",
            kind=str(row.kind) if visible else "",
        ))
    return nodes


def links_of(actor: Any, network: Network) -> list[dict[str, Any]]:
    """Networks this one coordinates with; names only of those the actor may see."""
    from netweave.networks.models import NetworkLink

    links = NetworkLink.objects.filter(Q(from_network=network) | Q(to_network=network))
    pairs = list(links.values_list("from_network_id", "to_network_id", "note"))
    if not pairs:
        return []
    other_ids = [b if a == network.id else a for a, b, _note in pairs]
    others = Network.objects.filter(id__in=other_ids).in_bulk()
    scope = scope_of(actor)
    return [
        {"network": others[other_id], "visible": scope.sees_network(others[other_id]),
         "note": note}
        for other_id, (_a, _b, note) in zip(other_ids, pairs, strict=True)
    ]


@dataclass
class NetworkOverview:
    """Everything the network page shows. `full` is False for those who see the network only
    in aggregate (conveners of an ancestor): then members, tasks, events and links stay empty."""

    network: Network
    full: bool
    may_run: bool
    may_seed: bool
    my_membership: Membership | None
    member_count: int
    conveners: list[str]
    seeded: list[dict[str, Any]]
    ancestors: list[LineageNode]
    descendant_count: int
    members: list[Membership] = field(default_factory=list)
    hidden_members: int = 0
    open_tasks: list[Any] = field(default_factory=list)
    recent_tasks: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    @property
    def parent(self) -> LineageNode | None:
        return self.ancestors[-1] if self.ancestors else None


def network_overview(actor: Any, network: Network, *, limit: int = 10) -> NetworkOverview:
    """The network page, for a network `access_network` already let the actor see."""
    from netweave.events.selectors import events_for
    from netweave.networks.access import sees_members
    from netweave.work.selectors import OPEN, tasks_for

    scope = scope_of(actor)
    full = sees_members(actor, network)
    # The conveners of this network and of those it seeded, in one query.
    children = list(network.seeded.only("id", "seeded_from_id"))
    conveners = visible_conveners_of(actor, [network, *children])
    overview = NetworkOverview(
        network=network, full=full, may_run=scope.may_run_network(network),
        may_seed=full and network.status != Network.Status.DISSOLVED, my_membership=None,
        member_count=network.memberships.filter(left_on__isnull=True).count(),
        conveners=conveners[network.id],
        seeded=seeded_summary(actor, network, conveners) if children else [],
        ancestors=ancestors_for(actor, network),
        descendant_count=descendants(network).count() if children else 0,
    )
    if not full:
        return overview
    overview.members = members_of(actor, network)
    overview.hidden_members = max(overview.member_count - len(overview.members), 0)
    me = scope.person.id if scope.person is not None else None
    overview.my_membership = next((m for m in overview.members if m.person_id == me), None)
    tasks = tasks_for(actor, network=network)
    overview.open_tasks = list(tasks.filter(status__in=OPEN)[:limit])
    overview.recent_tasks = list(
        tasks.exclude(status__in=OPEN).order_by("-reported_at", "-offered_at")[:limit]
    )
    overview.events = list(events_for(actor, network=network)[:limit])
    overview.links = links_of(actor, network)
    return overview


def current_membership(actor: Any, network: Network, person_public_id: str) -> Membership | None:
    """A current membership of `network`, found only among the members the actor may see."""
    from netweave.networks.access import sees_members

    if not sees_members(actor, network):
        return None
    for membership in members_of(actor, network):
        if membership.person.public_id == person_public_id:
            return membership
    return None


def chapter_to_organize(actor: Any, public_id: str = "") -> Any:
    """The chapter in which the actor starts a network: the one asked for, else their first.

    Only organizers (and admins) start generation-1 networks: others get PermissionDenied, and a
    chapter they do not organize is not found.
    """
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from netweave.core.selectors import organized_chapters_for

    chapters = organized_chapters_for(actor).order_by("id")
    first = chapters.first()
    if first is None:
        raise PermissionDenied
    if not public_id:
        return first
    chapter = chapters.filter(public_id=public_id).first()
    if chapter is None:
        raise Http404
    return chapter
