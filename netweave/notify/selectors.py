"""What is due to be sent: the reads behind each job.

These are the system's own reads (a background job acts for the installation, not for a
user), so they do not start from `scope_of(actor)`. Each one keeps to what its recipient may
see anyway: a member's digest holds their own tasks and their own networks' counts and events;
a task reminder goes to the task's person or its network's conveners; an event reminder to
those who RSVPed; a follow-up reminder to the owner of those follow-ups. Names of other
people appear only in follow-up reminders, to their owner, and never a discreet person's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.core.scope import scope_of
from netweave.events.models import Attendance, Event
from netweave.networks.models import Membership, Network
from netweave.notify.models import Mute, Notification, Reason
from netweave.notify.recipients import Recipient, recipient_for_person, recipient_for_user
from netweave.people.contacts import channel_choices_for
from netweave.people.models import FollowUp, Person
from netweave.people.selectors import followup_reminders_due as people_followups_due
from netweave.work.models import Task

OPEN_TASKS = [Task.Status.OFFERED, Task.Status.ACCEPTED]
LIVE_NETWORKS = [Network.Status.FORMING, Network.Status.ACTIVE, Network.Status.DORMANT]
Kind = Contribution.Kind
# Follow-up owners are reminded when something new fell due, else at most once a week.
FOLLOWUP_NUDGE_DAYS = 7
# Members planned together: keeps each `IN (...)` list well under SQLite's variable limit.
DIGEST_CHUNK = 2000
# Names listed in one follow-up reminder; the rest are counted.
FOLLOWUP_NAMES = 10


@dataclass(frozen=True)
class Planned:
    """One message that is due: to whom, why, and what goes in it (rendered in compose.py)."""

    reason: str
    dedupe_key: str
    recipient: Recipient
    day: date  # the day the job ran for
    context: dict[str, Any] = field(default_factory=dict)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the site's time zone."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def _recipients(people: list[Person], reason: str) -> dict[int, Recipient]:
    """The reachable people among `people`, less those who muted this kind of message."""
    ids = {p.pk for p in people}
    choices = channel_choices_for(ids)
    muted = set(Mute.objects.filter(reason=reason, person_id__in=ids)
                .values_list("person_id", flat=True))
    found = {}
    for person in people:
        if person.pk in muted:
            continue
        recipient = recipient_for_person(person, choices.get(person.pk, []))
        if recipient is not None:
            found[person.pk] = recipient
    return found


# --- Weekly digest ----------------------------------------------------------------------------
@dataclass
class NetworkNews:
    name: str
    tasks_done: int = 0
    new_members: int = 0
    attended: int = 0
    events: list[Event] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.tasks_done or self.new_members or self.attended or self.events)


def digest_week(today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def digests_due(today: date) -> list[Planned]:
    """A digest for each member (a current member of a live network, or someone with open
    tasks of their own) who can be reached: their open tasks and their networks' week."""
    people = list(
        Person.objects.filter(
            Q(memberships__left_on__isnull=True, memberships__network__status__in=LIVE_NETWORKS)
            | Q(tasks__status__in=OPEN_TASKS)
        )
        .exclude(followup_status=FollowUp.DO_NOT_CONTACT)
        .select_related("user").distinct().order_by("id")
    )
    planned = []
    for start in range(0, len(people), DIGEST_CHUNK):
        planned += _digests(people[start:start + DIGEST_CHUNK], today)
    return planned


def _digests(people: list[Person], today: date) -> list[Planned]:
    recipients = _recipients(people, Reason.DIGEST)
    ids = list(recipients)
    tasks = _open_tasks_by_person(ids)
    networks = _networks_by_person(ids)
    news = _network_news({n for ns in networks.values() for n in ns}, today)
    week = digest_week(today)
    planned = []
    for person_id, recipient in recipients.items():
        mine = [news[n] for n in networks.get(person_id, []) if not news[n].is_empty]
        if not tasks.get(person_id) and not mine:
            continue  # nothing to say: no mail
        planned.append(Planned(
            Reason.DIGEST, f"digest:{person_id}:{week}", recipient, today,
            {"tasks": tasks.get(person_id, []), "networks": mine, "week_start":
             today - timedelta(days=6), "today": today},
        ))
    return planned


