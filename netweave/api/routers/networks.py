"""Networks, their members, and their lineage (who seeded whom)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from netweave.api.auth import actor
from netweave.api.common import (
    CURSOR_DESCRIPTION,
    LIMIT_DESCRIPTION,
    chapter_named,
    place_named,
    ref,
)
from netweave.api.idempotency import run_once
from netweave.api.pagination import DEFAULT_LIMIT, Page, paginate
from netweave.core.access import require
from netweave.networks import services
from netweave.networks.access import access_network, sees_members
from netweave.networks.models import Network
from netweave.networks.selectors import (
    ancestors_for,
    chapter_lineage_for,
    current_membership,
    kinds_for,
    lineage_for,
    members_of,
    networks_for,
)
from netweave.people.access import access_person

router = Router(tags=["networks"])


class NetworkOut(Schema):
    id: str
    name: str
    chapter: str
    kind: str
    status: str
    place: str | None
    social_grouping: str
    seeded_from: str | None
    generation: int
    started_on: date
    created_at: datetime


class NetworkIn(Schema):
    chapter: str
    name: str = Field(max_length=120)
    kind: str = Field(max_length=40, description="A network kind's slug, e.g. distribution.")
    place: str | None = None
    social_grouping: str = Field("", max_length=120)
    description: str = Field("", max_length=2000)


class SeedIn(Schema):
    name: str = Field(max_length=120)
    kind: str = Field(max_length=40)
    place: str | None = None
    social_grouping: str = Field("", max_length=120)
    description: str = Field("", max_length=2000)


class NetworkFilters(Schema):
    search: str = Field("", max_length=100)
    status: str = Field("", max_length=12)
    kind: str = Field("", max_length=40)
    place: str = Field("", max_length=16)
    ordering: Literal["name", "-name", "created_at", "-created_at"] = "name"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


class MemberOut(Schema):
    person: str
    display_name: str
    role: str
    joined_on: date


class MemberIn(Schema):
    person: str
    role: Literal["member", "convener"] = "member"


class LineageNodeOut(Schema):
    """A network in a lineage. Networks the caller may not see keep their place (generation,
    status) with id and name left empty: the shape of growth is not personal data."""

    id: str
    name: str
    kind: str
    generation: int
    status: str
    visible: bool
    children: list[LineageNodeOut] = []


LineageNodeOut.model_rebuild()


class GenerationRow(Schema):
    generation: int
    networks: int
    active: int


def network_out(n: Network) -> dict[str, Any]:
    return {
        "id": n.public_id, "name": n.name, "chapter": n.chapter.public_id,
        "kind": n.kind.slug, "status": n.status, "place": ref(n.place),
        "social_grouping": n.social_grouping, "seeded_from": _seeded_from(n),
        "generation": n.generation, "started_on": n.started_on, "created_at": n.created_at,
    }


def _seeded_from(n: Network) -> str | None:
    return n.seeded_from.public_id if n.seeded_from_id and n.seeded_from else None


def _node(node: Any) -> dict[str, Any]:
    return {"id": node.public_id, "name": node.name, "kind": node.kind,
            "generation": node.generation, "status": node.status, "visible": node.visible,
            "children": [_node(c) for c in node.children]}


def _kind(user: Any, chapter_id: int, slug: str) -> Any:
    kind = kinds_for(user, chapter_id).filter(slug=slug).first()
    if kind is None:
        raise ValidationError({"kind": _("No such kind of network.")})
    return kind


@router.get("/networks", response=Page[NetworkOut])
def list_networks(request: HttpRequest, filters: Query[NetworkFilters]) -> dict[str, Any]:
    qs = networks_for(actor(request), search=filters.search, status=filters.status,
                      kind=filters.kind, place_id=filters.place).select_related("chapter")
    return paginate(qs, ordering=filters.ordering, allowed=("name", "created_at"),
                    cursor=filters.cursor, limit=filters.limit, out=network_out)


@router.get("/networks/{network_id}", response=NetworkOut)
def get_network(request: HttpRequest, network_id: str) -> dict[str, Any]:
    return network_out(access_network(actor(request), network_id))


@router.post("/networks", response={201: NetworkOut})
def create_network(request: HttpRequest, response: HttpResponse,
                   payload: NetworkIn) -> Status[Any]:
    user = actor(request)

    def create() -> dict[str, Any]:
        chapter = chapter_named(user, payload.chapter)
        network = services.network_create(
            actor=user, chapter=chapter, name=payload.name,
            kind=_kind(user, chapter.id, payload.kind),
            place=place_named(user, chapter, payload.place),
            social_grouping=payload.social_grouping, description=payload.description,
        )
        return NetworkOut(**network_out(network)).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)


@router.post("/networks/{network_id}/seed", response={201: NetworkOut})
def seed_network(request: HttpRequest, response: HttpResponse, network_id: str,
                 payload: SeedIn) -> Status[Any]:
    """Record a network seeded from this one (its members, conveners and organizers)."""
    user = actor(request)

    def create() -> dict[str, Any]:
        parent = access_network(user, network_id)
        network = services.network_seed(
            actor=user, parent=parent, name=payload.name,
            kind=_kind(user, parent.chapter_id, payload.kind),
            place=place_named(user, parent.chapter, payload.place),
            social_grouping=payload.social_grouping, description=payload.description,
        )
        return NetworkOut(**network_out(network)).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)


@router.get("/networks/{network_id}/members", response=list[MemberOut])
def list_members(request: HttpRequest, network_id: str) -> list[dict[str, Any]]:
    user = actor(request)
    network = access_network(user, network_id)
    if not sees_members(user, network):
        raise PermissionDenied
    return [{"person": m.person.public_id, "display_name": m.person.display_name,
             "role": m.role, "joined_on": m.joined_on} for m in members_of(user, network)]


@router.post("/networks/{network_id}/members", response={201: MemberOut})
def add_member(request: HttpRequest, response: HttpResponse, network_id: str,
               payload: MemberIn) -> Status[Any]:
    user = actor(request)

    def create() -> dict[str, Any]:
        network = access_network(user, network_id, for_write=True)
        person = access_person(user, payload.person)
        m = services.membership_add(actor=user, network=network, person=person,
                                    role=payload.role)
        return MemberOut(person=person.public_id, display_name=person.display_name,
                         role=m.role, joined_on=m.joined_on).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)


@router.delete("/networks/{network_id}/members/{person_id}", response={204: None})
def end_membership(request: HttpRequest, network_id: str, person_id: str) -> Status[None]:
    """The person leaves the network (kept in its history with the day they left)."""
    user = actor(request)
    network = access_network(user, network_id)
    membership = current_membership(user, network, person_id)
    if membership is None:
        raise Http404
    services.membership_end(actor=user, membership=membership)
    return Status(204, None)


@router.get("/networks/{network_id}/ancestors", response=list[LineageNodeOut])
def network_ancestors(request: HttpRequest, network_id: str) -> list[dict[str, Any]]:
    """From the stream's root down to this network's parent, root first."""
    user = actor(request)
    return [_node(n) for n in ancestors_for(user, access_network(user, network_id))]


@router.get("/networks/{network_id}/lineage", response=list[LineageNodeOut])
def network_lineage(request: HttpRequest, network_id: str) -> list[dict[str, Any]]:
    """The whole stream this network belongs to, as a tree from its root."""
    user = actor(request)
    return [_node(n) for n in lineage_for(user, access_network(user, network_id))]


def _walk(nodes: list[Any]) -> list[Any]:
    out: list[Any] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk(node.children))
    return out


@router.get("/chapters/{chapter_id}/generations", response=list[GenerationRow])
def chapter_generations(request: HttpRequest, chapter_id: str) -> list[dict[str, int]]:
    """How many networks (and how many active) in each generation: the chapter's organizers."""
    from netweave.core.scope import scope_of

    user = actor(request)
    chapter = chapter_named(user, chapter_id)
    require(scope_of(user).organizes(chapter.id))
    table: dict[int, dict[str, int]] = {}
    for node in _walk(chapter_lineage_for(user, chapter.id, max_nodes=100_000)):
        row = table.setdefault(node.generation,
                               {"generation": node.generation, "networks": 0, "active": 0})
        row["networks"] += 1
        row["active"] += int(node.status == Network.Status.ACTIVE)
    return [table[g] for g in sorted(table)]
