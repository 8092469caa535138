"""Every read about events, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.events.models import Attendance, Event
from netweave.events.services import may_run_event
from netweave.networks.models import Network
from netweave.outreach.models import ReferralCode
from netweave.people.models import Person


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


# --- Web pages -------------------------------------------------------------------------------


def event_chapters_for(actor: Any) -> QuerySet[Chapter]:
    """Chapters where the actor may create events: those they organize, and those of the
    networks they convene (a convener hosts events for their own network)."""
    scope = scope_of(actor)
    if scope.is_admin:
        return Chapter.objects.order_by("name")
    return Chapter.objects.filter(
        Q(id__in=scope.organizer_chapters) | Q(networks__id__in=scope.convened_networks)
    ).distinct().order_by("name")


def host_networks_for(actor: Any, chapter_ids: list[int], *,
                      keep_id: int | None = None) -> QuerySet[Network]:
    """Networks the actor may name as an event's host: any in a chapter they organize, or one
    they convene. `keep_id` keeps an event's current host listed even if it has dissolved."""
    scope = scope_of(actor)
    qs = Network.objects.filter(chapter_id__in=chapter_ids)
    if not scope.is_admin:
        qs = qs.filter(Q(chapter_id__in=scope.organizer_chapters)
                       | Q(id__in=scope.convened_networks))
    qs = qs.filter(~Q(status=Network.Status.DISSOLVED) | Q(id=keep_id))
    return qs.select_related("chapter").order_by("name", "id")


def checkin_candidates(actor: Any, event: Event, *, search: str = "") -> QuerySet[Person]:
    """People whoever runs the event may check in: the chapter's people in the actor's scope,
    and anyone who already RSVPed or came. Discreet people only for organizers (and
    themselves), as everywhere else."""
    scope = scope_of(actor)
    qs = Person.objects.filter(chapter_id=event.chapter_id)
    if not scope.is_admin:  # an admin's people_q() is Q(), "everything": OR-ing would narrow it
        attendees = Attendance.objects.filter(event=event).values("person_id")
        qs = qs.filter(scope.people_q() | Q(id__in=attendees))
    if not scope.organizes(event.chapter_id):
        me = scope.person.id if scope.person is not None else None
        qs = qs.filter(Q(discreet=False) | Q(id=me))
    if search.strip():
        qs = qs.filter(display_name__icontains=search.strip())
    return qs.order_by("display_name", "id")


@dataclass
class EventPage:
    """What the event page shows. Names of attendees only for those who run the event."""

    may_run: bool
    my_attendance: Attendance | None
    going: int = 0
    maybe: int = 0
    came: int = 0
    attendances: list[Attendance] = field(default_factory=list)
    hidden_count: int = 0
    code: ReferralCode | None = None
    # Check-in search results: (person, their attendance or None).
    matches: list[tuple[Person, Attendance | None]] = field(default_factory=list)


CHECKIN_MATCHES = 20


def event_page_for(actor: Any, event: Event, *, find: str = "") -> EventPage:
    """The event page for a viewer who passed `access_event`."""
    page = EventPage(may_run=may_run_event(actor, event), my_attendance=my_rsvp(actor, event))
    if not page.may_run:
        counts = event.attendances.aggregate(
            going=Count("id", filter=Q(rsvp=Attendance.Rsvp.YES)),
            maybe=Count("id", filter=Q(rsvp=Attendance.Rsvp.MAYBE)),
            came=Count("id", filter=Q(attended=True)),
        )
        page.going, page.maybe, page.came = counts["going"], counts["maybe"], counts["came"]
        return page
    rows = list(attendances_of(event))
    page.going = sum(1 for a in rows if a.rsvp == Attendance.Rsvp.YES)
    page.maybe = sum(1 for a in rows if a.rsvp == Attendance.Rsvp.MAYBE)
    page.came = sum(1 for a in rows if a.attended)
    scope = scope_of(actor)
    if not scope.organizes(event.chapter_id):
        me = scope.person.id if scope.person is not None else None
        shown = [a for a in rows if not a.person.discreet or a.person_id == me]
        page.hidden_count = len(rows) - len(shown)
        rows = shown
    page.attendances = rows
    page.code = event.codes.filter(active=True).order_by("id").first()
    if find.strip():
        by_person = {a.person_id: a for a in rows}
        found = checkin_candidates(actor, event, search=find)[:CHECKIN_MATCHES]
        page.matches = [(p, by_person.get(p.id)) for p in found]
    return page
