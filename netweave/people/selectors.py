"""Every read about people, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.core.scope import may_read_contacts, scope_of
from netweave.people.models import ContactChannel, FollowUp, Person

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
        .order_by(F("followup_due").asc(nulls_last=True), "joined_at")[:limit]
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


@dataclass
class PersonPage:
    """What one viewer may see and do on a person's page.

    `detail` is for those trusted with the person (organizers, the person, the conveners of a
    network they are in, their follow-up owner); everyone else who may see them at all (fellow
    members) gets their name and the networks they share, as the access rules say.
    """

    person: Person
    detail: bool
    organizer: bool  # the viewer organizes the person's chapter
    may_edit: bool
    may_follow_up: bool
    may_read_contacts: bool
    may_invite: bool
    memberships: list[Any] = field(default_factory=list)
    open_tasks: list[Any] = field(default_factory=list)
    path: list[Contribution] = field(default_factory=list)
    # Which kinds of channel are on file (labels), read without touching any value.
    channel_labels: list[Any] = field(default_factory=list)


def person_page_for(actor: Any, person: Person) -> PersonPage:
    """The person page for `actor`, who has already passed `access_person`."""
    from netweave.networks.models import Membership, Network
    from netweave.people.contacts import channel_kinds
    from netweave.people.services import may_follow_up, may_invite
    from netweave.work.selectors import tasks_for

    scope = scope_of(actor)
    is_self = scope.person is not None and scope.person.id == person.id
    reads_contacts = may_read_contacts(scope, person)
    follows_up = may_follow_up(scope, person)
    page = PersonPage(
        person=person,
        detail=reads_contacts or follows_up,
        organizer=scope.organizes(person.chapter_id),
        may_edit=scope.organizes(person.chapter_id) or is_self,
        may_follow_up=follows_up,
        may_read_contacts=reads_contacts,
        may_invite=may_invite(scope, person),
    )
    # Only the networks the viewer may see: a fellow member learns nothing of the others.
    page.memberships = list(
        Membership.objects.filter(
            person=person, left_on__isnull=True,
            network__in=Network.objects.filter(scope.networks_q()),
        ).select_related("network__kind").order_by("network__name")
    )
    if page.detail:
        page.open_tasks = list(tasks_for(actor, open_only=True, person=person)[:20])
        page.path = list(person_path(actor, person))
        kinds = sorted(set(channel_kinds(person)))
        page.channel_labels = [ContactChannel.Kind(kind).label for kind in kinds]
    return page
