"""Every write about events: creating, RSVPs, check-in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.campaigns.models import Campaign
from netweave.core.access import require
from netweave.core.ledger import Kind, audit, record
from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of
from netweave.events.models import Attendance, Event
from netweave.networks.models import Network
from netweave.outreach.models import ReferralCode
from netweave.people.ladder import refresh_stage
from netweave.people.models import Person

EVENT_FIELDS = ("title", "kind", "description", "starts_at", "ends_at", "place", "location",
                "host_network", "is_public", "campaign")


def _may_create(actor: Any, chapter: Chapter, host_network: Network | None) -> bool:
    scope = scope_of(actor)
    return scope.organizes(chapter.id) or (
        host_network is not None and scope.convenes(host_network.id)
    )


def _check(chapter: Chapter, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the event a title.")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is None:
        errors["starts_at"] = _("When does it start?")
    elif ends is not None and ends <= starts:
        errors["ends_at"] = _("The end must be after the start.")
    place: Place | None = values.get("place")
    if place is not None and place.chapter_id != chapter.id:
        errors["place"] = _("That place belongs to another chapter.")
    host: Network | None = values.get("host_network")
    if host is not None and host.chapter_id != chapter.id:
        errors["host_network"] = _("That network belongs to another chapter.")
    campaign: Campaign | None = values.get("campaign")
    if campaign is not None and campaign.chapter_id != chapter.id:
        errors["campaign"] = _("That campaign belongs to another chapter.")
    if errors:
        raise ValidationError(errors)
    return {**values, "title": title}


@transaction.atomic
def event_create(*, actor: Any, chapter: Chapter, **values: Any) -> Event:
    """Create an event, with a referral code so sign-ups taken there are credited to it."""
    values = {k: v for k, v in values.items() if k in EVENT_FIELDS}
    require(_may_create(actor, chapter, values.get("host_network")))
    values = _check(chapter, values)
    event = Event.objects.create(chapter=chapter, created_by=actor, **values)
    ReferralCode.objects.create(chapter=chapter, event=event, created_by=actor,
                                label=event.title[:120])
    if event.host_network is not None:
        record(kind=Kind.EVENT_HOSTED, chapter_id=chapter.id, actor=actor,
               network=event.host_network, event=event,
               person=scope_of(actor).person if scope_of(actor).convenes(
                   event.host_network.id) else None)
    return event


@transaction.atomic
def event_update(*, actor: Any, event: Event, **values: Any) -> Event:
    require(may_run_event(actor, event))
    values = {k: v for k, v in values.items() if k in EVENT_FIELDS}
    merged = {f: getattr(event, f) for f in EVENT_FIELDS} | values
    # A convener may only hand the event to a network they also convene (or keep it): the
    # same rule as for creating it, so nobody moves an event onto someone else's network.
    require(_may_create(actor, event.chapter, merged.get("host_network")))
    merged = _check(event.chapter, merged)
    for key, value in merged.items():
        setattr(event, key, value)
    event.save()
    audit(actor=actor, action="event.update", chapter_id=event.chapter_id,
          target=event.public_id, fields=sorted(values))
    return event


def may_run_event(actor: Any, event: Event) -> bool:
    scope = scope_of(actor)
    return scope.organizes(event.chapter_id) or (
        event.host_network_id is not None and scope.convenes(event.host_network_id)
    )


@transaction.atomic
def rsvp_set(*, event: Event, person: Person, rsvp: str, actor: Any = None) -> Attendance:
    """Record an RSVP. The public event page calls this after `person_signup` found or made
    the person; a signed-in member calls it for themselves."""
    if rsvp not in {Attendance.Rsvp.YES, Attendance.Rsvp.MAYBE, Attendance.Rsvp.NO}:
        raise ValidationError({"rsvp": _("Choose going, maybe or not going.")})
    if person.chapter_id != event.chapter_id:
        raise ValidationError(_("This event belongs to another chapter."))
    if actor is not None and getattr(actor, "is_authenticated", False):
        scope = scope_of(actor)
        require(scope.organizes(event.chapter_id) or (
            scope.person is not None and scope.person.id == person.id))
    attendance, _created = Attendance.objects.get_or_create(event=event, person=person)
    first = attendance.rsvp == ""
    attendance.rsvp = rsvp
    attendance.rsvp_at = timezone.now()
    attendance.save(update_fields=["rsvp", "rsvp_at"])
    if first and rsvp == Attendance.Rsvp.YES:
        record(kind=Kind.EVENT_RSVP, chapter_id=event.chapter_id, person=person, event=event,
               network=event.host_network)
    return attendance


@transaction.atomic
def attendance_check_in(*, actor: Any, event: Event, person: Person,
                        attended: bool = True) -> Attendance:
    require(may_run_event(actor, event))
    if person.chapter_id != event.chapter_id:
        raise ValidationError(_("That person belongs to another chapter."))
    attendance, _created = Attendance.objects.get_or_create(event=event, person=person)
    if attended and not attendance.attended:
        attendance.attended = True
        attendance.checked_in_at = timezone.now()
        attendance.save(update_fields=["attended", "checked_in_at"])
        record(kind=Kind.EVENT_ATTENDED, chapter_id=event.chapter_id, actor=actor,
               person=person, event=event, network=event.host_network,
               occurred_at=min(timezone.now(), event.starts_at))
        refresh_stage(person)
    elif not attended and attendance.attended:
        # Undoing a mistaken check-in: the ledger keeps both entries, with a negative amount.
        attendance.attended = False
        attendance.checked_in_at = None
        attendance.save(update_fields=["attended", "checked_in_at"])
        record(kind=Kind.EVENT_ATTENDED, chapter_id=event.chapter_id, actor=actor,
               person=person, event=event, network=event.host_network, amount=-1)
        refresh_stage(person)
    return attendance


def rsvp_mine(*, actor: Any, event: Event, rsvp: str) -> Attendance:
    """A signed-in person answers for themselves (an account without a person cannot)."""
    person = scope_of(actor).person
    if person is None:
        raise PermissionDenied
    return rsvp_set(event=event, person=person, rsvp=rsvp, actor=actor)


@transaction.atomic
def rsvp_public(*, event: Event, rsvp: str, **signup: Any) -> Attendance:
    """Someone answers on the public page of an event, with no account.

    They are signed up through the event's code (or recognised if already known), so they are
    credited to the event; an RSVP is not arriving, so they are not counted as having come.
    """
    from netweave.people.services import person_signup

    if rsvp not in {Attendance.Rsvp.YES, Attendance.Rsvp.MAYBE, Attendance.Rsvp.NO}:
        raise ValidationError({"rsvp": _("Choose going, maybe or not going.")})
    person, created = person_signup(code=_event_code(event), arrived=False, **signup)
    attendance = rsvp_set(event=event, person=person, rsvp=rsvp)
    if created and not attendance.met_here:
        attendance.met_here = True
        attendance.save(update_fields=["met_here"])
    return attendance


def _event_code(event: Event) -> ReferralCode:
    """The event's sign-up code; events made before codes existed get one now."""
    code = (
        event.codes.select_related("chapter", "person", "network", "event", "outreach")
        .order_by("-active", "id").first()
    )
    if code is None:
        code = ReferralCode.objects.create(chapter=event.chapter, event=event,
                                           label=event.title[:120])
    return code
