"""Public pages: sign-up through a code, its QR code, an event's public page with RSVP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.core.models import Place
from netweave.events.models import Attendance
from netweave.events.services import event_create
from netweave.outreach.services import code_for_network, code_for_person, outreach_log
from netweave.people.models import ContactChannel, FollowUp, Person


@pytest.fixture
def code(world):
    return code_for_person(actor=world.carol, person=world.carol_person)


def join_url(code, name="join") -> str:
    return reverse(name, kwargs={"code": code.code})


def signup(client, code, **overrides):
    data = {"display_name": "Nadia", "email": "nadia@example.org", "phone": "",
            "phone_kind": "phone", "language": "en", "hours_per_week": "3"}
    data.update(overrides)
    return client.post(join_url(code), data)


def newcomers(world):
    known = {world.alice_person.pk, world.bob_person.pk, world.carol_person.pk,
             world.dave_person.pk, world.erin.pk, world.hilltop_person.pk}
    return Person.objects.exclude(pk__in=known)


def page_text(response) -> str:
    """The page without its CSRF token, which is masked differently on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def make_event(world, *, is_public=True):
    return event_create(actor=world.alice, chapter=world.chapter, title="Film night",
                        starts_at=timezone.now() + timedelta(days=3), location="Library",
                        host_network=world.network, is_public=is_public,
                        description="We show the new film.")


def event_url(event, name="public_event") -> str:
    return reverse(name, kwargs={"public_id": event.public_id})


# --- The sign-up page ------------------------------------------------------------------------


def test_the_sign_up_page_says_who_invited_them_and_shows_no_menu(client, world, code):
    response = client.get(join_url(code))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Carol invited you" in page and "Riverside" in page
    assert "Menu" not in page and "/people/" not in page and "/events/" not in page


def test_a_discreet_persons_code_names_only_the_chapter(client, world):
    world.carol_person.discreet = True
    world.carol_person.save()
    code = code_for_person(actor=world.carol, person=world.carol_person)
    page = client.get(join_url(code)).content.decode()
    assert "Carol" not in page and "Riverside" in page


def test_the_sign_up_page_accepts_the_code_in_lower_case(client, world, code):
    assert client.get(f"/join/{code.code.lower()}/").status_code == 200


def test_signing_up_credits_the_codes_owner(client, world, code):
    response = signup(client, code)
    assert response.status_code == 302 and response.url == join_url(code, "join_thanks")
    person = newcomers(world).get()
    assert person.display_name == "Nadia" and person.brought_by == world.carol_person
    assert person.referral_code == code and person.followup_status == FollowUp.NEW
    assert person.languages == ["en"] and float(person.hours_per_week) == 3


def test_signing_up_with_a_networks_code_credits_the_network(client, world):
    code = code_for_network(actor=world.carol, network=world.network)
    signup(client, code)
    assert newcomers(world).get().source_network == world.network


def test_signing_up_with_an_events_code_credits_the_event_and_counts_them_there(client, world):
    event = make_event(world)
    signup(client, event.codes.get())
    person = newcomers(world).get()
    assert person.source_event == event
    assert Attendance.objects.get(event=event, person=person).attended


def test_signing_up_with_an_outreach_code_credits_the_session(client, world):
    session = outreach_log(actor=world.alice, chapter=world.chapter, location="Gate",
                           started_at=timezone.now() - timedelta(hours=1))
    signup(client, session.codes.get())
    assert newcomers(world).get().source_outreach == session


def test_a_second_sign_up_with_the_same_email_is_recognised_not_doubled(client, world, code):
    first = signup(client, code, email="nadia@example.org")
    again = signup(client, code, display_name="N.", email="  NADIA@Example.org ")
    assert newcomers(world).count() == 1
    assert first.url == again.url
    assert page_text(client.get(first.url)) == page_text(client.get(again.url))


def test_a_second_sign_up_with_the_same_phone_is_recognised_not_doubled(client, world, code):
    signup(client, code, email="", phone="+1 555 010 0200")
    signup(client, code, display_name="Nad", email="", phone="(+1) 555-010-0200",
           phone_kind="signal")
    assert newcomers(world).count() == 1


def test_a_bad_email_is_refused_keeping_the_typed_name(client, world, code):
    response = signup(client, code, display_name="Typed Name", email="not-an-email")
    page = response.content.decode()
    assert response.status_code == 200 and 'value="Typed Name"' in page
    assert "errorlist" in page and not newcomers(world).exists()


def test_a_bad_phone_is_refused_keeping_what_was_typed(client, world, code):
    response = signup(client, code, display_name="Typed Name", email="", phone="12")
    page = response.content.decode()
    assert "at least 6 digits" in page and 'value="Typed Name"' in page
    assert not newcomers(world).exists()


