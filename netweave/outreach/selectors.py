"""Every read about outreach and referral codes, scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from netweave.core.scope import scope_of
from netweave.outreach.models import OutreachSession, ReferralCode


def outreach_for(actor: Any, *, chapter_id: int | None = None) -> QuerySet[OutreachSession]:
    qs = (
        OutreachSession.objects.filter(scope_of(actor).outreach_q())
        .select_related("place", "network")
        .annotate(people_count=Count("participants", distinct=True))
    )
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    return qs.order_by("-started_at")


def codes_for(actor: Any) -> QuerySet[ReferralCode]:
    return (
        ReferralCode.objects.filter(scope_of(actor).codes_q())
        .select_related("person", "network", "event", "outreach")
        .annotate(signups=Count("people"))
        .order_by("-created_at")
    )
