"""Where a person stands on the ladder, derived from the ledger and their memberships.

contact → participant (did something) → contributor (keeps doing things) → organized (in an
active network) → convener → builder (convened a network that seeded another).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from netweave.core.models import Contribution
from netweave.people.models import Person, Stage

K = Contribution.Kind
# Things a person did themselves (not things done to them, like being signed up).
ACTIONS = [
    K.TASK_DONE, K.EVENT_ATTENDED, K.EVENT_HOSTED, K.OUTREACH, K.BROUGHT_IN,
    K.NETWORK_SEEDED, K.NETWORK_FORMED,
]
# Chapter settings will own these thresholds; these are the defaults.
CONTRIBUTOR_ACTIONS = 3
CONTRIBUTOR_WINDOW_DAYS = 90


def stage_of(person: Person) -> str:
    from netweave.networks.models import Membership, Network

    current = Membership.objects.filter(person=person, left_on__isnull=True)
    convened = Membership.objects.filter(person=person, role=Membership.Role.CONVENER)
    if Network.objects.filter(seeded_from__in=convened.values("network_id")).exists():
        return Stage.BUILDER
    if current.filter(role=Membership.Role.CONVENER).exists():
        return Stage.CONVENER
    if current.filter(network__status=Network.Status.ACTIVE).exists():
        return Stage.ORGANIZED
    actions = Contribution.objects.filter(person=person, kind__in=ACTIONS)
    since = timezone.now() - timedelta(days=CONTRIBUTOR_WINDOW_DAYS)
    if actions.filter(occurred_at__gte=since).count() >= CONTRIBUTOR_ACTIONS:
        return Stage.CONTRIBUTOR
    if actions.exists():
        return Stage.PARTICIPANT
    return Stage.CONTACT


def refresh_stage(person: Person | None) -> None:
    if person is None:
        return
    stage = stage_of(person)
    if stage != person.stage:
        person.stage = stage
        Person.objects.filter(pk=person.pk).update(stage=stage)
