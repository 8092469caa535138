"""Chapters, the ledger (contributions) and a chapter's headline and growth numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from netweave.api.auth import actor
from netweave.api.common import CURSOR_DESCRIPTION, LIMIT_DESCRIPTION, chapter_named, ref
from netweave.api.pagination import DEFAULT_LIMIT, Page, paginate
from netweave.api.selectors import contributions_for
from netweave.core.models import Contribution
from netweave.core.selectors import chapters_for
from netweave.metrics.headline import headline_growth, headline_values
from netweave.metrics.selectors import metrics_chapters_for

router = Router(tags=["ledger and metrics"])


class ChapterOut(Schema):
    id: str
    name: str
    slug: str
    region: str


class ContributionOut(Schema):
    kind: str
    chapter: str
    occurred_at: datetime
    amount: int
    person: str | None
    network: str | None
    task: str | None
    event: str | None
    outreach: str | None
    campaign: str | None
    seeded_network: str | None


class ContributionFilters(Schema):
    kind: str = Field("", max_length=24)
    ordering: Literal["occurred_at", "-occurred_at"] = "-occurred_at"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


class MetricsOut(Schema):
    chapter: str
    as_of: date
    headline: dict[str, Any]
    growth: dict[str, Any]


def contribution_out(c: Contribution) -> dict[str, Any]:
    return {"kind": c.kind, "chapter": c.chapter.public_id, "occurred_at": c.occurred_at,
            "amount": c.amount, "person": ref(c.person), "network": ref(c.network),
            "task": ref(c.task), "event": ref(c.event), "outreach": ref(c.outreach),
            "campaign": ref(c.campaign), "seeded_network": ref(c.subject_network)}


@router.get("/chapters", response=list[ChapterOut])
def list_chapters(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": c.public_id, "name": c.name, "slug": c.slug, "region": c.region}
            for c in chapters_for(actor(request)).order_by("name")]


@router.get("/contributions", response=Page[ContributionOut])
def list_contributions(request: HttpRequest,
                       filters: Query[ContributionFilters]) -> dict[str, Any]:
    """The ledger: who did what, when, in which network. Organizers: their chapters' entries;
    others: their own and their networks'."""
    qs = contributions_for(actor(request), kind=filters.kind)
    return paginate(qs, ordering=filters.ordering, allowed=("occurred_at",),
                    cursor=filters.cursor, limit=filters.limit, out=contribution_out,
                    tiebreak="pk")


@router.get("/chapters/{chapter_id}/metrics", response=MetricsOut)
def chapter_metrics(request: HttpRequest, chapter_id: str) -> dict[str, Any]:
    """The headline numbers and the growth verdict: the chapter's organizers (and admins)."""
    user = actor(request)
    chapter = chapter_named(user, chapter_id)
    if chapter.id not in metrics_chapters_for(user):
        raise PermissionDenied
    today = timezone.localdate()
    return {"chapter": chapter.public_id, "as_of": today,
            "headline": headline_values([chapter.id], today),
            "growth": headline_growth([chapter.id], today)}
