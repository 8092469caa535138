"""Every read about outreach and referral codes, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of
from netweave.networks.models import Network
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.people.models import Person


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
        # owner_label falls back to str(chapter) and str(outreach) (which names its place).
        .select_related("chapter", "person", "network", "event", "outreach__place")
        .annotate(signups=Count("people"))
        .order_by("-created_at")
    )


# --- Web pages -------------------------------------------------------------------------------


def outreach_chapters_for(actor: Any) -> QuerySet[Chapter]:
    """Chapters where the actor may log outreach: those they organize and their own."""
    scope = scope_of(actor)
    if scope.is_admin:
        return Chapter.objects.order_by("name")
    ids = set(scope.organizer_chapters)
    if scope.person is not None:
        ids.add(scope.person.chapter_id)
    return Chapter.objects.filter(id__in=ids).order_by("name")


def outreach_networks_for(actor: Any, chapter_ids: list[int]) -> QuerySet[Network]:
    """Networks an outreach session may be logged for: the actor's own networks, or any
    network of a chapter they organize (`outreach_log` enforces the same rule)."""
    scope = scope_of(actor)
    qs = Network.objects.filter(chapter_id__in=chapter_ids).exclude(
        status=Network.Status.DISSOLVED)
    if not scope.is_admin:
        qs = qs.filter(Q(chapter_id__in=scope.organizer_chapters)
                       | Q(id__in=scope.member_networks))
    return qs.order_by("name", "id")


def outreach_participants_for(actor: Any, chapter_ids: list[int]) -> QuerySet[Person]:
    """People who can be named as having done outreach: those in the actor's scope who have an
    account or are in a network. New contacts are left out to keep the list short."""
    scope = scope_of(actor)
    active = Q(user__isnull=False) | Q(memberships__left_on__isnull=True,
                                       memberships__isnull=False)
    me = scope.person.id if scope.person is not None else None
    return (
        Person.objects.filter(scope.people_q(), chapter_id__in=chapter_ids)
        .filter(active | Q(id=me)).distinct().order_by("display_name", "id")
    )


@dataclass
class OutreachPage:
    participants: list[Person] = field(default_factory=list)
    hidden_count: int = 0
    code: ReferralCode | None = None
    signups: int = 0


def outreach_page_for(actor: Any, session: OutreachSession) -> OutreachPage:
    """The session page for a viewer who passed `access_outreach`. Discreet participants are
    named to organizers (and themselves) only; others see how many there were."""
    scope = scope_of(actor)
    rows = list(session.participants.order_by("display_name", "id"))
    if not scope.organizes(session.chapter_id):
        me = scope.person.id if scope.person is not None else None
        shown = [p for p in rows if not p.discreet or p.id == me]
    else:
        shown = rows
    return OutreachPage(
        participants=shown, hidden_count=len(rows) - len(shown),
        code=session.codes.filter(active=True).order_by("id").first(),
        signups=Person.objects.filter(source_outreach=session).count(),
    )


def code_networks_for(actor: Any) -> QuerySet[Network]:
    """Networks whose sign-up code the actor may hand out: the ones they convene."""
    return Network.objects.filter(id__in=scope_of(actor).convened_networks).order_by("name")


@dataclass(frozen=True)
class Invitation:
    """Who invites a newcomer, as the public sign-up page may say it."""

    kind: str  # person, network, event, outreach or chapter
    name: str
    chapter: str


def invitation_for(code: ReferralCode) -> Invitation:
    """A friendly line for the sign-up page that names no one who must stay unseen: the code
    of a discreet person shows only the chapter."""
    chapter = code.chapter.name
    if code.person is not None and code.person.discreet:
        return Invitation(kind="chapter", name=chapter, chapter=chapter)
    for kind in ("person", "network", "event", "outreach"):
        if getattr(code, f"{kind}_id"):
            return Invitation(kind=kind, name=code.owner_label, chapter=chapter)
    return Invitation(kind="chapter", name=chapter, chapter=chapter)


# Workplaces (and unlabelled places) are left off the public form: a list anyone can open must
# not tell an employer where the chapter organizes.
PUBLIC_PLACE_KINDS = (Place.Kind.CITY, Place.Kind.NEIGHBOURHOOD, Place.Kind.CAMPUS,
                      Place.Kind.HIGH_SCHOOL, Place.Kind.ONLINE)


def signup_places(chapter: Chapter) -> QuerySet[Place]:
    """Places a newcomer may pick on the public sign-up form."""
    return Place.objects.filter(chapter=chapter, kind__in=PUBLIC_PLACE_KINDS).order_by("name")
