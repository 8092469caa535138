"""The scope's in-memory answers agree with its row filters: Scope.sees_network(row) is
networks_q for a network already loaded, so pages that loaded the rows skip the query."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from netweave.core.scope import scope_of
from netweave.demo import build
from netweave.networks.models import Membership, Network


@pytest.fixture(scope="module")
def movement(django_db_setup, django_db_blocker):  # noqa: ANN001
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(people=90)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("movement")
def test_sees_network_agrees_with_networks_q_for_every_role_and_network() -> None:
    users = get_user_model().objects
    conveners = Membership.objects.filter(role=Membership.Role.CONVENER, left_on__isnull=True,
                                          person__user__isnull=False)
    members = Membership.objects.filter(role=Membership.Role.MEMBER, left_on__isnull=True,
                                        person__user__isnull=False)
    people = [*users.filter(is_superuser=True)[:1], *users.filter(chapter_roles__isnull=False)[:3],
              *[m.person.user for m in conveners.select_related("person__user")[:6]],
              *[m.person.user for m in members.select_related("person__user")[:6]]]
    roles = set()
    through_lineage = 0  # networks a convener sees only because theirs seeded them
    networks = list(Network.objects.all())
    for user in people:
        scope = scope_of(user)
        roles.add(scope.role)
        seen = set(Network.objects.filter(scope.networks_q()).values_list("id", flat=True))
        assert {n.id for n in networks if scope.sees_network(n)} == seen, scope.role
        through_lineage += 0 if scope.is_admin else sum(
            1 for n in networks if n.id in seen and n.chapter_id not in scope.organizer_chapters
            and n.id not in scope.member_networks)
    assert {"admin", "organizer", "convener", "member"} <= roles
    assert through_lineage > 0  # the path rule was exercised, not only chapters and members
