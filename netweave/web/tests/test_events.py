"""Event pages: list, create, edit, the event page, RSVPs and check-in, as each role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.events.models import Attendance, Event
from netweave.events.services import event_create, event_update
from netweave.outreach.models import ReferralCode
from netweave.people.models import Person


def soon(days: int = 3) -> timezone.datetime:
    return timezone.now() + timedelta(days=days)


def local(dt: timezone.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def make_event(world, *, title="Film night", host=None, is_public=True, days=3, actor=None):
    return event_create(actor=actor or world.alice, chapter=world.chapter, title=title,
                        starts_at=soon(days), host_network=host, is_public=is_public,
                        location="Library, room 2")


def event_url(name, event, **extra):
    return reverse(name, kwargs={"public_id": event.public_id, **extra})


def form_data(world, **overrides):
    data = {"title": "Clip night", "kind": "showing", "starts_at": local(soon()),
            "ends_at": "", "place": world.place.public_id, "location": "Back room",
            "host_network": world.network.public_id, "is_public": "on", "description": ""}
    data.update(overrides)
    return data


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_a_member_their_networks_upcoming_events(client, world):
    make_event(world, title="Eastside showing", host=world.network, is_public=False)
    client.force_login(world.bob)
    response = client.get(reverse("events"))
    assert response.status_code == 200
    assert "Eastside showing" in response.content.decode()


def test_the_past_tab_shows_past_events_and_not_upcoming_ones(client, world):
    make_event(world, title="Last month", days=-30)
    make_event(world, title="Next week", days=7)
    client.force_login(world.alice)
    page = client.get(reverse("events") + "?when=past").content.decode()
    assert "Last month" in page and "Next week" not in page


def test_the_list_ignores_a_bad_filter_and_shows_upcoming_events(client, world):
    make_event(world, title="Next week", days=7)
    client.force_login(world.alice)
    response = client.get(reverse("events") + "?when=yesterday")
    assert response.status_code == 200 and "Next week" in response.content.decode()


def test_the_list_does_not_show_another_chapters_events_to_their_organizer(client, world):
    make_event(world, title="Riverside only")
    client.force_login(world.charlie)
    response = client.get(reverse("events"))
    assert response.status_code == 200 and "Riverside only" not in response.content.decode()


def test_the_list_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(reverse("events")))


def test_the_list_offers_new_event_to_organizers_and_conveners_only(client, world):
    for user, offered in ((world.alice, True), (world.carol, True), (world.bob, False)):
        client.force_login(user)
        page = client.get(reverse("events")).content.decode()
        assert (reverse("event_new") in page) is offered


def _count_list_queries(client, world, rows: int) -> int:
    Event.objects.all().delete()
    for i in range(rows):
        event = make_event(world, title=f"Event {i}", host=world.network, days=1 + i % 20)
        Attendance.objects.create(event=event, person=world.erin, rsvp="yes")
    client.force_login(world.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("events"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/events/') >= rows
    return len(queries)


def test_the_list_query_count_does_not_grow_with_rows(client, world):
    assert _count_list_queries(client, world, 5) == _count_list_queries(client, world, 45)


# --- Creating --------------------------------------------------------------------------------


def test_an_organizer_creates_an_event_with_its_own_sign_up_code(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("event_new"), form_data(world))
    event = Event.objects.get(title="Clip night")
    assert response.status_code == 302 and response.url == event_url("event", event)
    assert event.host_network == world.network and event.place == world.place
    assert ReferralCode.objects.filter(event=event, active=True).exists()


def test_a_convener_creates_an_event_for_their_own_network(client, world):
    client.force_login(world.carol)
    response = client.post(reverse("event_new"), form_data(world))
    assert response.status_code == 302
    assert Event.objects.get(title="Clip night").host_network == world.network


def test_a_convener_must_name_their_network_as_host(client, world):
    client.force_login(world.carol)
    response = client.post(reverse("event_new"), form_data(world, host_network=""))
    assert response.status_code == 200 and not Event.objects.exists()
    assert response.context["form"].errors["host_network"]


def test_a_convener_cannot_host_an_event_for_another_network(client, world):
    client.force_login(world.carol)
    data = form_data(world, host_network=world.other_network.public_id)
    response = client.post(reverse("event_new"), data)
    assert response.status_code == 200 and not Event.objects.exists()
    assert response.context["form"].errors["host_network"]


def test_an_end_before_the_start_is_refused_keeping_what_was_typed(client, world):
    client.force_login(world.alice)
    starts = soon()
    data = form_data(world, title="Typed title", starts_at=local(starts),
                     ends_at=local(starts - timedelta(hours=1)))
    response = client.post(reverse("event_new"), data)
    assert response.status_code == 200 and not Event.objects.exists()
    page = response.content.decode()
    assert "The end must be after the start." in page and 'value="Typed title"' in page


def test_a_missing_title_and_a_bad_date_are_refused(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("event_new"), form_data(world, title=" ", starts_at="soon"))
    errors = response.context["form"].errors
    assert "title" in errors and "starts_at" in errors and not Event.objects.exists()


def test_a_member_may_not_create_events(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("event_new")).status_code == 403
    assert client.post(reverse("event_new"), form_data(world)).status_code == 403
    assert not Event.objects.exists()


def test_creating_an_event_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(reverse("event_new")))


# --- The event page --------------------------------------------------------------------------


def test_the_organizer_sees_attendance_the_code_and_the_public_link(client, world):
    event = make_event(world, host=world.network)
    Attendance.objects.create(event=event, person=world.erin, rsvp="yes")
    client.force_login(world.alice)
    page = client.get(event_url("event", event)).content.decode()
    code = event.codes.get()
    assert "Erin" in page and code.code in page
    assert reverse("code_poster", kwargs={"code": code.code}) in page
    assert event_url("public_event", event) in page
    assert event_url("event_checkin", event) in page


def test_a_member_sees_rsvp_buttons_but_not_who_else_is_coming(client, world):
    event = make_event(world, host=world.network)
    Attendance.objects.create(event=event, person=world.erin, rsvp="yes")
    client.force_login(world.bob)
    response = client.get(event_url("event", event))
    page = response.content.decode()
    assert response.status_code == 200 and event_url("event_rsvp", event) in page
    assert "Erin" not in page and event_url("event_checkin", event) not in page
    assert response.context["page"].going == 1


def test_a_convener_running_the_event_does_not_see_discreet_attendees_named(client, world):
    event = make_event(world, host=world.network)
    hidden = Person.objects.create(chapter=world.chapter, display_name="Quietperson",
                                   discreet=True)
    Attendance.objects.create(event=event, person=hidden, rsvp="yes")
    client.force_login(world.carol)
    response = client.get(event_url("event", event))
    assert "Quietperson" not in response.content.decode()
    assert response.context["page"].hidden_count == 1
    client.force_login(world.alice)
    assert "Quietperson" in client.get(event_url("event", event)).content.decode()


def test_searching_by_name_offers_a_check_in_button(client, world):
    event = make_event(world)
    client.force_login(world.alice)
    response = client.get(event_url("event", event) + "?find=eri")
    matches = response.context["page"].matches
    assert [p for p, _a in matches] == [world.erin]


def test_another_chapters_organizer_gets_404_on_the_event_page(client, world):
    event = make_event(world)
    client.force_login(world.charlie)
    assert client.get(event_url("event", event)).status_code == 404


def test_a_convener_of_another_network_gets_404_on_a_private_event(client, world):
    event = make_event(world, host=world.network, is_public=False)
    client.force_login(world.dave)
    assert client.get(event_url("event", event)).status_code == 404


def test_the_event_page_sends_anonymous_visitors_to_log_in(client, world):
    assert login_redirect(client.get(event_url("event", make_event(world))))


# --- RSVP ------------------------------------------------------------------------------------


def test_a_member_answers_going_and_can_change_it(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.bob)
    response = client.post(event_url("event_rsvp", event), {"rsvp": "yes"})
    assert response.status_code == 302
    client.post(event_url("event_rsvp", event), {"rsvp": "maybe"})
    assert Attendance.objects.get(event=event, person=world.bob_person).rsvp == "maybe"


def test_a_bad_rsvp_changes_nothing_and_says_why(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.bob)
    response = client.post(event_url("event_rsvp", event), {"rsvp": "perhaps"}, follow=True)
    assert "Choose going, maybe or not going." in response.content.decode()
    assert not Attendance.objects.filter(event=event).exists()


def test_an_account_without_a_person_cannot_rsvp(client, world):
    client.force_login(world.admin)
    response = client.post(event_url("event_rsvp", make_event(world)), {"rsvp": "yes"})
    assert response.status_code == 403


def test_rsvp_is_refused_to_outsiders_and_anonymous_visitors(client, world):
    event = make_event(world)
    assert login_redirect(client.post(event_url("event_rsvp", event), {"rsvp": "yes"}))
    client.force_login(world.charlie)
    assert client.post(event_url("event_rsvp", event), {"rsvp": "yes"}).status_code == 404
    assert not Attendance.objects.exists()


# --- Check-in --------------------------------------------------------------------------------


def test_the_organizer_checks_someone_in_and_can_undo_it(client, world):
    event = make_event(world)
    client.force_login(world.alice)
    data = {"person": world.erin.public_id, "attended": "1", "find": "eri"}
    response = client.post(event_url("event_checkin", event), data)
    assert response.status_code == 302 and response.url.endswith("?find=eri#attendance")
    assert Attendance.objects.get(event=event, person=world.erin).attended
    client.post(event_url("event_checkin", event), {**data, "attended": "0"})
    assert not Attendance.objects.get(event=event, person=world.erin).attended
    amounts = Contribution.objects.filter(kind=Contribution.Kind.EVENT_ATTENDED,
                                          event=event).values_list("amount", flat=True)
    assert sorted(amounts) == [-1, 1]


def test_a_convener_checks_in_for_their_networks_event(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.carol)
    client.post(event_url("event_checkin", event), {"person": world.bob_person.public_id,
                                                    "attended": "1"})
    assert Attendance.objects.get(event=event, person=world.bob_person).attended


def test_checking_in_someone_of_another_chapter_is_refused(client, world):
    event = make_event(world)
    client.force_login(world.alice)
    response = client.post(event_url("event_checkin", event),
                           {"person": world.hilltop_person.public_id, "attended": "1"},
                           follow=True)
    assert "That person cannot be checked in here." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_bad_check_in_value_changes_nothing(client, world):
    event = make_event(world)
    client.force_login(world.alice)
    client.post(event_url("event_checkin", event), {"person": world.erin.public_id,
                                                    "attended": "yes please"})
    assert not Attendance.objects.exists()


def test_a_member_may_not_check_people_in(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.bob)
    response = client.post(event_url("event_checkin", event),
                           {"person": world.erin.public_id, "attended": "1"})
    assert response.status_code == 403 and not Attendance.objects.exists()


def test_check_in_is_refused_to_outsiders_and_anonymous_visitors(client, world):
    event = make_event(world)
    data = {"person": world.erin.public_id, "attended": "1"}
    assert login_redirect(client.post(event_url("event_checkin", event), data))
    client.force_login(world.charlie)
    assert client.post(event_url("event_checkin", event), data).status_code == 404


def test_check_in_only_accepts_posts(client, world):
    client.force_login(world.alice)
    assert client.get(event_url("event_checkin", make_event(world))).status_code == 405


# --- Editing ---------------------------------------------------------------------------------


def test_the_organizer_edits_an_event_and_the_form_starts_filled(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.alice)
    form_page = client.get(event_url("event_edit", event)).content.decode()
    assert 'value="Film night"' in form_page and local(event.starts_at) in form_page
    response = client.post(event_url("event_edit", event),
                           form_data(world, title="Film night, moved"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Film night, moved"


def test_a_convener_edits_their_networks_event(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.carol)
    client.post(event_url("event_edit", event), form_data(world, title="Renamed"))
    event.refresh_from_db()
    assert event.title == "Renamed"


def test_a_convener_cannot_move_their_event_to_another_network(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.carol)
    response = client.post(event_url("event_edit", event),
                           form_data(world, host_network=world.other_network.public_id))
    assert response.status_code == 200 and response.context["form"].errors["host_network"]
    event.refresh_from_db()
    assert event.host_network == world.network


def test_the_update_service_refuses_moving_an_event_to_a_network_one_does_not_run(world):
    from django.core.exceptions import PermissionDenied

    event = make_event(world, host=world.network)
    with pytest.raises(PermissionDenied):
        event_update(actor=world.carol, event=event, host_network=world.other_network)


def test_bad_input_when_editing_keeps_what_was_typed_and_changes_nothing(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.alice)
    response = client.post(event_url("event_edit", event),
                           form_data(world, title="New name", starts_at="not a date"))
    assert response.status_code == 200 and 'value="New name"' in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Film night"


def test_a_member_may_not_edit_an_event(client, world):
    event = make_event(world, host=world.network)
    client.force_login(world.bob)
    assert client.get(event_url("event_edit", event)).status_code == 403
    assert client.post(event_url("event_edit", event), form_data(world)).status_code == 403


def test_editing_is_refused_to_outsiders_and_anonymous_visitors(client, world):
    event = make_event(world)
    assert login_redirect(client.get(event_url("event_edit", event)))
    client.force_login(world.charlie)
    assert client.get(event_url("event_edit", event)).status_code == 404


def test_an_admin_acting_in_several_chapters_picks_the_chapter(client, world):
    client.force_login(world.admin)
    assert "chapter" in client.get(reverse("event_new")).context["form"].fields
    data = form_data(world, chapter=world.other_chapter.public_id, place="",
                     host_network=world.hilltop_network.public_id)
    response = client.post(reverse("event_new"), data)
    assert response.status_code == 302
    assert Event.objects.get(title="Clip night").chapter == world.other_chapter


def test_a_place_of_another_chapter_is_refused_by_the_service(client, world):
    client.force_login(world.admin)
    data = form_data(world, chapter=world.other_chapter.public_id, host_network="")
    response = client.post(reverse("event_new"), data)
    assert response.context["form"].errors["place"] == ["That place belongs to another chapter."]
    assert not Event.objects.exists()
