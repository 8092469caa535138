"""Hand-made fixtures for the notify tests, on top of core.testing's world."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from netweave.core.testing import World
from netweave.events.models import Attendance, Event
from netweave.people.contacts import channel_add
from netweave.people.models import Person
from netweave.work.models import Task

TODAY = date(2026, 3, 2)  # a Monday, the default digest day


def email(person: Person, value: str | None = None, *, preferred: bool = False) -> None:
    default = person.display_name.replace(" ", ".") + "@example.org"
    channel_add(person=person, kind="email", value=value or default, preferred=preferred)


def phone(person: Person, value: str = "+15550001234", *, preferred: bool = False) -> None:
    channel_add(person=person, kind="phone", value=value, preferred=preferred)


def task_for(world: World, *, person: Person | None = None, network: Any = None,
             due_on: date | None = None, status: str = Task.Status.ACCEPTED) -> Task:
    return Task.objects.create(chapter=world.chapter, playbook=world.playbook, person=person,
                               network=network, due_on=due_on, status=status)


def at(day: date, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def event_with_rsvp(world: World, person: Person, *, starts_at: datetime,
                    rsvp: str = Attendance.Rsvp.YES, title: str = "Film night") -> Event:
    event = Event.objects.create(chapter=world.chapter, title=title, starts_at=starts_at,
                                 host_network=world.network)
    Attendance.objects.create(event=event, person=person, rsvp=rsvp, rsvp_at=starts_at
                              - timedelta(days=3))
    return event
