"""Events, RSVPs and check-ins (attendance)."""

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
from netweave.api.pagination import DEFAULT_LIMIT, Page, paginate
from netweave.events import services
from netweave.events.access import access_event
from netweave.events.models import Event
from netweave.events.selectors import event_page_for, events_for
from netweave.networks.access import access_network
from netweave.people.access import access_person

router = Router(tags=["events"])


class EventOut(Schema):
    id: str
    title: str
    kind: str
    chapter: str
    starts_at: datetime
    ends_at: datetime | None
    place: str | None
    location: str
    host_network: str | None
    is_public: bool


class EventIn(Schema):
    chapter: str
    title: str = Field(max_length=160)
    kind: str = Field("showing", max_length=12)
    description: str = Field("", max_length=5000)
    starts_at: datetime
    ends_at: datetime | None = None
    place: str | None = None
    location: str = Field("", max_length=200)
    host_network: str | None = None
    is_public: bool = False


class EventFilters(Schema):
    upcoming: bool | None = None
    ordering: Literal["starts_at", "-starts_at"] = "-starts_at"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


class RsvpIn(Schema):
    rsvp: Literal["yes", "maybe", "no"]


class AttendanceOut(Schema):
    person: str
    display_name: str
    rsvp: str
    attended: bool


class CheckInIn(Schema):
    person: str
    attended: bool = True


class EventCounts(Schema):
    going: int
    maybe: int
    came: int
    attendances: list[AttendanceOut] | None = Field(
        None, description="Who answered and came: for those who run the event only.")


def event_out(e: Event) -> dict[str, Any]:
    return {"id": e.public_id, "title": e.title, "kind": e.kind, "chapter": e.chapter.public_id,
            "starts_at": e.starts_at, "ends_at": e.ends_at, "place": ref(e.place),
            "location": e.location, "host_network": ref(e.host_network),
            "is_public": e.is_public}


def attendance_out(a: Any) -> dict[str, Any]:
    return {"person": a.person.public_id, "display_name": a.person.display_name,
            "rsvp": a.rsvp, "attended": a.attended}


@router.get("/events", response=Page[EventOut])
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    qs = events_for(actor(request), upcoming=filters.upcoming).select_related("chapter")
    return paginate(qs, ordering=filters.ordering, allowed=("starts_at",),
                    cursor=filters.cursor, limit=filters.limit, out=event_out)


@router.get("/events/{event_id}", response=EventOut)
def get_event(request: HttpRequest, event_id: str) -> dict[str, Any]:
    return event_out(access_event(actor(request), event_id))


@router.post("/events", response={201: EventOut})
def create_event(request: HttpRequest, response: HttpResponse,
                 payload: EventIn) -> Status[Any]:
    user = actor(request)

    def create() -> dict[str, Any]:
        chapter = chapter_named(user, payload.chapter)
        host = access_network(user, payload.host_network) if payload.host_network else None
        event = services.event_create(
            actor=user, chapter=chapter, title=payload.title, kind=payload.kind,
            description=payload.description, starts_at=payload.starts_at,
            ends_at=payload.ends_at, place=place_named(user, chapter, payload.place),
            location=payload.location, host_network=host, is_public=payload.is_public,
        )
        return EventOut(**event_out(event)).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)


@router.get("/events/{event_id}/attendance", response=EventCounts)
def event_attendance(request: HttpRequest, event_id: str) -> dict[str, Any]:
    user = actor(request)
    page = event_page_for(user, access_event(user, event_id))
    rows = [attendance_out(a) for a in page.attendances] if page.may_run else None
    return {"going": page.going, "maybe": page.maybe, "came": page.came, "attendances": rows}


@router.post("/events/{event_id}/rsvp", response=AttendanceOut)
def rsvp(request: HttpRequest, event_id: str, payload: RsvpIn) -> dict[str, Any]:
    """The caller answers for themselves."""
    user = actor(request)
    event = access_event(user, event_id)
    return attendance_out(services.rsvp_mine(actor=user, event=event, rsvp=payload.rsvp))


@router.post("/events/{event_id}/check-in", response=AttendanceOut)
def check_in(request: HttpRequest, event_id: str, payload: CheckInIn) -> dict[str, Any]:
    """Mark someone as having come (or undo it): those who run the event."""
    user = actor(request)
    event = access_event(user, event_id, for_write=True)
    person = access_person(user, payload.person)
    attendance = services.attendance_check_in(actor=user, event=event, person=person,
                                              attended=payload.attended)
    return attendance_out(attendance)
