"""Who may be contacted, and how: only channels a person agreed to, discreet people only by
their chosen channel, nobody marked "do not contact", and owners by their account email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from netweave.core.models import AuditEntry
from netweave.notify.jobs import send_followup_reminders, send_task_reminders
from netweave.notify.models import Notification
from netweave.notify.tests.helpers import TODAY, email, phone, task_for
from netweave.people.contacts import channel_add
from netweave.people.models import FollowUp

pytestmark = pytest.mark.django_db


def remind_bob_of_a_task(world) -> None:  # noqa: ANN001
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=1))
    send_task_reminders(TODAY)


def test_a_person_with_no_channel_gets_nothing(world, sms_outbox):
    remind_bob_of_a_task(world)
    assert mail.outbox == [] and sms_outbox == []
    assert not Notification.objects.exists()


def test_a_person_is_reached_by_a_channel_they_agreed_to(world):
    email(world.bob_person, "bob@example.org")
    remind_bob_of_a_task(world)
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    row = Notification.objects.get()
    assert (row.person, row.channel, row.status) == (world.bob_person, "email", "sent")


def test_the_preferred_channel_comes_first(world, sms_outbox):
    email(world.bob_person)
    phone(world.bob_person, "+15550009876", preferred=True)
    remind_bob_of_a_task(world)
    assert mail.outbox == []
    assert [to for to, _text in sms_outbox] == ["+15550009876"]


def test_a_preferred_channel_netweave_cannot_deliver_to_falls_back_to_another_agreed_one(world):
    channel_add(person=world.bob_person, kind="signal", value="+15550001111", preferred=True)
    email(world.bob_person, "bob@example.org")
    remind_bob_of_a_task(world)
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_a_discreet_person_is_reached_only_by_their_chosen_channel(world, sms_outbox):
    world.bob_person.discreet = True
    world.bob_person.save()
    email(world.bob_person, "bob@example.org")
    phone(world.bob_person, "+15550004321", preferred=True)
    remind_bob_of_a_task(world)
    assert mail.outbox == []
    assert [to for to, _text in sms_outbox] == ["+15550004321"]


def test_a_discreet_person_who_chose_no_channel_gets_nothing(world, sms_outbox):
    world.bob_person.discreet = True
    world.bob_person.save()
    email(world.bob_person, "bob@example.org")  # agreed to, but not chosen
    remind_bob_of_a_task(world)
    assert mail.outbox == [] and sms_outbox == []


def test_a_discreet_person_whose_chosen_channel_cannot_be_delivered_gets_nothing(world):
    world.bob_person.discreet = True
    world.bob_person.save()
    channel_add(person=world.bob_person, kind="signal", value="+15550001111", preferred=True)
    email(world.bob_person, "bob@example.org")
    remind_bob_of_a_task(world)
    assert mail.outbox == []


def test_do_not_contact_means_nothing_whatever_the_channels(world, sms_outbox):
    world.bob_person.followup_status = FollowUp.DO_NOT_CONTACT
    world.bob_person.save()
    email(world.bob_person, preferred=True)
    phone(world.bob_person)
    remind_bob_of_a_task(world)
    assert mail.outbox == [] and sms_outbox == []


def test_reading_a_contact_to_send_to_is_audited_without_an_actor(world):
    email(world.bob_person, "bob@example.org")
    remind_bob_of_a_task(world)
    entry = AuditEntry.objects.get(action="contacts.read")
    assert entry.actor is None and entry.target == world.bob_person.public_id
    assert entry.detail == {"purpose": "notify:task_due", "kinds": ["email"]}


def test_a_followup_owner_with_no_person_channel_is_reached_at_their_account_email(world):
    world.alice.email = "alice@example.org"
    world.alice.save()
    world.erin.followup_owner = world.alice
    world.erin.followup_due = TODAY
    world.erin.save()
    send_followup_reminders(TODAY)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert Notification.objects.get().channel == "account_email"


def test_a_discreet_owner_without_a_chosen_channel_gets_no_account_email(world):
    world.alice.email = "alice@example.org"
    world.alice.save()
    world.alice_person.discreet = True
    world.alice_person.save()
    world.erin.followup_owner = world.alice
    world.erin.followup_due = TODAY
    world.erin.save()
    send_followup_reminders(TODAY)
    assert mail.outbox == []


def test_messages_never_carry_another_persons_contact_details(world):
    email(world.erin, "erin-secret@example.org")
    world.carol.email = "carol@example.org"
    world.carol.save()
    world.erin.followup_owner = world.carol
    world.erin.followup_due = TODAY
    world.erin.save()
    send_followup_reminders(TODAY)
    (message,) = mail.outbox
    assert "Erin" in message.body
    assert "erin-secret" not in message.body + message.subject
