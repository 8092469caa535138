"""Every read about people, scoped to the acting user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.core.scope import scope_of
from netweave.people.models import FollowUp, Person

OPEN_FOLLOWUPS = [FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET]


def people_for(
    actor: Any, *, search: str = "", stage: str = "", followup: str = "", place_id: str = "",
    chapter_id: int | None = None, discreet: bool | None = None,
) -> QuerySet[Person]:
    scope = scope_of(actor)
    qs = Person.objects.filter(scope.people_q()).select_related("place", "chapter")
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if search:
        qs = qs.filter(Q(display_name__icontains=search) | Q(social_grouping__icontains=search))
    if stage:
        qs = qs.filter(stage=stage)
    if followup:
        qs = qs.filter(followup_status=followup)
    if place_id:
        qs = qs.filter(place__public_id=place_id)
    if discreet is not None:
        qs = qs.filter(discreet=discreet)
    return qs.order_by("display_name", "id")


def followups_due_for(actor: Any, *, limit: int = 20) -> QuerySet[Person]:
    """Open follow-ups the actor owns or, for organizers, that nobody owns; oldest due first."""
    scope = scope_of(actor)
    mine = Q(followup_owner=actor)
    if scope.organizer_chapters or scope.is_admin:
        mine |= Q(followup_owner__isnull=True)
    return (
        Person.objects.filter(scope.people_q())
        .filter(mine, followup_status__in=OPEN_FOLLOWUPS)
        .select_related("place", "followup_owner")
        .order_by("followup_due", "joined_at")[:limit]
    )


def new_signups_for(actor: Any, *, days: int = 14, limit: int = 20) -> QuerySet[Person]:
    since = timezone.now() - timedelta(days=days)
    return (
        Person.objects.filter(scope_of(actor).people_q(), joined_at__gte=since)
        .exclude(source="recorded")
        .select_related("place", "referral_code")
        .order_by("-joined_at")[:limit]
    )


def person_path(actor: Any, person: Person, *, limit: int = 50) -> QuerySet[Contribution]:
    """The person's path so far: what they did and what happened to them, newest first.

    The caller has already passed `access_person`, so the person is in scope.
    """
    return (
        Contribution.objects.filter(Q(person=person) | Q(subject_person=person))
        .select_related("network", "subject_network", "subject_person", "person", "event",
                        "task__playbook")
        .order_by("-occurred_at", "-id")[:limit]
    )


def followup_owners_for(actor: Any, chapter_id: int) -> QuerySet[Any]:
    """Users who can own follow-ups in a chapter: its organizers and its members with accounts."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return user_model.objects.filter(
        Q(chapter_roles__chapter_id=chapter_id) | Q(person__chapter_id=chapter_id),
        is_active=True,
    ).distinct().order_by("username")
