"""The demo's learning (netweave/demo/learning.py): consistent with the ledger and the ladder."""

from __future__ import annotations

import pytest
from django.utils import timezone

from netweave.core.models import Chapter, Contribution
from netweave.demo import build
from netweave.learning.models import DiscussionSession, Engagement, Resource
from netweave.people.ladder import stage_of
from netweave.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_has_learning_that_the_ledger_and_the_ladder_agree_with():
    build(people=60)
    assert Resource.objects.count() == 5 * Chapter.objects.count()
    engagements = Engagement.objects.all()
    assert engagements.exists() and DiscussionSession.objects.exists()
    # One ledger entry per engagement, each a session's "discussed" with its attendance.
    ledger = Contribution.objects.filter(kind=Contribution.Kind.RESOURCE_ENGAGED)
    assert ledger.count() == engagements.count()
    assert not ledger.filter(occurred_at__gt=timezone.now()).exists()
    assert not engagements.filter(occurred_on__gt=timezone.localdate()).exists()
    for session in DiscussionSession.objects.all():
        e = Engagement.objects.get(session=session)
        assert (e.how, e.people, e.network_id) == ("discussed", session.attendance,
                                                  session.network_id)
    # "Shared" and "showed" say with how many; nobody engages in a network they are not in.
    assert not engagements.filter(how__in=["shared", "showed"], people__isnull=True).exists()
    for e in engagements.filter(network__isnull=False, person__isnull=False):
        assert e.person.memberships.filter(network_id=e.network_id).exists()
    for person in Person.objects.filter(engagements__isnull=False).distinct():
        assert stage_of(person) == person.stage