def _open_tasks_by_person(person_ids: list[int]) -> dict[int, list[Task]]:
    tasks: dict[int, list[Task]] = defaultdict(list)
    rows = (Task.objects.filter(person_id__in=person_ids, status__in=OPEN_TASKS)
            .select_related("playbook").order_by("due_on", "id"))
    for task in rows:
        assert task.person_id is not None
        tasks[task.person_id].append(task)
    return tasks


def _networks_by_person(person_ids: list[int]) -> dict[int, list[int]]:
    networks: dict[int, list[int]] = defaultdict(list)
    rows = (Membership.objects.filter(person_id__in=person_ids, left_on__isnull=True,
                                      network__status__in=LIVE_NETWORKS)
            .order_by("network__name").values_list("person_id", "network_id"))
    for person_id, network_id in rows:
        networks[person_id].append(network_id)
    return networks


def _network_news(network_ids: set[int], today: date) -> dict[int, NetworkNews]:
    """This week's news of each network, from the ledger: counts only, no names."""
    news = {n.pk: NetworkNews(n.name) for n in Network.objects.filter(pk__in=network_ids)}
    start, end = day_bounds(today - timedelta(days=6), today)
    totals = (
        Contribution.objects.filter(network_id__in=network_ids, occurred_at__gte=start,
                                    occurred_at__lt=end,
                                    kind__in=[Kind.TASK_DONE, Kind.NETWORK_JOINED,
                                              Kind.NETWORK_CONVENED, Kind.EVENT_ATTENDED])
        .values("network_id", "kind").annotate(total=Sum("amount")).order_by()
    )
    for row in totals:
        item = news[row["network_id"]]
        if row["kind"] == Kind.TASK_DONE:
            item.tasks_done += row["total"]
        elif row["kind"] == Kind.EVENT_ATTENDED:
            item.attended += row["total"]
        else:
            item.new_members += row["total"]
    soon_start, soon_end = day_bounds(today, today + timedelta(days=7))
    for event in Event.objects.filter(host_network_id__in=network_ids,
                                      starts_at__gte=soon_start,
                                      starts_at__lt=soon_end).order_by("starts_at"):
        assert event.host_network_id is not None
        news[event.host_network_id].events.append(event)
    return news


# --- Reminders before tasks are due -------------------------------------------------------
def task_reminders_due(today: date) -> list[Planned]:
    """Open tasks due within NETWEAVE_TASK_REMINDER_DAYS (today included): to the task's
    person, or to the conveners of the network it was given to. A day the worker missed is
    caught up the next day, as long as the task is not yet due."""
    last = today + timedelta(days=settings.NETWEAVE_TASK_REMINDER_DAYS)
    tasks = list(
        Task.objects.filter(status__in=OPEN_TASKS, due_on__gte=today, due_on__lte=last)
        .select_related("playbook", "person__user", "network").order_by("due_on", "id")
    )
    conveners = _conveners([t.network_id for t in tasks if t.person_id is None and t.network_id])
    people = {p.pk: p for t in tasks for p in ([t.person] if t.person else
                                                conveners.get(t.network_id or 0, []))}
    recipients = _recipients(list(people.values()), Reason.TASK_DUE)
    planned = []
    for task in tasks:
        assert task.due_on is not None  # filtered on above
        owners = [task.person] if task.person else conveners.get(task.network_id or 0, [])
        for person in owners:
            recipient = recipients.get(person.pk)
            if recipient is None:
                continue
            key = f"task_due:{task.pk}:{task.due_on}:{person.pk}"
            planned.append(Planned(Reason.TASK_DUE, key, recipient, today,
                                   {"task": task, "days_left": (task.due_on - today).days}))
    return planned


