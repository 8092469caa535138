"""Signing in and out, and taking up an invite."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from netweave.core.models import Invite
from netweave.core.testing import PASSWORD
from netweave.people import services

NEW_PASSWORD = "river stones hum quietly"


def invite_for(world, person=None):
    return services.invite_create(actor=world.alice, person=person or world.erin)


def invite_url(token):
    return reverse("invite_accept", kwargs={"token": token})


def signed_in_user(client):
    return client.get(reverse("dashboard")).wsgi_request.user


# --- login / logout ---------------------------------------------------------------------------


def test_the_login_page_shows_a_sign_in_form(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_it_signs_in_with_the_right_password_and_goes_to_the_dashboard(client, world):
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert signed_in_user(client) == world.bob


def test_a_wrong_password_says_so_and_keeps_the_username(client, world):
    response = client.post(reverse("login"), {"username": "bob", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert b'value="bob"' in response.content
    assert not signed_in_user(client).is_authenticated


def test_it_sends_a_signed_in_user_on_from_the_login_page(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("login"))
    assert response.status_code == 302 and response.url == reverse("dashboard")


def test_it_refuses_to_log_out_on_a_get(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user(client) == world.bob


def test_it_logs_out_on_a_post(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert not signed_in_user(client).is_authenticated


# --- invites ----------------------------------------------------------------------------------


def test_an_invite_link_greets_the_person_by_name(client, world):
    response = client.get(invite_url(invite_for(world)))
    assert response.status_code == 200
    assert b"Welcome, Erin" in response.content


def test_accepting_an_invite_makes_an_account_for_that_person_and_signs_in(client, world):
    token = invite_for(world)
    response = client.post(invite_url(token), {
        "username": "erin", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
    })
    assert response.status_code == 302 and response.url == reverse("dashboard")
    world.erin.refresh_from_db()
    assert world.erin.user is not None and world.erin.user.username == "erin"
    assert world.erin.user.check_password(NEW_PASSWORD)
    assert signed_in_user(client) == world.erin.user


def test_an_invite_cannot_be_used_twice(client, world):
    token = invite_for(world)
    services.invite_accept(token=token, username="erin", password=NEW_PASSWORD)
    response = client.get(invite_url(token))
    assert response.status_code == 410
    assert b"can&#x27;t be used" in response.content or b"can't be used" in response.content


def test_an_expired_invite_shows_a_clear_page_and_makes_no_account(client, world):
    token = invite_for(world)
    Invite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    users_before = get_user_model().objects.count()
    response = client.post(invite_url(token), {
        "username": "erin", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
    })
    assert response.status_code == 410
    assert b"expired" in response.content
    assert get_user_model().objects.count() == users_before


def test_an_unknown_invite_token_shows_the_same_clear_page(client, world):
    response = client.get(invite_url("not-a-real-token"))
    assert response.status_code == 410


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "Bob", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
         "username", b"That username is taken."),
        ({"username": "erin", "password": "short", "password_again": "short"},
         "password", b"too short"),
        ({"username": "erin", "password": NEW_PASSWORD, "password_again": "something else"},
         "password_again", b"The two passwords are different."),
    ],
)
def test_a_bad_invite_form_says_why_keeps_the_username_and_makes_no_account(
    client, world, data, field, message,
):
    token = invite_for(world)
    users_before = get_user_model().objects.count()
    response = client.post(invite_url(token), data)
    assert response.status_code == 200
    assert message in response.content
    assert response.context["form"].errors[field]
    assert f'value="{data["username"]}"'.encode() in response.content
    assert get_user_model().objects.count() == users_before
    assert Invite.objects.get().used_at is None
    world.erin.refresh_from_db()
    assert world.erin.user is None
