"""A new contact's first week, driven in headless Chromium at a phone's size.

Noor signs up on a flyer's page; the organizer sees her among the new sign-ups with the ways in
that fit her, and offers one; Noor gets an account through an invite link, finds the offered
task under "What you could do this week", takes it on, ticks its steps and reports back; the
organizer adds her to a network; and her page shows her path, moving up the ladder.
"""

from urllib.parse import urlsplit

import pytest

from netweave.core.models import Contribution
from netweave.core.testing import PASSWORD
from netweave.networks.models import Membership
from netweave.outreach.services import code_for_person
from netweave.people.models import FollowUp, Person, Stage
from netweave.web.tests.browser.conftest import assert_fits_phone, login
from netweave.work.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOOR_PASSWORD = "three quiet harbours"  # noqa: S105 - a test account's password


def submit(page, label: str) -> None:  # noqa: ANN001
    page.get_by_role("button", name=label).first.click()
    page.wait_for_load_state()


def main_text(page) -> str:  # noqa: ANN001
    return str(page.inner_text("main"))


def sign_up_on_the_flyer_page(page, code: str) -> Person:  # noqa: ANN001
    page.goto(f"/join/{code}/")
    assert_fits_phone(page)
    page.fill("input[name=display_name]", "Noor")
    page.fill("input[name=email]", "noor@example.org")
    page.get_by_text("More about you (optional)").click()
    page.select_option("select[name=hours_per_week]", "3")
    submit(page, "Sign up")
    assert "/thanks/" in page.url
    return Person.objects.get(display_name="Noor")


def offer_a_first_task(page, noor: Person) -> str:  # noqa: ANN001
    """The organizer's home: Noor among the new sign-ups, with ways in that fit; offer one."""
    login(page, "alice", PASSWORD)
    assert_fits_phone(page)
    panel = page.locator("#first-tasks")
    assert "First tasks that fit" in panel.inner_text()
    row = panel.locator("li").filter(has=page.get_by_role("link", name="Noor")).first
    suggestion = row.locator("li.row").first
    title = suggestion.locator("span").first.inner_text().split(" · ")[0].strip()
    assert title
    suggestion.get_by_role("button", name="Offer this").click()
    page.wait_for_load_state()
    assert f"Offered to Noor: {title}." in main_text(page)
    assert_fits_phone(page)
    task = Task.objects.get(person=noor)
    assert task.status == Task.Status.OFFERED and str(task.playbook) == title
    return title


def invite_noor(page, noor: Person) -> str:  # noqa: ANN001
    """Her page, with the same ways in; an invite link for her to sign in (shown once)."""
    page.goto(f"/people/{noor.public_id}/")
    assert_fits_phone(page)
    assert "Ways in that fit" in main_text(page)
    submit(page, "Make an invite link")
    link = page.input_value("#invite-link")
    assert_fits_phone(page)
    page.context.clear_cookies()  # alice hands the phone over
    return urlsplit(link).path


def test_a_new_contacts_first_week(world, page):
    alice_code = code_for_person(actor=world.alice, person=world.alice_person)
    noor = sign_up_on_the_flyer_page(page, alice_code.code)
    assert noor.followup_owner == world.alice and noor.stage == Stage.CONTACT

    title = offer_a_first_task(page, noor)
    invite_path = invite_noor(page, noor)

    # Noor makes her account and lands on her home page.
    page.goto(invite_path)
    assert "Welcome, Noor" in main_text(page)
    page.fill("input[name=username]", "noor")
    page.fill("input[name=password]", NOOR_PASSWORD)
    page.fill("input[name=password_again]", NOOR_PASSWORD)
    submit(page, "Create my account")
    home = main_text(page)
    assert "What you could do this week" in home
    assert title in home  # the task offered to her, on her short list
    assert_fits_phone(page)

    # Messages settings are one tap away in the menu, which still fits the phone.
    page.get_by_text("Menu").first.click()
    assert page.get_by_role("link", name="Messages").is_visible()
    assert_fits_phone(page)
    page.get_by_text("Menu").first.click()

    # She takes on the task, ticks its steps and reports back.
    page.locator("main").get_by_role("link", name=title).first.click()
    page.wait_for_load_state()
    assert_fits_phone(page)
    submit(page, "I'll do it")
    assert "Accepted. Thank you!" in main_text(page)
    task = Task.objects.get(person=noor)
    for n in range(len(task.playbook.steps)):
        page.locator(f"#step-{n} button").click()
        page.locator(f"#step-{n} button[aria-pressed=true]").wait_for()
    task.refresh_from_db()
    assert task.steps_done == list(range(len(task.playbook.steps)))
    for i, field in enumerate(task.playbook.report_fields):
        page.fill(f"input[name={field['key']}]", str(4 + i))
    submit(page, "Send the report")
    assert "Reported. Thank you: it counts." in main_text(page)
    task.refresh_from_db()
    assert task.status == Task.Status.REPORTED
    noor.refresh_from_db()
    assert noor.stage == Stage.PARTICIPANT and noor.followup_status == FollowUp.FIRST_TASK
    assert Contribution.objects.filter(kind="task_done", person=noor).exists()
    page.goto("/")
    assert title not in main_text(page).split("What you could do this week")[0]

    # The organizer adds her to a network.
    page.context.clear_cookies()
    login(page, "alice", PASSWORD)
    page.goto(f"/networks/{world.network.public_id}/members/add/")
    assert_fits_phone(page)
    page.select_option("select[name=person]", noor.public_id)
    submit(page, "Add")
    assert "Noor" in main_text(page)
    assert Membership.objects.filter(network=world.network, person=noor,
                                     left_on__isnull=True).exists()

    # Her page: the path so far, moving up the ladder step by step.
    page.goto(f"/people/{noor.public_id}/")
    assert_fits_phone(page)
    timeline = page.locator("#timeline").inner_text()
    assert "Moved up to Participant" in timeline and "Moved up to Organized" in timeline
    assert timeline.index("Moved up to Organized") < timeline.index("Moved up to Participant")
    assert title in timeline  # the task she did, on her path
    noor.refresh_from_db()
    assert noor.stage == Stage.ORGANIZED and noor.followup_status == FollowUp.IN_NETWORK

    # And on her own home page she now sees the network she is in.
    page.context.clear_cookies()
    login(page, "noor", NOOR_PASSWORD)
    assert world.network.name in main_text(page)
    assert_fits_phone(page)