def _conveners(network_ids: list[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = defaultdict(list)
    rows = (Membership.objects.filter(network_id__in=network_ids, left_on__isnull=True,
                                      role=Membership.Role.CONVENER)
            .select_related("person__user"))
    for membership in rows:
        found[membership.network_id].append(membership.person)
    return found


# --- Reminders before events --------------------------------------------------------------
def event_reminders_due(now: datetime) -> list[Planned]:
    """Events starting from now until the end of the day NETWEAVE_EVENT_REMINDER_DAYS ahead,
    to everyone who answered yes or maybe."""
    today = timezone.localdate(now)
    _start, end = day_bounds(today, today + timedelta(days=settings.NETWEAVE_EVENT_REMINDER_DAYS))
    rows = list(
        Attendance.objects.filter(
            rsvp__in=[Attendance.Rsvp.YES, Attendance.Rsvp.MAYBE],
            event__starts_at__gte=now, event__starts_at__lt=end,
        ).select_related("event__place", "person__user").order_by("event__starts_at", "id")
    )
    recipients = _recipients([a.person for a in rows], Reason.EVENT_SOON)
    planned = []
    for attendance in rows:
        recipient = recipients.get(attendance.person_id)
        if recipient is None:
            continue
        event = attendance.event
        key = f"event_soon:{event.pk}:{attendance.person_id}:{event.starts_at:%Y-%m-%dT%H:%M}"
        planned.append(Planned(Reason.EVENT_SOON, key, recipient, today,
                               {"event": event, "rsvp": attendance.rsvp}))
    return planned


# --- Follow-up reminders for owners -----------------------------------------------------------
def followup_reminders_due(today: date) -> list[Planned]:
    """One message to each owner of open follow-ups due today or overdue, when one fell due
    since their last reminder, or once a week while they stay overdue."""
    due = people_followups_due(today)  # [(owner, [people, oldest due first])]
    owner_ids = [owner.pk for owner, _people in due]
    last_sent = dict(
        Notification.objects.filter(reason=Reason.FOLLOWUP, status=Notification.Status.SENT,
                                    user_id__in=owner_ids)
        .values("user_id").annotate(last=Max("day")).values_list("user_id", "last")
    )
    owner_people = {p.user_id: p for p in Person.objects.filter(user_id__in=owner_ids)}
    choices = channel_choices_for(p.pk for p in owner_people.values())
    mutes = Mute.objects.filter(reason=Reason.FOLLOWUP)
    muted = set(mutes.filter(person__user_id__in=owner_ids).values_list("person__user_id",
                                                                        flat=True))
    muted |= set(mutes.filter(person__isnull=True, user_id__in=owner_ids)
                 .values_list("user_id", flat=True))
    planned = []
    for owner, people in due:
        if owner.pk in muted or not _nudge_now(people, last_sent.get(owner.pk), today):
            continue
        person = owner_people.get(owner.pk)
        recipient = recipient_for_user(owner, person,
                                       choices.get(person.pk, []) if person else [])
        if recipient is None:
            continue
        shown = [p for p in people if not p.discreet]
        planned.append(Planned(Reason.FOLLOWUP, f"followup:{owner.pk}:{today}", recipient,
                               today, {
            "count": len(people),
            "overdue": sum(1 for p in people if p.followup_due and p.followup_due < today),
            "names": [p.display_name for p in shown[:FOLLOWUP_NAMES]],
            "unnamed": len(people) - min(len(shown), FOLLOWUP_NAMES),
        }))
    return planned


def _nudge_now(people: list[Person], last_day: date | None, today: date) -> bool:
    if last_day is None:
        return True
    if any(p.followup_due and p.followup_due > last_day for p in people):
        return True  # something fell due since the last reminder
    return (today - last_day).days >= FOLLOWUP_NUDGE_DAYS


# --- For the person's own settings page ---------------------------------------------------
def mutes_for(actor: Any) -> set[str]:
    """The kinds of message the actor turned off (on their person, else their account)."""
    person = scope_of(actor).person
    rows = (Mute.objects.filter(person=person) if person is not None
            else Mute.objects.filter(person__isnull=True, user=actor))
    return set(rows.values_list("reason", flat=True))


def notifications_for(actor: Any, *, limit: int = 20) -> list[Notification]:
    """The latest messages sent to the actor themselves (their person or their account)."""
    person = scope_of(actor).person
    mine = Q(user=actor) | (Q(person=person) if person is not None else Q(pk__in=[]))
    return list(Notification.objects.filter(mine).order_by("-created_at", "-id")[:limit])
