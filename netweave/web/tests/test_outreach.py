"""Outreach pages and sign-up codes (list, get one, print one), as each role."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netweave.core.testing import make_person, make_user
from netweave.events.services import event_create
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.outreach.services import code_for_person, outreach_log


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def log_session(world, *, actor=None, who=None, network=None, location="Main St corner"):
    return outreach_log(actor=actor or world.alice, chapter=world.chapter,
                        started_at=timezone.now() - timedelta(hours=2), location=location,
                        network=network, participants=who, flyers=40, contacts_made=3)


def session_url(session) -> str:
    return reverse("outreach_session", kwargs={"public_id": session.public_id})


def poster_url(code) -> str:
    return reverse("code_poster", kwargs={"code": code.code})


def form_data(**overrides):
    data = {"started_at": local(timezone.now() - timedelta(hours=1)), "minutes": "90",
            "place": "", "location": "School gate", "network": "", "flyers": "50",
            "posters": "", "other_materials": "0", "conversations": "12",
            "contacts_made": "4", "notes": "Good mood"}
    data.update(overrides)
    return data


# --- The list --------------------------------------------------------------------------------


def test_a_member_sees_outreach_they_took_part_in(client, world):
    log_session(world, who=[world.bob_person], location="Bob's corner")
    client.force_login(world.bob)
    response = client.get(reverse("outreach"))
    assert response.status_code == 200 and "Bob&#x27;s corner" in response.content.decode()


def test_a_member_does_not_see_outreach_of_others_outside_their_networks(client, world):
    log_session(world, who=[world.dave_person], location="Campus lawn")
    client.force_login(world.bob)
    assert "Campus lawn" not in client.get(reverse("outreach")).content.decode()


def test_another_chapters_organizer_does_not_see_riverside_outreach(client, world):
    log_session(world, location="Riverside corner")
    client.force_login(world.charlie)
    response = client.get(reverse("outreach"))
    assert response.status_code == 200 and "Riverside corner" not in response.content.decode()


def test_the_outreach_list_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(reverse("outreach")))


def _count_outreach_queries(client, world, rows: int) -> int:
    OutreachSession.objects.all().delete()
    for i in range(rows):
        session = OutreachSession.objects.create(
            chapter=world.chapter, location=f"Corner {i}", place=world.place,
            network=world.network, started_at=timezone.now() - timedelta(days=i), flyers=i)
        session.participants.set([world.bob_person, world.carol_person])
    client.force_login(world.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("outreach"))
    assert response.content.decode().count("Corner ") == rows
    return len(queries)


def test_the_outreach_list_query_count_does_not_grow_with_rows(client, world):
    assert _count_outreach_queries(client, world, 5) == _count_outreach_queries(client, world, 45)


# --- Logging outreach ------------------------------------------------------------------------


def test_a_member_logs_their_own_outreach_and_gets_a_code_for_it(client, world):
    client.force_login(world.bob)
    form_page = client.get(reverse("outreach_new"))
    assert form_page.status_code == 200
    response = client.post(reverse("outreach_new"), form_data(network=world.network.public_id))
    session = OutreachSession.objects.get()
    assert response.status_code == 302 and response.url == session_url(session)
    assert list(session.participants.all()) == [world.bob_person]
    assert session.flyers == 50 and session.posters == 0 and session.network == world.network
    assert ReferralCode.objects.filter(outreach=session).exists()


def test_an_organizer_logs_outreach_done_by_chapter_people(client, world):
    client.force_login(world.alice)
    data = form_data(participants=[world.bob_person.public_id, world.carol_person.public_id])
    client.post(reverse("outreach_new"), data)
    session = OutreachSession.objects.get()
    assert set(session.participants.all()) == {world.bob_person, world.carol_person}


def test_outreach_without_a_place_is_refused_keeping_what_was_typed(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("outreach_new"), form_data(location="", notes="Kept notes"))
    assert response.status_code == 200 and not OutreachSession.objects.exists()
    page = response.content.decode()
    assert "Say where it happened." in page and "Kept notes" in page


def test_negative_counts_and_future_dates_are_refused(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("outreach_new"), form_data(flyers="-3"))
    assert response.context["form"].errors["flyers"]
    future = local(timezone.now() + timedelta(days=2))
    response = client.post(reverse("outreach_new"), form_data(started_at=future))
    assert response.context["form"].errors["started_at"]
    assert not OutreachSession.objects.exists()


def test_a_member_cannot_log_outreach_for_a_network_they_are_not_in(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("outreach_new"),
                           form_data(network=world.other_network.public_id))
    assert response.context["form"].errors["network"]
    assert not OutreachSession.objects.exists()


def test_a_member_cannot_name_people_outside_their_networks(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("outreach_new"),
                           form_data(participants=[world.dave_person.public_id]))
    assert response.context["form"].errors["participants"]


def test_an_account_with_no_chapter_may_not_log_outreach(client, world):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("outreach_new")).status_code == 403


def test_logging_outreach_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(reverse("outreach_new")))


# --- A session -------------------------------------------------------------------------------


def test_a_participant_sees_the_session_with_its_sign_up_code(client, world):
    session = log_session(world, who=[world.bob_person])
    client.force_login(world.bob)
    response = client.get(session_url(session))
    page = response.content.decode()
    code = session.codes.get()
    assert response.status_code == 200 and "Main St corner" in page
    assert reverse("code_qr", kwargs={"code": code.code}) in page and poster_url(code) in page


def test_a_discreet_participant_is_named_to_organizers_only(client, world):
    quiet = make_person(world.chapter, "Quietperson", discreet=True)
    session = log_session(world, who=[world.bob_person, quiet])
    client.force_login(world.bob)
    response = client.get(session_url(session))
    assert "Quietperson" not in response.content.decode()
    assert response.context["page"].hidden_count == 1
    client.force_login(world.alice)
    assert "Quietperson" in client.get(session_url(session)).content.decode()


def test_a_session_is_404_for_outsiders_and_people_not_in_it(client, world):
    session = log_session(world, who=[world.bob_person])
    for user in (world.charlie, world.dave):
        client.force_login(user)
        assert client.get(session_url(session)).status_code == 404


def test_a_session_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(session_url(log_session(world))))


# --- Codes -----------------------------------------------------------------------------------


def test_the_codes_page_lists_my_codes_with_sign_up_counts(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    client.force_login(world.carol)
    response = client.get(reverse("codes"))
    page = response.content.decode()
    assert response.status_code == 200 and code.code in page and "0 sign-ups" in page
    assert world.network.name in page  # the button for her network's code


def test_the_codes_page_does_not_list_another_chapters_codes(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    client.force_login(world.charlie)
    assert code.code not in client.get(reverse("codes")).content.decode()


def test_the_codes_page_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(reverse("codes")))


def _count_code_queries(client, world, rows: int) -> int:
    ReferralCode.objects.all().delete()
    event = event_create(actor=world.alice, chapter=world.chapter, title="Showing",
                         starts_at=timezone.now() + timedelta(days=1))
    session = log_session(world)
    ReferralCode.objects.all().delete()
    owners = [{"person": world.bob_person}, {"network": world.network}, {"event": event},
              {"outreach": session}, {}]
    for i in range(rows):
        ReferralCode.objects.create(chapter=world.chapter, **owners[i % len(owners)])
    client.force_login(world.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("codes"))
    assert response.content.decode().count('href="/codes/') >= rows
    return len(queries)


def test_the_codes_page_query_count_does_not_grow_with_rows(client, world):
    assert _count_code_queries(client, world, 5) == _count_code_queries(client, world, 45)


def test_a_member_gets_their_personal_code_once(client, world):
    client.force_login(world.bob)
    first = client.post(reverse("code_new"))
    code = ReferralCode.objects.get(person=world.bob_person)
    assert first.status_code == 302 and first.url == poster_url(code)
    client.post(reverse("code_new"))
    assert ReferralCode.objects.filter(person=world.bob_person).count() == 1


def test_a_convener_gets_their_networks_code(client, world):
    client.force_login(world.carol)
    client.post(reverse("code_new"), {"network": world.network.public_id})
    assert ReferralCode.objects.filter(network=world.network).count() == 1


def test_a_member_cannot_get_a_networks_code(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("code_new"), {"network": world.network.public_id},
                           follow=True)
    assert "You can only get the code of a network you convene." in response.content.decode()
    assert not ReferralCode.objects.filter(network=world.network).exists()


def test_getting_a_code_is_refused_to_anonymous_visitors_and_gets(client, world):
    assert login_redirect(client.post(reverse("code_new")))
    client.force_login(world.bob)
    assert client.get(reverse("code_new")).status_code == 405


def test_the_owner_prints_their_code_as_a_big_qr_with_the_short_code_and_url(client, world):
    code = code_for_person(actor=world.bob, person=world.bob_person)
    client.force_login(world.bob)
    page = client.get(poster_url(code)).content.decode()
    assert "<svg" in page and code.code in page
    assert f"http://testserver/join/{code.code}/" in page


def test_an_organizer_prints_any_code_of_the_chapter(client, world):
    code = code_for_person(actor=world.bob, person=world.bob_person)
    client.force_login(world.alice)
    assert client.get(poster_url(code)).status_code == 200


def test_the_host_networks_convener_prints_the_events_code(client, world):
    event = event_create(actor=world.alice, chapter=world.chapter, title="Showing",
                         starts_at=timezone.now() + timedelta(days=1), host_network=world.network)
    client.force_login(world.carol)
    assert client.get(poster_url(event.codes.get())).status_code == 200


def test_a_participant_prints_the_sessions_code(client, world):
    session = log_session(world, who=[world.bob_person])
    client.force_login(world.bob)
    assert client.get(poster_url(session.codes.get())).status_code == 200


def test_someone_elses_code_is_404_to_members_and_outsiders(client, world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    for user in (world.bob, world.charlie):
        client.force_login(user)
        assert client.get(poster_url(code)).status_code == 404


def test_the_poster_sends_anonymous_visitors_to_log_in(client, world):
    code = code_for_person(actor=world.bob, person=world.bob_person)
    assert login_redirect(client.get(poster_url(code)))


def test_a_network_of_another_chapter_is_refused_by_the_service(client, world):
    client.force_login(world.admin)
    data = form_data(chapter=world.chapter.public_id,
                     network=world.hilltop_network.public_id)
    response = client.post(reverse("outreach_new"), data)
    assert response.context["form"].errors["network"] == [
        "That network belongs to another chapter."]
    assert not OutreachSession.objects.exists()
