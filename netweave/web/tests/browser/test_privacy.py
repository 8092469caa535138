"""A person's data and being forgotten, driven in headless Chromium at a phone's size.

Bob opens "Your data", sees his contact details among everything held about him, downloads it
and asks to be deleted; Alice, the organizer, finds the request on her home page, forgets him,
and finds the forgetting in the audit log.
"""

import json

import pytest

from netweave.core.testing import PASSWORD
from netweave.people.contacts import channel_add
from netweave.people.models import Person
from netweave.people.privacy import FORGOTTEN_NAME
from netweave.web.tests.browser.conftest import PHONE, assert_fits_phone, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_asks_to_be_deleted_and_an_organizer_forgets_them(page, world, browser,
                                                                   live_server):
    channel_add(person=world.bob_person, kind="email", value="bob@example.org")
    login(page, "bob", PASSWORD)
    page.goto("/me/data/")
    assert_fits_phone(page)
    text = page.inner_text("main")
    assert "bob@example.org" in text and "Eastside distribution" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["contact_channels"][0]["value"] == "bob@example.org"
    page.get_by_role("button", name="Ask for my data to be deleted").click()
    page.wait_for_load_state()
    assert "with the organizers of your chapter" in page.inner_text("main")

    organizer = browser.new_context(viewport=PHONE, is_mobile=True, base_url=live_server.url)
    alice = organizer.new_page()
    login(alice, "alice", PASSWORD)
    alice.get_by_role("link", name="Act on these requests").click()
    alice.get_by_role("link", name="Forget them").click()
    alice.wait_for_url("**/forget/")
    assert_fits_phone(alice)
    alice.get_by_role("button", name="Forget them").click()
    alice.wait_for_load_state()
    assert "Forgotten." in alice.inner_text("main")
    assert Person.objects.get(pk=world.bob_person.pk).display_name == FORGOTTEN_NAME
    alice.goto("/audit/?action=person.forget")
    assert_fits_phone(alice)
    assert "person.forget" in alice.inner_text("main")
    organizer.close()
