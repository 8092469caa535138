"""People and their contact channels. Contact values only through people.contacts (audited),
to the same people as on the web person page (core.scope.may_read_contacts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
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
from netweave.api.pagination import DEFAULT_LIMIT, Page, page_response, paginate
from netweave.api.selectors import people_list
from netweave.core.access import require
from netweave.core.scope import may_read_contacts, scope_of
from netweave.people import services
from netweave.people.access import access_person
from netweave.people.contacts import channels_read
from netweave.people.models import Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: str
    display_name: str
    chapter: str
    place: str | None
    stage: str
    followup_status: str
    discreet: bool
    joined_at: datetime
    last_activity_at: datetime | None


class ChannelOut(Schema):
    kind: str
    value: str
    preferred: bool


class PersonIn(Schema):
    chapter: str = Field(description="The chapter's id.")
    display_name: str = Field(max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    place: str | None = None


class PersonFilters(Schema):
    search: str = Field("", max_length=100)
    stage: str = Field("", max_length=12)
    followup: str = Field("", max_length=20)
    place: str = Field("", max_length=16)
    ordering: Literal["name", "-name", "joined_at", "-joined_at"] = "name"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


# Only what a list shows, as plain rows: the rest of a person (notes, situation) is larger,
# some of it encrypted, and building 50 model instances was most of a page's cost.
LIST_COLUMNS = ("public_id", "display_name", "chapter__public_id", "place__public_id", "stage",
                "followup_status", "discreet", "joined_at", "last_activity_at")


def person_row_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["public_id"], "display_name": row["display_name"],
        "chapter": row["chapter__public_id"], "place": row["place__public_id"],
        "stage": row["stage"], "followup_status": row["followup_status"],
        "discreet": row["discreet"], "joined_at": row["joined_at"],
        "last_activity_at": row["last_activity_at"],
    }


def person_out(p: Person) -> dict[str, Any]:
    return {
        "id": p.public_id, "display_name": p.display_name, "chapter": p.chapter.public_id,
        "place": ref(p.place), "stage": p.stage, "followup_status": p.followup_status,
        "discreet": p.discreet, "joined_at": p.joined_at, "last_activity_at": p.last_activity_at,
    }


@router.get("/people", response=Page[PersonOut], url_name=None)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> HttpResponse:
    people = people_list(actor(request), columns=LIST_COLUMNS, search=filters.search,
                         stage=filters.stage, followup=filters.followup,
                         place_id=filters.place)
    # The busiest read: its query is compiled once per shape (api/compiled.py), and its rows
    # come from typed columns, so they are answered without a pydantic model per row
    # (pagination.page_response).
    page = paginate(people, ordering=filters.ordering, allowed=("name", "joined_at"),
                    cursor=filters.cursor, limit=filters.limit, out=person_row_out,
                    columns={"name": "display_name"})
    return page_response(request, page)


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: str) -> dict[str, Any]:
    return person_out(access_person(actor(request), person_id))


@router.get("/people/{person_id}/contacts", response=list[ChannelOut])
def get_person_contacts(request: HttpRequest, person_id: str) -> list[ChannelOut]:
    """Each read is written to the audit log, as on the web person page."""
    user = actor(request)
    person = access_person(user, person_id)
    require(may_read_contacts(scope_of(user), person))
    channels = channels_read(actor=user, person=person, purpose="api")
    return [ChannelOut(kind=c.kind, value=c.value, preferred=c.preferred) for c in channels]


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, response: HttpResponse,
                  payload: PersonIn) -> Status[Any]:
    user = actor(request)

    def create() -> dict[str, Any]:
        chapter = chapter_named(user, payload.chapter)
        person = services.person_create(
            actor=user, chapter=chapter, display_name=payload.display_name,
            email=payload.email, phone=payload.phone,
            place=place_named(user, chapter, payload.place),
        )
        return PersonOut(**person_out(person)).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)
