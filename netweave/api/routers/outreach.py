"""Outreach sessions (stints of broad work) and the sign-ups they and others bring in."""

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
from netweave.networks.access import access_network
from netweave.outreach import services
from netweave.outreach.access import access_outreach
from netweave.outreach.models import OutreachSession
from netweave.outreach.selectors import outreach_for, outreach_page_for
from netweave.people.access import access_person
from netweave.people.selectors import new_signups_for

router = Router(tags=["outreach"])


class OutreachOut(Schema):
    id: str
    chapter: str
    started_at: datetime
    minutes: int
    place: str | None
    location: str
    network: str | None
    flyers: int
    posters: int
    other_materials: int
    conversations: int
    contacts_made: int
    signups: int | None = None


class OutreachIn(Schema):
    chapter: str
    started_at: datetime
    minutes: int = Field(60, ge=1, le=1440)
    place: str | None = None
    location: str = Field("", max_length=200)
    network: str | None = None
    participants: list[str] = Field(default_factory=list, max_length=200)
    flyers: int = Field(0, ge=0, le=1_000_000)
    posters: int = Field(0, ge=0, le=1_000_000)
    other_materials: int = Field(0, ge=0, le=1_000_000)
    conversations: int = Field(0, ge=0, le=1_000_000)
    contacts_made: int = Field(0, ge=0, le=1_000_000)


class OutreachFilters(Schema):
    ordering: Literal["started_at", "-started_at"] = "-started_at"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


class SignupOut(Schema):
    person: str
    display_name: str
    joined_at: datetime
    source: str
    place: str | None


COUNTS = ("flyers", "posters", "other_materials", "conversations", "contacts_made")


def outreach_out(s: OutreachSession, signups: int | None = None) -> dict[str, Any]:
    return {"id": s.public_id, "chapter": s.chapter.public_id, "started_at": s.started_at,
            "minutes": s.minutes, "place": ref(s.place), "location": s.location,
            "network": ref(s.network), "signups": signups,
            **{f: getattr(s, f) for f in COUNTS}}


@router.get("/outreach", response=Page[OutreachOut])
def list_outreach(request: HttpRequest, filters: Query[OutreachFilters]) -> dict[str, Any]:
    qs = outreach_for(actor(request)).select_related("chapter")
    return paginate(qs, ordering=filters.ordering, allowed=("started_at",),
                    cursor=filters.cursor, limit=filters.limit, out=outreach_out)


@router.get("/outreach/{session_id}", response=OutreachOut)
def get_outreach(request: HttpRequest, session_id: str) -> dict[str, Any]:
    user = actor(request)
    session = access_outreach(user, session_id)
    return outreach_out(session, signups=outreach_page_for(user, session).signups)


@router.post("/outreach", response={201: OutreachOut})
def log_outreach(request: HttpRequest, response: HttpResponse,
                 payload: OutreachIn) -> Status[Any]:
    user = actor(request)

    def create() -> dict[str, Any]:
        chapter = chapter_named(user, payload.chapter)
        session = services.outreach_log(
            actor=user, chapter=chapter, started_at=payload.started_at,
            minutes=payload.minutes, place=place_named(user, chapter, payload.place),
            location=payload.location,
            network=access_network(user, payload.network) if payload.network else None,
            participants=[access_person(user, p) for p in payload.participants],
            **{f: getattr(payload, f) for f in COUNTS},
        )
        return OutreachOut(**outreach_out(session)).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)


@router.get("/signups", response=list[SignupOut])
def list_signups(request: HttpRequest,
                 days: int = Query(14, ge=1, le=365)) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """People who signed up themselves (a referral code, an event, a public page) in the
    last `days` days, newest first, among those the caller may see; at most 200."""
    return [{"person": p.public_id, "display_name": p.display_name, "joined_at": p.joined_at,
             "source": p.source, "place": ref(p.place)}
            for p in new_signups_for(actor(request), days=days, limit=200)]
