"""Two-factor sign-in, driven with Django's plain test client (no shortcut through the code
step): who is made to set it up, the code step, recovery codes, turning off, an admin's reset."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from netweave.core.models import AuditEntry
from netweave.core.testing import PASSWORD, fresh_code, second_factor_for, totp_code
from netweave.core.twofactor import _key_accepts
from netweave.people.models import FollowUp, Person
from netweave.web.views.accounts_2fa import NEW_KEY

ENROL, VERIFY = reverse("twofactor_enrol"), reverse("twofactor_verify")


def sign_in(client, username):  # noqa: ANN001, ANN201
    """The password step, as the login form does it."""
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:400]
    return response


def code_for_key(key: str) -> str:
    from binascii import unhexlify

    from django_otp.oath import TOTP

    return f"{TOTP(unhexlify(key)).token():06d}"


def enrol(client) -> list[str]:  # noqa: ANN001
    """Open the set-up page and type the code the app would show; returns the recovery codes."""
    client.get(ENROL)
    key = client.session[NEW_KEY]
    response = client.post(ENROL, {"code": code_for_key(key)})
    assert response.status_code == 200
    return response.context["codes"]


# --- who must -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["dashboard", "people", "networks", "events", "growth"])
def test_an_organizer_without_a_device_is_sent_to_set_up_before_any_page(
    plain_client, world, page,
):
    sign_in(plain_client, "alice")
    response = plain_client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(ENROL) and "next=" in response.url


def test_an_organizer_without_a_device_cannot_change_anything(plain_client, world):
    plain_client.force_login(world.alice)
    url = reverse("person_followup", kwargs={"public_id": world.erin.public_id})
    response = plain_client.post(url, {"status": FollowUp.CONTACTED})
    assert response.status_code == 302 and response.url.startswith(ENROL)
    world.erin.refresh_from_db()
    assert world.erin.followup_status != FollowUp.CONTACTED


def test_an_admin_without_a_device_is_sent_to_set_up_even_for_the_back_office(
    plain_client, world,
):
    plain_client.force_login(world.admin)
    response = plain_client.get("/backoffice/")
    assert response.status_code == 302 and response.url.startswith(ENROL)


def test_a_member_is_not_made_to_use_two_factor(plain_client, world):
    sign_in(plain_client, "bob")
    assert plain_client.get(reverse("dashboard")).status_code == 200
    assert plain_client.get(reverse("tasks")).status_code == 200


def test_with_the_rule_turned_off_an_organizer_is_not_made_to(plain_client, world, settings):
    settings.NETWEAVE_REQUIRE_2FA = False
    sign_in(plain_client, "alice")
    assert plain_client.get(reverse("dashboard")).status_code == 200


# --- setting it up ------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_the_key_to_type(plain_client, world):
    plain_client.force_login(world.alice)
    response = plain_client.get(ENROL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "Set up two-factor sign-in" in page
    assert plain_client.session[NEW_KEY]
    assert not TOTPDevice.objects.filter(user=world.alice).exists()  # nothing stored yet


def test_a_right_code_turns_it_on_shows_recovery_codes_once_and_opens_the_app(
    plain_client, world,
):
    plain_client.force_login(world.alice)
    codes = enrol(plain_client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=world.alice).confirmed
    assert StaticToken.objects.filter(device__user=world.alice).count() == 10
    assert plain_client.get(reverse("dashboard")).status_code == 200
    assert AuditEntry.objects.filter(action="twofactor.enrol",
                                     target=world.alice_person.public_id).exists()


def test_a_wrong_code_at_set_up_says_so_and_stores_no_device(plain_client, world):
    plain_client.force_login(world.alice)
    plain_client.get(ENROL)
    key = plain_client.session[NEW_KEY]
    wrong = f"{(int(code_for_key(key)) + 1) % 1_000_000:06d}"
    if _key_accepts(key, wrong):  # the neighbouring time step's code: pick another
        wrong = f"{(int(wrong) + 1) % 1_000_000:06d}"
    response = plain_client.post(ENROL, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert plain_client.session[NEW_KEY] == key  # the same QR code, scanned already, stays
    assert plain_client.get(reverse("dashboard")).status_code == 302


def test_a_member_may_turn_it_on_and_is_then_asked_for_a_code(plain_client, world):
    plain_client.force_login(world.bob)
    enrol(plain_client)
    plain_client.post(reverse("logout"))
    sign_in(plain_client, "bob")
    response = plain_client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)


# --- the code step ------------------------------------------------------------------------


@pytest.fixture
def alices_phone(world):  # noqa: ANN001, ANN201
    return second_factor_for(world.alice)


def test_after_the_password_an_organizer_with_a_device_is_asked_for_a_code(
    plain_client, world, alices_phone,
):
    sign_in(plain_client, "alice")
    response = plain_client.get(reverse("people"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert "next=%2Fpeople%2F" in response.url


def test_a_wrong_code_is_refused_with_a_clear_message(plain_client, world, alices_phone):
    sign_in(plain_client, "alice")
    wrong = f"{(int(totp_code(alices_phone)) + 500_000) % 1_000_000:06d}"
    response = plain_client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert plain_client.get(reverse("dashboard")).status_code == 302


def test_the_right_code_lets_the_organizer_in_for_a_shorter_session(
    plain_client, world, alices_phone, settings,
):
    sign_in(plain_client, "alice")
    response = plain_client.post(f"{VERIFY}?next=/people/", {"code": totp_code(alices_phone)})
    assert response.status_code == 302 and response.url == "/people/"
    assert plain_client.get(reverse("people")).status_code == 200
    hours = settings.NETWEAVE_ORGANIZER_SESSION_HOURS
    assert plain_client.session.get_expiry_age() == hours * 3600


def test_a_code_cannot_be_used_twice(plain_client, world, alices_phone):
    sign_in(plain_client, "alice")
    code = totp_code(alices_phone)
    assert plain_client.post(VERIFY, {"code": code}).status_code == 302
    plain_client.post(reverse("logout"))
    sign_in(plain_client, "alice")
    assert plain_client.post(VERIFY, {"code": code}).status_code == 400


def test_the_code_step_refuses_an_open_redirect(plain_client, world, alices_phone):
    sign_in(plain_client, "alice")
    response = plain_client.post(f"{VERIFY}?next=https://evil.example/",
                                 {"code": totp_code(alices_phone)})
    assert response.status_code == 302 and response.url == reverse("dashboard")


def test_a_recovery_code_works_once(plain_client, world):
    plain_client.force_login(world.alice)
    codes = enrol(plain_client)
    plain_client.post(reverse("logout"))
    sign_in(plain_client, "alice")
    response = plain_client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "recovery code" in response.content.decode()  # the warning: it is used up
    assert StaticToken.objects.filter(device__user=world.alice).count() == 9
    assert AuditEntry.objects.filter(action="twofactor.recovery_code_used").count() == 1
    plain_client.post(reverse("logout"))
    sign_in(plain_client, "alice")
    refused = plain_client.post(VERIFY, {"code": codes[0]})
    assert refused.status_code == 400
    assert plain_client.get(reverse("dashboard")).status_code == 302


def test_a_recovery_code_does_not_count_as_a_wrong_app_code(plain_client, world):
    plain_client.force_login(world.alice)
    codes = enrol(plain_client)
    plain_client.post(reverse("logout"))
    sign_in(plain_client, "alice")
    plain_client.post(VERIFY, {"code": codes[1]})
    assert TOTPDevice.objects.get(user=world.alice).throttling_failure_count == 0


def test_new_recovery_codes_replace_the_old_ones(plain_client, world):
    plain_client.force_login(world.alice)
    old = enrol(plain_client)
    response = plain_client.post(reverse("twofactor_recovery"))
    new = response.context["codes"]
    tokens = set(StaticToken.objects.filter(device__user=world.alice)
                 .values_list("token", flat=True))
    assert tokens == set(new) and not tokens & set(old)


def test_too_many_codes_are_refused_with_429_keeping_the_code(
    plain_client, world, alices_phone, settings,
):
    settings.NETWEAVE_RATE_LIMITS = {**settings.NETWEAVE_RATE_LIMITS, "twofactor": "2/86400"}
    sign_in(plain_client, "alice")
    for _ in range(2):
        plain_client.post(VERIFY, {"code": "000000"})
    response = plain_client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert 'value="123456"' in response.content.decode()


# --- turning off, and an admin's reset ----------------------------------------------------


def test_turning_it_off_needs_the_password(plain_client, world):
    plain_client.force_login(world.bob)
    enrol(plain_client)
    url = reverse("twofactor_disable")
    refused = plain_client.post(url, {"password": "not it"})
    assert refused.status_code == 400 and "That is not your password." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.bob).exists()
    assert plain_client.post(url, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.bob).exists()
    assert not StaticDevice.objects.filter(user=world.bob).exists()
    assert plain_client.get(reverse("dashboard")).status_code == 200  # a member: free to go


def test_an_organizer_who_turns_it_off_must_set_it_up_again(plain_client, world):
    plain_client.force_login(world.alice)
    enrol(plain_client)
    plain_client.post(reverse("twofactor_disable"), {"password": PASSWORD})
    response = plain_client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(ENROL)


def test_an_admin_resets_someones_device_and_it_is_audited(client, world, alices_phone):
    client.force_login(world.admin)
    url = reverse("twofactor_reset", kwargs={"public_id": world.alice_person.public_id})
    assert "Reset" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    entry = AuditEntry.objects.get(action="twofactor.reset")
    assert entry.actor == world.admin and entry.target == world.alice_person.public_id


def test_after_a_reset_the_person_is_sent_to_set_up_again(plain_client, client, world,
                                                            alices_phone):
    sign_in(plain_client, "alice")
    plain_client.post(VERIFY, {"code": totp_code(alices_phone)})
    client.force_login(world.admin)
    client.post(reverse("twofactor_reset", kwargs={"public_id": world.alice_person.public_id}))
    response = plain_client.get(reverse("people"), follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)


def test_an_organizer_cannot_reset_someone_elses_device(client, world):
    bob_phone = second_factor_for(world.bob)
    client.force_login(world.alice)
    url = reverse("twofactor_reset", kwargs={"public_id": world.bob_person.public_id})
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(pk=bob_phone.pk).exists()
    assert not AuditEntry.objects.filter(action="twofactor.reset").exists()


def test_the_test_clients_shortcut_matches_what_the_code_step_does(client, world):
    """The `client` fixture's force_login passes the code step: the same session key the
    verify page sets, for a device of the user's own."""
    client.force_login(world.alice)
    assert client.get(reverse("people")).status_code == 200
    assert Person.objects.filter(user=world.alice).exists()
    device = TOTPDevice.objects.get(user=world.alice)
    assert client.session["otp_device_id"] == device.persistent_id
    assert fresh_code(device).isdigit()


def test_the_demo_says_organizers_set_up_two_factor_and_its_organizers_are_asked_to(
    plain_client, db,
):
    import re
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo", "--no-serve", "--force", "--people", "60", stdout=out)
    printed = out.getvalue()
    assert "set up two-factor sign-in at their first login" in printed
    password = re.search(r"password for all: (\S+)\)", printed).group(1)
    plain_client.post(reverse("login"), {"username": "rosa", "password": password})
    response = plain_client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(ENROL)
