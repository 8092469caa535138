"""Script injection, tried in a real browser: a script typed into a person's name and a
network's name, through the forms, never runs on the pages that show them.

The organizer creates both through the web forms; then the organizer's, a member's and the
network's pages are opened in headless Chromium. No dialog may open (alert), and the page may
hold no element the payload would have made (an <img src=x>, a <script> with alert).
"""

from __future__ import annotations

import pytest

from netweave.core.testing import PASSWORD
from netweave.networks.models import Network
from netweave.networks.services import membership_add
from netweave.people.models import Person
from netweave.web.tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON = 'Mallory<script>alert("person")</script><img src=x onerror=alert(1)>'
NETWORK = '"><img src=x onerror=alert(2)><script>alert("network")</script>'


def watch_for_dialogs(page) -> list[str]:  # noqa: ANN001
    dialogs: list[str] = []

    def record(dialog) -> None:  # noqa: ANN001
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def injected_elements(page) -> int:  # noqa: ANN001
    """Elements the payloads would have created, had they been parsed as markup."""
    return int(page.evaluate("""() =>
        document.querySelectorAll('img[src="x"], img[onerror]').length +
        [...document.scripts].filter(s => s.textContent.includes('alert(')).length"""))


def create_through_the_forms(page) -> tuple[Person, Network]:  # noqa: ANN001
    page.goto("/people/new/")
    page.fill("input[name=display_name]", PERSON)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/networks/new/")
    page.fill("input[name=name]", NETWORK)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return Person.objects.get(display_name=PERSON), Network.objects.get(name=NETWORK)


def test_a_script_in_a_name_never_runs_where_the_name_is_shown(world, page):
    dialogs = watch_for_dialogs(page)
    login(page, "alice", PASSWORD)
    person, network = create_through_the_forms(page)
    membership_add(actor=world.alice, network=network, person=person)
    membership_add(actor=world.alice, network=network, person=world.bob_person)

    pages = ["/", "/people/", f"/people/{person.public_id}/", "/networks/",
             f"/networks/{network.public_id}/", f"/networks/{network.public_id}/lineage/",
             f"/people/{world.bob_person.public_id}/"]
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert injected_elements(page) == 0, f"{path}: the payload became markup"
    text = page.inner_text("main")
    assert NETWORK in text, "the network's name is shown, as text"

    # A member of the network sees the same names on his pages.
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    for path in ["/", "/networks/", f"/networks/{network.public_id}/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert injected_elements(page) == 0, f"{path} (bob): the payload became markup"
    assert PERSON in page.inner_text("main")
    assert dialogs == [], f"a script ran: {dialogs}"