def test_no_way_to_reach_them_and_no_opt_out_is_refused(client, world, code):
    response = signup(client, code, email="")
    assert "or choose not to be contacted" in response.content.decode()
    assert not newcomers(world).exists()


def test_dont_contact_me_without_an_email_works_and_keeps_no_channel(client, world, code):
    response = signup(client, code, email="", no_contact="on", discreet="on")
    assert response.status_code == 302
    person = newcomers(world).get()
    assert person.followup_status == FollowUp.DO_NOT_CONTACT and person.discreet
    assert not ContactChannel.objects.filter(person=person).exists()


def test_dont_contact_me_with_an_email_asks_which_they_meant(client, world, code):
    response = signup(client, code, no_contact="on")
    assert response.status_code == 200 and "Don&#x27;t contact me" in response.content.decode()
    assert response.context["form"].errors["no_contact"]
    assert not newcomers(world).exists()


def test_an_empty_name_and_unknown_choices_are_refused(client, world, code):
    response = signup(client, code, display_name="  ", hours_per_week="99", language="xx")
    errors = response.context["form"].errors
    assert {"display_name", "hours_per_week", "language"} <= set(errors)
    assert not newcomers(world).exists()


def test_the_place_list_leaves_out_workplaces(client, world, code):
    Place.objects.create(chapter=world.chapter, name="Acme warehouse",
                         kind=Place.Kind.WORKPLACE)
    page = client.get(join_url(code)).content.decode()
    assert "Eastside" in page and "Acme warehouse" not in page
    signup(client, code, place=world.place.public_id)
    assert newcomers(world).get().place == world.place


def test_an_inactive_or_unknown_code_is_404(client, world, code):
    code.active = False
    code.save()
    assert client.get(join_url(code)).status_code == 404
    assert signup(client, code).status_code == 404
    assert client.get(join_url(code, "join_thanks")).status_code == 404
    assert client.get("/join/NOSUCH9/").status_code == 404


def test_the_public_form_keeps_csrf_protection(world, code):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(join_url(code), {"display_name": "Nadia", "email": "n@example.org"})
    assert response.status_code == 403 and not newcomers(world).exists()


# --- The QR code -----------------------------------------------------------------------------


def test_the_qr_code_is_an_svg_of_the_absolute_join_url(client, world, code):
    response = client.get(join_url(code, "code_qr"))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "<svg" in body and f"http://testserver/join/{code.code}/" in body


def test_an_inactive_codes_qr_is_404(client, world, code):
    code.active = False
    code.save()
    assert client.get(join_url(code, "code_qr")).status_code == 404


# --- The public event page -------------------------------------------------------------------


def rsvp(client, event, **overrides):
    data = {"rsvp": "yes", "display_name": "Omar", "email": "omar@example.org", "phone": "",
            "phone_kind": "phone"}
    data.update(overrides)
    return client.post(event_url(event), data)


def test_the_public_event_page_shows_the_invitation_but_not_the_host(client, world):
    event = make_event(world)
    page = client.get(event_url(event)).content.decode()
    assert "Film night" in page and "Library" in page and "We show the new film." in page
    assert world.network.name not in page and "Menu" not in page


def test_a_private_events_public_page_is_404(client, world):
    event = make_event(world, is_public=False)
    assert client.get(event_url(event)).status_code == 404
    assert rsvp(client, event).status_code == 404
    assert client.get(event_url(event, "public_event_thanks")).status_code == 404


def test_an_rsvp_signs_up_the_person_credited_to_the_event_without_checking_them_in(
        client, world):
    event = make_event(world)
    response = rsvp(client, event)
    assert response.status_code == 302 and response.url == event_url(event, "public_event_thanks")
    person = newcomers(world).get()
    assert person.source_event == event and person.referral_code == event.codes.get()
    attendance = Attendance.objects.get(event=event, person=person)
    assert attendance.rsvp == "yes" and not attendance.attended and attendance.met_here


def test_a_known_person_answering_again_is_recognised_and_their_answer_changes(client, world):
    event = make_event(world)
    rsvp(client, event)
    rsvp(client, event, rsvp="no", display_name="O.", email=" OMAR@example.org")
    assert newcomers(world).count() == 1
    assert Attendance.objects.get(event=event).rsvp == "no"


def test_a_bad_rsvp_is_refused_keeping_the_typed_name(client, world):
    event = make_event(world)
    response = rsvp(client, event, rsvp="whenever", display_name="Typed Name",
                    email="broken@")
    page = response.content.decode()
    assert response.status_code == 200 and 'value="Typed Name"' in page
    assert {"rsvp", "email"} <= set(response.context["form"].errors)
    assert not newcomers(world).exists() and not Attendance.objects.exists()


def test_the_event_page_works_for_a_signed_in_outsider_too(client, world):
    event = make_event(world)
    client.force_login(world.charlie)
    assert client.get(event_url(event)).status_code == 200
