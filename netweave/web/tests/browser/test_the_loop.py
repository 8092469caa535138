"""The basic loop, driven in headless Chromium at a phone's size, the way people do it.

A newcomer signs up through a referral code; an organizer follows them up and adds them to a
network; a member accepts a task and reports back; a convener records a network seeded from
theirs and sees it in the lineage; and the dashboard reflects each step.
"""

import time

import pytest

from netweave.core.testing import PASSWORD
from netweave.networks.models import Membership, Network
from netweave.outreach.services import code_for_person
from netweave.people.models import FollowUp, Person
from netweave.people.services import person_signup
from netweave.web.tests.browser.conftest import assert_fits_phone, login
from netweave.work.models import Task
from netweave.work.services import task_assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, label: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_a_newcomer_signs_up_through_a_referral_code_page(world, page):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    page.goto(f"/join/{code.code}/")
    assert_fits_phone(page)
    assert "Carol" in page.content()  # who invited them, in a friendly line
    page.fill("input[name=display_name]", "Nadia")
    page.fill("input[name=email]", "nadia@example.org")
    submit(page, "Sign up")
    assert "/thanks/" in page.url
    nadia = Person.objects.get(display_name="Nadia")
    assert nadia.brought_by == world.carol_person and nadia.referral_code == code

    # The same person signing up again from the same page is recognised, not doubled.
    page.goto(f"/join/{code.code}/")
    page.fill("input[name=display_name]", "Nadia R")
    page.fill("input[name=email]", "NADIA@example.org")
    submit(page, "Sign up")
    assert Person.objects.filter(chapter=world.chapter, channels__isnull=False).count() == 1

    # Whoever brought her in sees her on their dashboard, to follow up.
    login(page, "carol", PASSWORD)
    assert "Nadia" in page.content()


def test_an_organizer_follows_up_a_newcomer_and_adds_them_to_a_network(world, page):
    code = code_for_person(actor=world.alice, person=world.alice_person)
    newcomer, _ = person_signup(code=code, display_name="Tomás", phone="+1 555 0101")

    login(page, "alice", PASSWORD)
    assert "Tomás" in page.inner_text("main")  # a new sign-up with a follow-up due
    page.get_by_role("link", name="Tomás").first.click()
    page.wait_for_load_state()
    assert_fits_phone(page)
    page.select_option("select[name=status]", "contacted")
    page.fill("textarea[name=note]", "Called, wants to hand out flyers near home")
    submit(page, "Record follow-up")
    newcomer.refresh_from_db()
    assert newcomer.followup_status == FollowUp.CONTACTED

    page.goto(f"/networks/{world.network.public_id}/members/add/")
    assert_fits_phone(page)
    page.select_option("select[name=person]", newcomer.public_id)
    submit(page, "Add")
    assert "Tomás" in page.inner_text("main")
    assert Membership.objects.filter(network=world.network, person=newcomer,
                                     left_on__isnull=True).exists()

    # In a network now: no longer among the open follow-ups on the dashboard.
    page.goto("/")
    followups = page.locator("#followups")
    assert followups.count() == 0 or "Tomás" not in followups.inner_text()


def test_a_member_accepts_a_task_and_reports_back_in_under_a_minute(world, page):
    task = task_assign(actor=world.carol, playbook=world.playbook, person=world.bob_person)
    login(page, "bob", PASSWORD)
    title = world.playbook.title
    assert title in page.inner_text("main")  # on the member's dashboard

    started = time.monotonic()
    page.get_by_role("link", name=title).first.click()
    page.wait_for_load_state()
    assert_fits_phone(page)
    submit(page, "I'll do it")
    task.refresh_from_db()
    assert task.status == Task.Status.ACCEPTED
    for i, field in enumerate(world.playbook.report_fields):
        page.fill(f"input[name={field['key']}]", str(3 + i))
    submit(page, "Send the report")
    elapsed = time.monotonic() - started
    task.refresh_from_db()
    assert task.status == Task.Status.REPORTED
    assert task.report[world.playbook.report_fields[0]["key"]] == 3
    assert elapsed < 60

    page.goto("/")
    assert title not in page.inner_text("main")  # done: off the short list


def test_a_convener_records_a_seeded_network_and_sees_it_in_the_lineage(world, page):
    login(page, "carol", PASSWORD)
    page.goto(f"/networks/{world.network.public_id}/")
    assert_fits_phone(page)
    page.get_by_role("link", name="Record a seeded network", exact=True).click()
    page.wait_for_load_state()
    page.fill("input[name=name]", "Eastside school table")
    page.select_option("select[name=kind]", label="School table")
    submit(page, "Record it")
    child = Network.objects.get(name="Eastside school table")
    assert child.seeded_from == world.network and child.generation == 2
    assert f"/networks/{child.public_id}/" in page.url

    page.goto(f"/networks/{child.public_id}/lineage/")
    assert_fits_phone(page)
    tree = page.inner_text("main")
    assert "Eastside distribution" in tree and "Eastside school table" in tree

    page.goto("/")  # the convener's dashboard now shows both networks they convene
    assert "Eastside school table" in page.inner_text("main")
