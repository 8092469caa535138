"""Read endpoints in the shape of OSDI (the Open Supporter Data Interface that Action Network
and Action Builder speak), so that tools reading OSDI can read people and events from netweave.

A subset: the `osdi:people` and `osdi:events` collections, HAL-style (`_embedded`, `_links`),
with netweave's cursor in the `next` link instead of page numbers (OSDI allows any next link).
Contact details are not included: they are read one person at a time, audited
(`/people/{id}/contacts`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from netweave.api.auth import actor
from netweave.api.common import CURSOR_DESCRIPTION, LIMIT_DESCRIPTION
from netweave.api.pagination import DEFAULT_LIMIT, paginate
from netweave.events.models import Event
from netweave.events.selectors import events_for
from netweave.people.selectors import people_for

router = Router(tags=["OSDI"])

ID_PREFIX = "netweave:"


class OsdiPerson(Schema):
    identifiers: list[str]
    given_name: str
    created_date: datetime
    modified_date: datetime | None


class OsdiLocation(Schema):
    venue: str


class OsdiEvent(Schema):
    identifiers: list[str]
    title: str
    description: str
    start_date: datetime
    end_date: datetime | None
    status: str
    visibility: str
    location: OsdiLocation


class OsdiEmbeddedPeople(Schema):
    osdi_people: list[OsdiPerson] = Field(alias="osdi:people")


class OsdiEmbeddedEvents(Schema):
    osdi_events: list[OsdiEvent] = Field(alias="osdi:events")


class OsdiPeoplePage(Schema):
    per_page: int
    embedded: OsdiEmbeddedPeople = Field(alias="_embedded")
    links: dict[str, dict[str, str]] = Field(alias="_links")


class OsdiEventsPage(Schema):
    per_page: int
    embedded: OsdiEmbeddedEvents = Field(alias="_embedded")
    links: dict[str, dict[str, str]] = Field(alias="_links")


class OsdiQuery(Schema):
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


def _links(request: HttpRequest, page: dict[str, Any], limit: int) -> dict[str, Any]:
    links: dict[str, Any] = {"self": {"href": request.build_absolute_uri()}}
    if page["next_cursor"]:
        base = request.build_absolute_uri(request.path)
        links["next"] = {"href": f"{base}?limit={limit}&cursor={page['next_cursor']}"}
    return links


def _person(row: dict[str, Any]) -> dict[str, Any]:
    return {"identifiers": [ID_PREFIX + row["public_id"]], "given_name": row["display_name"],
            "created_date": row["joined_at"], "modified_date": row["last_activity_at"]}


def _event(e: Event) -> dict[str, Any]:
    return {"identifiers": [ID_PREFIX + e.public_id], "title": e.title,
            "description": e.description, "start_date": e.starts_at, "end_date": e.ends_at,
            "status": "confirmed", "visibility": "public" if e.is_public else "private",
            "location": {"venue": e.location or (e.place.name if e.place else "")}}


@router.get("/osdi/people", response=OsdiPeoplePage, by_alias=True)
def osdi_people(request: HttpRequest, query: Query[OsdiQuery]) -> dict[str, Any]:
    qs = people_for(actor(request)).values(
        "public_id", "display_name", "joined_at", "last_activity_at")
    page = paginate(qs, ordering="joined_at", allowed=("joined_at",), cursor=query.cursor,
                    limit=query.limit, out=_person)
    return {"per_page": query.limit, "_embedded": {"osdi:people": page["items"]},
            "_links": _links(request, page, query.limit)}


@router.get("/osdi/events", response=OsdiEventsPage, by_alias=True)
def osdi_events(request: HttpRequest, query: Query[OsdiQuery]) -> dict[str, Any]:
    page = paginate(events_for(actor(request)), ordering="starts_at", allowed=("starts_at",),
                    cursor=query.cursor, limit=query.limit, out=_event)
    return {"per_page": query.limit, "_embedded": {"osdi:events": page["items"]},
            "_links": _links(request, page, query.limit)}
