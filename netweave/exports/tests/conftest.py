"""A small world for exports: the shared alice/bob/carol world plus what exports must handle.

Riverside, beside the shared world:
- Dina, a discreet member of "Eastside distribution", with a task and a ledger entry;
- Gus, forgotten (people/privacy.py), once a member of "Eastside distribution";
- "Eastside youth", seeded from "Eastside distribution" by Carol, with Finn as its member, and
  "Eastside school table" seeded from it by Finn;
- Bob has an email address, a task and a ledger entry; a person named like a formula;
- events: a public film night hosted by "Eastside distribution", a private discussion of
  "Campus discussion" at a member's home, and Hilltop's public table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from netweave.core.ledger import record
from netweave.core.models import Contribution
from netweave.core.testing import World, join, make_network, make_person
from netweave.events.models import Event
from netweave.networks.models import Network
from netweave.people.contacts import channel_add
from netweave.people.models import Person
from netweave.work.models import Task


@dataclass
class ExportWorld:
    w: World
    dina: Person
    gus: Person
    finn: Person
    sly: Person
    youth: Network
    school: Network
    film: Event
    private_talk: Event
    hill_table: Event
    bob_task: Task
    dina_task: Task


def _task(w: World, person: Person) -> Task:
    return Task.objects.create(chapter=w.chapter, playbook=w.playbook, person=person,
                               assigned_by=w.alice, due_on=timezone.localdate())


@pytest.fixture
def ew(world: World) -> ExportWorld:
    w = world
    now = timezone.now()
    dina = make_person(w.chapter, "Dina", discreet=True)
    join(w.network, dina)
    gus = make_person(w.chapter, "Gus")
    join(w.network, gus)
    Person.objects.filter(pk=gus.pk).update(forgotten_at=now, display_name="(forgotten)")
    finn = make_person(w.chapter, "Finn", place=w.place)
    sly = make_person(w.chapter, "=HYPERLINK(\"http://evil\")", social_grouping="@cmd")
    youth = make_network(w.chapter, "Eastside youth", parent=w.network, seeded_by=w.carol_person)
    join(youth, finn, "convener")
    school = make_network(w.chapter, "Eastside school table", parent=youth, seeded_by=finn)
    channel_add(person=w.bob_person, kind="email", value="bob@example.org")
    film = Event.objects.create(chapter=w.chapter, title="Film night", kind="showing",
                                starts_at=now + timedelta(days=3), host_network=w.network,
                                location="Library hall", is_public=True,
                                description="Bring a friend.")
    private_talk = Event.objects.create(
        chapter=w.chapter, title="Reading circle", kind="discussion",
        starts_at=now + timedelta(days=5), host_network=w.other_network,
        location="Dave's flat, 4th floor", is_public=False)
    hill_table = Event.objects.create(chapter=w.other_chapter, title="Hilltop table",
                                      kind="table", starts_at=now + timedelta(days=2),
                                      is_public=True)
    bob_task = _task(w, w.bob_person)
    dina_task = _task(w, dina)
    kind = Contribution.Kind
    record(kind=kind.TASK_DONE, chapter_id=w.chapter.pk, person=w.bob_person,
           network=w.network, task=bob_task, occurred_at=now - timedelta(days=2))
    record(kind=kind.TASK_DONE, chapter_id=w.chapter.pk, person=dina, network=w.network,
           task=dina_task, occurred_at=now - timedelta(days=1))
    record(kind=kind.NETWORK_JOINED, chapter_id=w.other_chapter.pk, person=w.hilltop_person,
           network=w.hilltop_network, occurred_at=now - timedelta(days=1))
    return ExportWorld(w, dina, gus, finn, sly, youth, school, film, private_talk, hill_table,
                       bob_task, dina_task)


def rows_of(export: Any) -> list[dict[str, Any]]:
    return [dict(zip(export.headers, row, strict=True)) for row in export.rows()]
