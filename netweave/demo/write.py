"""Inserting a planned demo movement: bulk inserts in dependency order, then derived fields.

Bulk inserts skip `save()`, so what services would have done on save is done here: lineage paths
(which need the ids), last activity (from the ledger) and each person's stage (from the ladder).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from netweave.core.ledger import audit
from netweave.core.models import Chapter, ChapterRole, Contribution, Place
from netweave.demo.plan import Plan, User
from netweave.events.models import Attendance, Event
from netweave.metrics import activity
from netweave.networks.models import Membership, Network, NetworkLink
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.people import contacts
from netweave.people.ladder import refresh_stage
from netweave.people.models import Person
from netweave.work.models import Task

BATCH = 500
SOURCE_FIELDS = ["referral_code", "brought_by", "source_network", "source_event",
                 "source_outreach"]


@transaction.atomic
def write(plan: Plan, password: str) -> None:
    hashed = make_password(password)  # hashed once: every demo login shares it
    for user in plan.users:
        user.password = hashed
    User.objects.bulk_create(plan.users)
    Chapter.objects.bulk_create([cp.row for cp in plan.chapters])
    ChapterRole.objects.bulk_create(plan.roles)
    Place.objects.bulk_create([p for p in plan.places if p.parent is None])
    Place.objects.bulk_create([p for p in plan.places if p.parent is not None])
    Person.objects.bulk_create(plan.people, batch_size=BATCH)
    contacts.channels_bulk_add(plan.channels)
    _networks(plan)
    Membership.objects.bulk_create(plan.memberships, batch_size=BATCH)
    NetworkLink.objects.bulk_create([_ordered(link) for link in plan.links])
    Event.objects.bulk_create(plan.events, batch_size=BATCH)
    OutreachSession.objects.bulk_create(plan.sessions, batch_size=BATCH)
    through: Any = OutreachSession.participants.through
    through.objects.bulk_create(
        [through(outreachsession=s, person=p) for s, p in plan.participants], batch_size=BATCH
    )
    ReferralCode.objects.bulk_create(plan.codes, batch_size=BATCH)
    _sources(plan)
    Attendance.objects.bulk_create(plan.attendances, batch_size=BATCH)
    Task.objects.bulk_create(plan.tasks, batch_size=BATCH)
    Contribution.objects.bulk_create(plan.entries, batch_size=BATCH)
    activity.rebuild()  # bulk_create bypasses the signals that keep the ledger's indexes
    _last_activity(plan)
    for person in plan.people:
        refresh_stage(person)
    audit(actor=None, action="demo.load", target=f"seed {plan.seed}",
          people=len(plan.people), networks=len(plan.nets))


def _networks(plan: Plan) -> None:
    """Generation by generation, so each network's parent has its id when it is inserted;
    then the paths, which need every id on the way down."""
    nets = sorted(plan.nets, key=lambda n: n.row.generation)
    for _generation, group in groupby(nets, key=lambda n: n.row.generation):
        Network.objects.bulk_create([n.row for n in group], batch_size=BATCH)
    for net in nets:
        above = net.parent.row.path if net.parent else ""
        net.row.path = above + Network.segment(net.row.pk)
    Network.objects.bulk_update([n.row for n in nets], ["path"], batch_size=BATCH)


def _ordered(link: NetworkLink) -> NetworkLink:
    """Links are stored once per pair, lower id first; ids exist only now."""
    if link.from_network.pk > link.to_network.pk:
        link.from_network, link.to_network = link.to_network, link.from_network
    return link


def _sources(plan: Plan) -> None:
    """How each person came in points at codes, networks and events inserted after them."""
    came = []
    for person in plan.people:
        source = plan.sources.get(id(person))
        if source:
            for field, value in source.items():
                setattr(person, field, value)
            came.append(person)
    Person.objects.bulk_update(came, SOURCE_FIELDS, batch_size=BATCH)


def _last_activity(plan: Plan) -> None:
    """What `core.ledger.record` keeps current: the latest entry naming a person or network."""
    latest: dict[int, Any] = {}
    for entry in plan.entries:
        for row in (entry.person, entry.network):
            if row is not None and (id(row) not in latest
                                    or latest[id(row)][1] < entry.occurred_at):
                latest[id(row)] = (row, entry.occurred_at)
    people: list[Person] = []
    networks: list[Network] = []
    for row, when in latest.values():
        row.last_activity_at = when
        (people if isinstance(row, Person) else networks).append(row)
    Person.objects.bulk_update(people, ["last_activity_at"], batch_size=BATCH)
    Network.objects.bulk_update(networks, ["last_activity_at"], batch_size=BATCH)
