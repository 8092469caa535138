"""An organizer's first login, in headless Chromium at a phone's size: the password, then
setting up two-factor from the QR page (the key read off the page, as a person would type it
into their app), the recovery codes, and the app behind it, htmx included, with nothing the
content security policy had to block."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from netweave.core.testing import PASSWORD
from netweave.people import contacts
from netweave.web.tests.browser.conftest import assert_fits_phone, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_policy(page) -> list[str]:  # noqa: ANN001
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text)
            if "Content Security Policy" in m.text else None)
    return blocked


def test_an_organizers_first_login_sets_up_two_factor_and_then_works(page, world):  # noqa: ANN001
    blocked = watch_policy(page)
    contacts.channel_add(person=world.bob_person, kind=contacts.Kind.EMAIL,
                         value="bob@example.org")
    page.goto("/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/account/2fa/setup/" in page.url
    assert page.locator(".qr svg").count() == 1
    assert_fits_phone(page)

    page.get_by_text("Cannot scan? Type this key instead").click()
    key = b32decode(page.inner_text("code.secret").replace(" ", ""))
    page.fill("input[name=code]", f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_load_state()
    assert page.locator("ul.codes li").count() == 10
    page.get_by_role("link", name="I have kept them").click()
    page.wait_for_load_state()
    assert "/account/" not in page.url and "/login/" not in page.url  # the dashboard

    # htmx, under the policy: revealing contact details swaps one part of the page.
    page.goto(f"/people/{world.bob_person.public_id}/")
    assert "/account/" not in page.url
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_role("button", name="Show contact details").click()
    page.wait_for_selector("text=bob@example.org")
    assert page.url.endswith(f"/people/{world.bob_person.public_id}/")
    assert blocked == []


def test_the_login_helper_passes_the_code_step(page, world):  # noqa: ANN001
    blocked = watch_policy(page)
    login(page, "alice", PASSWORD)
    assert "/account/" not in page.url and "/login/" not in page.url
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)  # a member: the password alone
    assert "/login/" not in page.url
    assert blocked == []
