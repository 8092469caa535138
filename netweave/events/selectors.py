"""Every read about events, scoped to the acting user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from netweave.core.scope import scope_of
from netweave.events.models import Attendance, Event


def events_for(actor: Any, *, upcoming: bool | None = None, network: Any = None,
               chapter_id: int | None = None) -> QuerySet[Event]:
    qs = (
        Event.objects.filter(scope_of(actor).events_q())
        .select_related("place", "host_network")
        .annotate(
            going=Count("attendances", filter=Q(attendances__rsvp="yes"), distinct=True),
            came=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
        )
    )
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(starts_at__gte=now - timedelta(hours=6)).order_by("starts_at")
    elif upcoming is False:
        qs = qs.filter(starts_at__lt=now).order_by("-starts_at")
    else:
        qs = qs.order_by("-starts_at")
    if network is not None:
        qs = qs.filter(host_network=network)
    return qs


def attendances_of(event: Event) -> QuerySet[Attendance]:
    """Who RSVPed or came. Callers have checked `may_run_event`: this is personal data."""
    return event.attendances.select_related("person").order_by("person__display_name")


def my_rsvp(actor: Any, event: Event) -> Attendance | None:
    person = scope_of(actor).person
    if person is None:
        return None
    return event.attendances.filter(person=person).first()
