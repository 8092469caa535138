"""Message settings and the "stop these messages" link, driven as a user would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from netweave.core.models import AuditEntry
from netweave.notify import jobs
from netweave.notify.models import Mute
from netweave.notify.tests.helpers import TODAY, email, task_for

pytestmark = pytest.mark.django_db


def test_the_settings_page_shows_every_kind_ticked_at_first(world, client):
    client.force_login(world.bob)
    page = client.get("/notifications/").content.decode()
    assert page.count('type="checkbox"') == 4 and page.count("checked") == 4


def test_unticking_a_kind_stops_it_and_ticking_it_again_brings_it_back(world, client):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    client.force_login(world.bob)
    response = client.post("/notifications/", {"wanted": ["digest", "event_soon", "followup"]})
    assert response.status_code == 302
    assert set(Mute.objects.filter(person=world.bob_person).values_list("reason", flat=True)) \
        == {"task_due"}
    jobs.send_task_reminders(TODAY)
    assert mail.outbox == []
    client.post("/notifications/", {"wanted": ["digest", "task_due", "event_soon", "followup"]})
    jobs.send_task_reminders(TODAY)
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="notify.mutes").count() == 2


def test_an_unknown_kind_is_refused_with_a_message_and_nothing_changes(world, client):
    client.force_login(world.bob)
    response = client.post("/notifications/", {"wanted": ["digest", "spam"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Mute.objects.exists()


def test_an_owner_without_a_person_row_mutes_on_their_account(world, client):
    world.alice_person.delete()
    world.alice.email = "alice@example.org"
    world.alice.save()
    world.erin.followup_owner = world.alice
    world.erin.followup_due = TODAY
    world.erin.save()
    client.force_login(world.alice)
    client.post("/notifications/", {"wanted": ["digest"]})
    jobs.send_followup_reminders(TODAY)
    assert mail.outbox == []


def stop_link(message) -> str:  # noqa: ANN001
    return re.search(r"http://[^/]+(/notifications/stop/\w+/)", message.body).group(1)


def test_the_stop_link_in_a_message_asks_first_then_stops_that_kind_only(world, client):
    email(world.bob_person, "bob@example.org")
    task = task_for(world, person=world.bob_person, due_on=TODAY)
    jobs.send_task_reminders(TODAY)
    link = stop_link(mail.outbox[0])
    assert "Stop these messages?" in client.get(link).content.decode()
    assert not Mute.objects.exists()  # a mail scanner opening the link changes nothing
    assert "You will get no more" in client.post(link).content.decode()
    assert list(Mute.objects.values_list("person", "reason")) == [
        (world.bob_person.pk, "task_due")]
    task.due_on = TODAY + timedelta(days=1)
    task.save()
    jobs.send_task_reminders(TODAY)
    assert len(mail.outbox) == 1
    entry = AuditEntry.objects.get(action="notify.stop")
    assert entry.actor is None and entry.detail == {"reason": "task_due"}


def test_an_unknown_stop_link_is_not_found(world, client):
    assert client.get("/notifications/stop/doesnotexist0000/").status_code == 404
    assert client.post("/notifications/stop/doesnotexist0000/").status_code == 404


def test_the_settings_page_lists_what_was_sent_to_me_only(world, client):
    email(world.bob_person, "bob@example.org")
    email(world.carol_person, "carol@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    task_for(world, person=world.carol_person, due_on=TODAY)
    jobs.send_task_reminders(TODAY)
    client.force_login(world.bob)
    page = client.get("/notifications/").content.decode()
    assert page.count("Task due soon (Sent)") == 1


def test_the_settings_page_fits_a_small_screen_without_scripts(world, client):
    client.force_login(world.bob)
    page = client.get("/notifications/").content.decode()
    assert 'name="viewport"' in page and "<form" in page and "hx-" not in page


def test_every_signed_in_page_links_to_the_message_settings_in_the_menu(world, client):
    client.force_login(world.bob)
    page = client.get("/").content.decode()
    menu = page[page.index('<details class="menu">'):page.index("</details>")]
    assert 'href="/notifications/"' in menu
    client.logout()
    assert 'href="/notifications/"' not in client.get("/login/").content.decode()
