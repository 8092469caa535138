"""The basic loop, through the services: sign-up → follow-up → network → task → seeding."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from netweave.core.models import Contribution
from netweave.networks import services as networks
from netweave.networks.models import Membership
from netweave.networks.selectors import descendants, lineage_for
from netweave.outreach.services import code_for_person
from netweave.people import services as people
from netweave.people.models import FollowUp, Stage
from netweave.work import services as work

K = Contribution.Kind


def test_a_newcomer_travels_the_whole_loop(world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    newcomer, created = people.person_signup(
        code=code, display_name="Nadia", email="Nadia@example.org"
    )
    assert created and newcomer.brought_by == world.carol_person
    assert newcomer.followup_owner == world.carol  # whoever brought them follows them up
    people.followup_update(actor=world.alice, person=newcomer, status=FollowUp.CONTACTED)
    networks.membership_add(actor=world.alice, network=world.network, person=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.followup_status == FollowUp.IN_NETWORK
    assert newcomer.stage == Stage.ORGANIZED

    task = work.task_assign(actor=world.carol, playbook=world.playbook, person=newcomer)
    work.task_accept(actor=world.alice, task=task)
    key = world.playbook.report_fields[0]["key"]
    work.task_report(actor=world.alice, task=task, numbers={key: "3"})
    task.refresh_from_db()
    assert task.status == "reported" and task.report == {key: 3}

    child = networks.network_seed(
        actor=world.carol, parent=world.network, name="Eastside school table",
        kind=world.network.kind, seeded_by=world.carol_person,
    )
    assert child.generation == 2
    assert list(descendants(world.network)) == [child]
    world.carol_person.refresh_from_db()
    assert world.carol_person.stage == Stage.BUILDER

    kinds = set(Contribution.objects.values_list("kind", flat=True))
    assert {K.SIGNED_UP, K.BROUGHT_IN, K.FOLLOWED_UP, K.NETWORK_JOINED, K.TASK_DONE,
            K.NETWORK_SEEDED, K.NETWORK_CONVENED} <= kinds


def test_a_second_signup_with_the_same_email_is_recognised_not_doubled(world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    first, _ = people.person_signup(code=code, display_name="Nadia", email="nadia@example.org")
    again, created = people.person_signup(
        code=code, display_name="N.", email=" NADIA@example.org ", phone="+1 555 0100"
    )
    assert not created and again.pk == first.pk
    assert again.channels.count() == 2


def test_the_ledger_cannot_be_changed_or_deleted(world):
    entry = Contribution.objects.create(chapter=world.chapter, kind=K.OUTREACH)
    entry.amount = 5
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        Contribution.objects.all().update(amount=2)


def test_it_refuses_a_member_adding_people_to_their_network(world):
    with pytest.raises(PermissionDenied):
        networks.membership_add(actor=world.bob, network=world.network, person=world.erin)


def test_it_refuses_an_organizer_of_another_chapter(world):
    with pytest.raises(PermissionDenied):
        networks.membership_add(actor=world.charlie, network=world.network, person=world.erin)


def test_a_person_cannot_join_a_network_twice(world):
    with pytest.raises(ValidationError):
        networks.membership_add(actor=world.alice, network=world.network, person=world.bob_person)
    assert Membership.objects.filter(network=world.network, person=world.bob_person).count() == 1


def test_the_lineage_blanks_names_the_viewer_may_not_see(world):
    child = networks.network_seed(actor=world.carol, parent=world.network, name="Child",
                                  kind=world.network.kind)
    grandchild = networks.network_seed(actor=world.carol, parent=child, name="Grandchild",
                                       kind=world.network.kind, seeded_by=world.erin,
                                       convener=world.erin)
    tree = lineage_for(world.bob, grandchild)  # bob is only in the root network
    root = tree[0]
    assert root.visible and root.name == "Eastside distribution"
    hidden_child = root.children[0]
    assert not hidden_child.visible and hidden_child.name == ""
    assert hidden_child.children[0].name == ""  # the shape stays, the names go
