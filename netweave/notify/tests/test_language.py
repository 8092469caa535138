"""Messages speak the recipient's language when netweave knows it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from netweave.notify import jobs
from netweave.notify.models import Notification
from netweave.notify.recipients import language_of
from netweave.notify.tests.helpers import TODAY, email, task_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("languages", "expected"), [
    (["es", "en"], "es"), (["zh", "es"], "es"), (["es-MX"], "es"), (["zh"], "en"), ([], "en"),
])
def test_the_first_language_netweave_speaks_is_chosen(world, languages, expected):
    world.bob_person.languages = languages
    assert language_of(world.bob_person) == expected


def test_a_spanish_speaker_gets_their_reminder_in_spanish(world):
    world.playbook.translations = {"es": {"title": "Comparte un clip con tres personas"}}
    world.playbook.save()
    world.bob_person.languages = ["es"]
    world.bob_person.save()
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=2))
    with translation.override("en"):
        jobs.send_task_reminders(TODAY)
    (message,) = mail.outbox
    assert "Comparte un clip con tres personas" in message.subject
    assert "4 de marzo de 2026" in message.body  # Django's Spanish date format
    assert message.extra_headers["Content-Language"] == "es"
    assert Notification.objects.get().language == "es"


def test_an_english_speaker_is_not_affected_by_the_servers_active_language(world):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=2))
    with translation.override("es"):
        jobs.send_task_reminders(TODAY)
    assert "March 4, 2026" in mail.outbox[0].body
