"""No-login links: made by those who run the work, used once from a phone with no account,
written through the usual services; expired, tampered and reused links change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from netweave.core.models import AuditEntry, Contribution
from netweave.core.testing import join
from netweave.networks.models import Membership, Network
from netweave.people import links
from netweave.people.models import ActionLink
from netweave.work.models import Task
from netweave.work.services import task_assign


def use_url(token):
    return reverse("action_link", kwargs={"token": token})


@pytest.fixture
def erin_task(world):
    """A task given to erin, who has no account, by alice."""
    join(world.network, world.erin)
    return task_assign(actor=world.alice, playbook=world.playbook, person=world.erin)


@pytest.fixture
def network_task(world):
    return task_assign(actor=world.carol, playbook=world.playbook, network=world.network)


def counts():
    return (Contribution.objects.count(), Task.objects.filter(status="reported").count(),
            Network.objects.count(), Membership.objects.count())


# --- making links -----------------------------------------------------------------------------


def test_an_organizer_makes_a_report_link_and_only_its_hash_is_stored(world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    link = ActionLink.objects.get()
    assert token not in link.token_hash and len(token) >= 32
    assert link.person == world.erin and link.task == erin_task
    assert link.expires_at > timezone.now() + timedelta(days=13)
    assert AuditEntry.objects.filter(action="link.create").exists()


def test_the_convener_of_the_persons_network_makes_one_but_a_member_does_not(world, erin_task):
    links.link_for_task(actor=world.carol, task=erin_task)
    for user in (world.bob, world.dave, world.charlie):
        with pytest.raises(PermissionDenied):
            links.link_for_task(actor=user, task=erin_task)


def test_a_network_task_link_is_for_one_of_its_members(world, network_task):
    with pytest.raises(ValidationError):
        links.link_for_task(actor=world.carol, task=network_task)
    with pytest.raises(ValidationError):
        links.link_for_task(actor=world.carol, task=network_task, person=world.dave_person)
    links.link_for_task(actor=world.carol, task=network_task, person=world.bob_person)


def test_a_closed_task_gets_no_link(world, erin_task):
    Task.objects.filter(pk=erin_task.pk).update(status="dropped")
    erin_task.refresh_from_db()
    with pytest.raises(ValidationError):
        links.link_for_task(actor=world.alice, task=erin_task)


def test_a_seed_link_is_made_by_whoever_runs_the_network_for_a_member(world):
    links.link_for_seed(actor=world.carol, network=world.network, person=world.bob_person)
    with pytest.raises(PermissionDenied):
        links.link_for_seed(actor=world.bob, network=world.network, person=world.bob_person)
    with pytest.raises(PermissionDenied):
        links.link_for_seed(actor=world.dave, network=world.network, person=world.bob_person)
    with pytest.raises(ValidationError):
        links.link_for_seed(actor=world.carol, network=world.network, person=world.erin)


def test_the_link_lifetime_is_the_chapters_setting(world, erin_task):
    from netweave.people.services import chapter_settings_update

    chapter_settings_update(actor=world.alice, chapter=world.chapter, link_days=2)
    links.link_for_task(actor=world.alice, task=erin_task)
    assert ActionLink.objects.get().expires_at < timezone.now() + timedelta(days=2, minutes=1)


# --- using them, with no account -------------------------------------------------------------


def test_someone_without_an_account_reports_back_through_the_link(client, world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    page = client.get(use_url(token))
    assert page.status_code == 200 and b"Erin" in page.content
    key = world.playbook.report_fields[0]["key"]
    done = client.post(use_url(token), {key: "12", "report_note": "Went well"})
    assert done.status_code == 200 and done["Referrer-Policy"] == "no-referrer"
    erin_task.refresh_from_db()
    assert erin_task.status == "reported" and erin_task.report == {key: 12}
    entry = Contribution.objects.get(kind="task_done")
    assert entry.person == world.erin and entry.recorded_by == world.alice  # the link's maker
    assert ActionLink.objects.get().used_at is not None
    assert AuditEntry.objects.filter(action="link.use").exists()


def test_a_person_with_an_account_reports_as_themselves(client, world, network_task):
    token = links.link_for_task(actor=world.carol, task=network_task, person=world.bob_person)
    client.post(use_url(token), {})
    entry = Contribution.objects.get(kind="task_done")
    assert entry.person == world.bob_person and entry.recorded_by == world.bob


def test_a_network_task_reported_through_a_link_credits_its_member_not_its_maker(client, world,
                                                                                 network_task):
    join(world.network, world.erin)  # a member with no account
    token = links.link_for_task(actor=world.carol, task=network_task, person=world.erin)
    client.post(use_url(token), {"report_note": "done"})
    entry = Contribution.objects.get(kind="task_done")
    assert entry.person == world.erin and entry.recorded_by == world.carol
    assert entry.network == world.network


def test_crediting_someone_else_is_for_those_who_run_the_network_and_only_its_members(
        world, network_task):
    from netweave.work.services import task_report

    join(world.network, world.erin)
    with pytest.raises(PermissionDenied):  # a member speaks for themselves only
        task_report(actor=world.bob, task=network_task, numbers={}, for_person=world.erin)
    with pytest.raises(ValidationError):  # not a member of the task's network
        task_report(actor=world.carol, task=network_task, numbers={},
                    for_person=world.dave_person)
    assert not Contribution.objects.filter(kind="task_done").exists()
    network_task.refresh_from_db()
    assert network_task.status == "offered"
    task_report(actor=world.bob, task=network_task, numbers={}, for_person=world.bob_person)
    assert Contribution.objects.get(kind="task_done").person == world.bob_person


def test_a_persons_task_is_credited_to_them_whoever_is_named(world, erin_task):
    from netweave.work.services import task_report

    with pytest.raises(ValidationError):
        task_report(actor=world.alice, task=erin_task, numbers={}, for_person=world.bob_person)
    task_report(actor=world.alice, task=erin_task, numbers={}, for_person=world.erin)
    assert Contribution.objects.get(kind="task_done").person == world.erin


def test_a_member_records_the_network_they_seeded_through_the_link(client, world):
    token = links.link_for_seed(actor=world.carol, network=world.network, person=world.bob_person)
    kind = world.network.kind
    done = client.post(use_url(token), {"name": "Cafeteria table", "kind": kind.pk,
                                        "place": world.place.public_id})
    assert done.status_code == 200
    child = Network.objects.get(name="Cafeteria table")
    assert child.seeded_from == world.network and child.seeded_by == world.bob_person
    assert child.memberships.get().person == world.bob_person  # they convene it
    assert ActionLink.objects.get().result == child.public_id


def test_someone_without_an_account_records_a_seeded_network(client, world):
    join(world.network, world.erin)
    token = links.link_for_seed(actor=world.alice, network=world.network, person=world.erin)
    client.post(use_url(token), {"name": "Erin's circle", "kind": world.network.kind.pk})
    child = Network.objects.get(name="Erin's circle")
    assert child.seeded_by == world.erin
    assert Contribution.objects.get(kind="network_seeded").person == world.erin


def test_bad_input_keeps_what_was_typed_and_leaves_the_link_unused(client, world):
    token = links.link_for_seed(actor=world.carol, network=world.network, person=world.bob_person)
    response = client.post(use_url(token), {"name": "", "kind": world.network.kind.pk,
                                            "description": "We meet Fridays"})
    assert response.status_code == 400 and b"We meet Fridays" in response.content
    assert ActionLink.objects.get().used_at is None


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(client, world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    ActionLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    before = counts()
    for response in (client.get(use_url(token)), client.post(use_url(token), {})):
        assert response.status_code == 410 and b"expired" in response.content
    assert counts() == before


def test_a_tampered_link_shows_a_clear_page_and_changes_nothing(client, world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    before = counts()
    for response in (client.get(use_url(tampered)), client.post(use_url(tampered), {})):
        assert response.status_code == 404 and b"not a link we know" in response.content
    assert counts() == before
    assert ActionLink.objects.get().used_at is None


def test_a_link_works_once(client, world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    client.post(use_url(token), {"report_note": "first"})
    before = counts()
    again = client.post(use_url(token), {"report_note": "second"})
    assert again.status_code == 410 and b"already used" in again.content
    assert counts() == before
    erin_task.refresh_from_db()
    assert erin_task.report_note == "first"


def test_a_link_whose_maker_lost_their_rights_no_longer_works(client, world, erin_task):
    token = links.link_for_task(actor=world.carol, task=erin_task)
    Membership.objects.filter(person=world.carol_person).update(left_on=timezone.localdate())
    before = counts()
    response = client.post(use_url(token), {})
    assert response.status_code == 410 and b"no longer be used" in response.content
    assert counts() == before
    assert ActionLink.objects.get().used_at is None


def test_a_report_link_cannot_be_used_to_seed(world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    with pytest.raises(links.LinkRefused):
        links.link_seed(token=token, name="Sneaky", kind=world.network.kind)
    assert not Network.objects.filter(name="Sneaky").exists()


def test_a_link_for_a_task_closed_meanwhile_says_so_and_stays_unused(client, world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    Task.objects.filter(pk=erin_task.pk).update(status="reported")
    response = client.post(use_url(token), {})
    assert response.status_code == 400 and b"already closed" in response.content
    assert ActionLink.objects.get().used_at is None


def test_the_no_login_page_is_public_and_small(client, world, erin_task):
    token = links.link_for_task(actor=world.alice, task=erin_task)
    response = client.get(use_url(token))
    assert b'name="viewport"' in response.content and b"/people/" not in response.content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_task_and_network_pages_offer_the_link_to_those_who_may_make_it(client, world,
                                                                           erin_task):
    client.force_login(world.alice)
    assert reverse("task_link", kwargs={"public_id": erin_task.public_id}).encode() in \
        client.get(f"/tasks/{erin_task.public_id}/").content
    assert reverse("seed_link", kwargs={"public_id": world.network.public_id}).encode() in \
        client.get(f"/networks/{world.network.public_id}/").content
    client.force_login(world.bob)
    assert b"no-login link" not in client.get(f"/networks/{world.network.public_id}/").content


def test_making_a_link_shows_it_once(client, world, erin_task):
    client.force_login(world.carol)
    response = client.post(reverse("seed_link", kwargs={"public_id": world.network.public_id}),
                           {"person": world.bob_person.public_id})
    assert response.status_code == 200 and b"/l/" in response.content
    assert ActionLink.objects.get().person == world.bob_person
