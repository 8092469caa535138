"""Small explicit fixtures for metric tests: every date is given, so results can be hand-checked."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from netweave.core.models import Chapter, Contribution
from netweave.core.testing import make_network, make_person
from netweave.networks.models import Membership, Network
from netweave.people.models import Person

K = Contribution.Kind
AS_OF = date(2025, 6, 15)


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def chapter(slug: str = "riverside") -> Chapter:
    return Chapter.objects.create(name=slug.title(), slug=slug)


def net(ch: Chapter, name: str, started: date, *, parent: Network | None = None,
        status: str = Network.Status.ACTIVE, **fields: Any) -> Network:
    return make_network(ch, name, parent=parent, status=status, started_on=started, **fields)


def person(ch: Chapter, name: str, joined: date | None = None, **fields: Any) -> Person:
    return make_person(ch, name, joined_at=at(joined or date(2024, 1, 1)), **fields)


def member(network: Network, who: Person, joined: date, *, left: date | None = None,
           role: str = Membership.Role.MEMBER) -> Membership:
    return Membership.objects.create(network=network, person=who, role=role, joined_on=joined,
                                     left_on=left)


def entry(ch: Chapter, kind: str, day: date, **fields: Any) -> Contribution:
    return Contribution.objects.create(chapter=ch, kind=kind, occurred_at=at(day), **fields)
