"""Password reset by email, with Django's views: the link goes to the address the person gave
(a contact channel, found by keyed hash), works once, and says nothing about unknown addresses."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from netweave.core.models import AuditEntry
from netweave.people import contacts

RESET = reverse("password_reset")
NEW_PASSWORD = "kettle orchard lantern nine"


@pytest.fixture
def bobs_address(world):  # noqa: ANN001, ANN201
    contacts.channel_add(person=world.bob_person, kind=contacts.Kind.EMAIL,
                         value="Bob@Example.org")
    return "bob@example.org"


def reset_link() -> str:
    assert len(mail.outbox) == 1
    found = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(1)


def choose_password(client, link: str, password: str = NEW_PASSWORD):  # noqa: ANN001, ANN201
    # Django's confirm view moves the token out of the address, then shows the form.
    form_page = client.get(link, follow=True)
    url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_a_person_gets_a_reset_link_at_the_email_they_gave(client, world, bobs_address):
    response = client.post(RESET, {"email": "BOB@example.org "})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox[0].to == [bobs_address]
    assert "bob" in mail.outbox[0].body and "netweave" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(action="account.password_reset_sent",
                                     target=world.bob_person.public_id).exists()


def test_the_link_sets_a_new_password_once(client, world, bobs_address):
    client.post(RESET, {"email": bobs_address})
    link = reset_link()
    done = choose_password(client, link)
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    world.bob.refresh_from_db()
    assert world.bob.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()
    assert authenticate(username="bob", password=NEW_PASSWORD) is not None


def test_an_unknown_address_gets_the_same_answer_and_no_message(client, world):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(
    client, world, bobs_address,
):
    client.post(RESET, {"email": bobs_address})
    response = choose_password(client, reset_link(), "short")
    assert response.status_code == 200 and "too short" in response.content.decode()
    world.bob.refresh_from_db()
    assert not world.bob.check_password("short")


def test_an_admins_account_email_counts_too(client, world):
    world.admin.email = "admin@example.org"
    world.admin.save()
    client.post(RESET, {"email": "admin@example.org"})
    assert mail.outbox[0].to == ["admin@example.org"]


def test_too_many_requests_for_one_address_are_refused_keeping_it(client, world, bobs_address):
    for _ in range(3):
        client.post(RESET, {"email": bobs_address})
    response = client.post(RESET, {"email": bobs_address})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert f'value="{bobs_address}"' in response.content.decode()
    assert len(mail.outbox) == 3


def test_the_login_page_offers_the_reset(client, world):
    assert RESET.encode() in client.get(reverse("login")).content
