"""When each reminder goes out, to whom, and that running a job twice sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from netweave.core.worker import run_due
from netweave.events.models import Attendance
from netweave.notify import jobs
from netweave.notify.models import JobRun, Notification
from netweave.notify.selectors import event_reminders_due, task_reminders_due
from netweave.notify.services import MAX_ATTEMPTS
from netweave.notify.tests.helpers import TODAY, at, email, event_with_rsvp, phone, task_for
from netweave.people.models import FollowUp
from netweave.work.models import Task

pytestmark = pytest.mark.django_db


# --- tasks ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("days", "reminded"), [(-1, False), (0, True), (1, True), (2, True),
                                                 (3, False)])
def test_an_open_task_is_reminded_from_two_days_before_it_is_due(world, days, reminded):
    email(world.bob_person)
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=days))
    assert bool(task_reminders_due(TODAY)) is reminded


@pytest.mark.parametrize("status", [Task.Status.DONE, Task.Status.REPORTED, Task.Status.DROPPED])
def test_a_task_no_longer_open_is_not_reminded(world, status):
    email(world.bob_person)
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=1), status=status)
    assert task_reminders_due(TODAY) == []


def test_an_offered_task_is_reminded_too(world):
    email(world.bob_person)
    task_for(world, person=world.bob_person, due_on=TODAY, status=Task.Status.OFFERED)
    assert len(task_reminders_due(TODAY)) == 1


def test_a_network_task_is_reminded_to_the_networks_conveners_not_its_members(world):
    email(world.bob_person, "bob@example.org")
    email(world.carol_person, "carol@example.org")
    task_for(world, network=world.network, due_on=TODAY + timedelta(days=2))
    jobs.send_task_reminders(TODAY)
    (message,) = mail.outbox
    assert message.to == ["carol@example.org"]
    assert "Eastside distribution" in message.body
    assert "in 2 days" in message.subject


def test_the_task_reminder_links_to_the_task(world, settings):
    settings.NETWEAVE_BASE_URL = "https://netweave.example.org"
    email(world.bob_person)
    task = task_for(world, person=world.bob_person, due_on=TODAY)
    jobs.send_task_reminders(TODAY)
    assert f"https://netweave.example.org/tasks/{task.public_id}/" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Due today: ")


def test_a_text_message_is_short_and_carries_the_link(world, sms_outbox):
    phone(world.bob_person, "+15550002222")
    task = task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=1))
    jobs.send_task_reminders(TODAY)
    ((to, text),) = sms_outbox
    assert to == "+15550002222"
    assert text.startswith("Due tomorrow: ") and text.endswith(f"/tasks/{task.public_id}/")
    assert len(text) < 160


def test_a_moved_due_date_is_reminded_again(world):
    email(world.bob_person)
    task = task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=1))
    jobs.send_task_reminders(TODAY)
    task.due_on = TODAY + timedelta(days=2)
    task.save()
    jobs.send_task_reminders(TODAY + timedelta(days=1))
    assert len(mail.outbox) == 2


# --- events ---------------------------------------------------------------------------------
def test_an_rsvp_is_reminded_the_day_before_the_event_and_on_the_day(world):
    email(world.bob_person)
    event_with_rsvp(world, world.bob_person, starts_at=at(TODAY + timedelta(days=1)))
    now = at(TODAY, 0)
    assert len(event_reminders_due(now)) == 1
    assert len(event_reminders_due(now - timedelta(days=1))) == 0  # two days before: not yet
    assert len(event_reminders_due(now + timedelta(days=1))) == 1  # missed day: caught up


def test_an_event_that_has_started_is_not_reminded(world):
    email(world.bob_person)
    event_with_rsvp(world, world.bob_person, starts_at=at(TODAY, 9))
    assert event_reminders_due(at(TODAY, 10)) == []


@pytest.mark.parametrize(("rsvp", "reminded"), [(Attendance.Rsvp.YES, True),
                                                 (Attendance.Rsvp.MAYBE, True),
                                                 (Attendance.Rsvp.NO, False),
                                                 (Attendance.Rsvp.NONE, False)])
def test_only_those_who_said_yes_or_maybe_are_reminded(world, rsvp, reminded):
    email(world.bob_person)
    event_with_rsvp(world, world.bob_person, starts_at=at(TODAY + timedelta(days=1)), rsvp=rsvp)
    assert bool(event_reminders_due(at(TODAY, 0))) is reminded


def test_the_event_reminder_job_sends_today_and_tomorrows_events(world):
    email(world.bob_person, "bob@example.org")
    today = timezone.localdate()
    event_with_rsvp(world, world.bob_person, starts_at=at(today + timedelta(days=1), 19),
                    title="Showing at the library")
    jobs.send_event_reminders(today)
    (message,) = mail.outbox
    assert message.subject == "Coming up: Showing at the library"
    assert "You said you are coming" in message.body


# --- follow-ups -----------------------------------------------------------------------------
def owe_a_followup(world, due, status=FollowUp.NEW):  # noqa: ANN001
    world.alice.email = "alice@example.org"
    world.alice.save()
    world.erin.followup_owner = world.alice
    world.erin.followup_due = due
    world.erin.followup_status = status
    world.erin.save()


@pytest.mark.parametrize(("due_in", "reminded"), [(-3, True), (0, True), (1, False)])
def test_an_owner_is_reminded_of_follow_ups_due_today_or_overdue(world, due_in, reminded):
    owe_a_followup(world, TODAY + timedelta(days=due_in))
    jobs.send_followup_reminders(TODAY)
    assert bool(mail.outbox) is reminded


@pytest.mark.parametrize("status", [FollowUp.IN_NETWORK, FollowUp.NOT_NOW,
                                    FollowUp.DO_NOT_CONTACT])
def test_a_closed_follow_up_is_not_reminded(world, status):
    owe_a_followup(world, TODAY, status)
    jobs.send_followup_reminders(TODAY)
    assert mail.outbox == []


def test_an_overdue_follow_up_is_reminded_again_a_week_later_not_every_day(world):
    owe_a_followup(world, TODAY)
    for day in range(8):
        jobs.send_followup_reminders(TODAY + timedelta(days=day))
    assert len(mail.outbox) == 2  # on the day, and seven days later


def test_a_follow_up_falling_due_brings_a_new_reminder(world):
    owe_a_followup(world, TODAY)
    jobs.send_followup_reminders(TODAY)
    world.dave_person.followup_owner = world.alice
    world.dave_person.followup_due = TODAY + timedelta(days=2)
    world.dave_person.save()
    jobs.send_followup_reminders(TODAY + timedelta(days=1))
    jobs.send_followup_reminders(TODAY + timedelta(days=2))
    assert len(mail.outbox) == 2
    assert "2 follow-ups are due" in mail.outbox[1].subject


def test_discreet_people_are_counted_not_named_in_a_follow_up_reminder(world):
    owe_a_followup(world, TODAY)
    world.dave_person.discreet = True
    world.dave_person.followup_owner = world.alice
    world.dave_person.followup_due = TODAY
    world.dave_person.save()
    jobs.send_followup_reminders(TODAY)
    body = mail.outbox[0].body
    assert "Erin" in body and "Dave" not in body and "1 more" in body


# --- idempotency ----------------------------------------------------------------------------
def test_running_a_job_twice_sends_nothing_twice(world):
    email(world.bob_person)
    task_for(world, person=world.bob_person, due_on=TODAY)
    assert jobs.send_task_reminders(TODAY).startswith("1 sent")
    assert jobs.send_task_reminders(TODAY).startswith("0 sent, 1 already done")
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_the_scheduler_runs_each_notify_job_once_a_day(world):
    email(world.bob_person)
    task_for(world, person=world.bob_person, due_on=TODAY)
    daily = [jobs.TASK_REMINDERS, jobs.EVENT_REMINDERS, jobs.FOLLOWUP_REMINDERS]
    assert [o.job for o in run_due(daily, TODAY)] == [j.name for j in daily]
    assert run_due(daily, TODAY) == []
    assert JobRun.objects.filter(day=TODAY).count() == 3
    assert len(mail.outbox) == 1


def test_the_digest_is_due_only_on_its_weekday(world, settings):
    settings.NETWEAVE_DIGEST_WEEKDAY = TODAY.weekday()
    assert jobs.WEEKLY_DIGEST.is_due(TODAY)
    assert not jobs.WEEKLY_DIGEST.is_due(TODAY + timedelta(days=1))


class FailingSms:
    def send_text(self, to, text):  # noqa: ANN001, ANN201
        raise ConnectionError("gateway down")


def test_a_failed_send_is_retried_on_the_next_run_then_given_up(world, settings):
    settings.NETWEAVE_SMS_BACKEND = "netweave.notify.tests.test_reminders.FailingSms"
    phone(world.bob_person)
    task_for(world, person=world.bob_person, due_on=TODAY)
    assert run_due([jobs.TASK_REMINDERS], TODAY)[0].summary == "0 sent, 0 already done, 1 failed"
    assert jobs.TASK_REMINDERS.is_due(TODAY)  # failures keep the job due
    row = Notification.objects.get()
    assert row.status == "failed" and "gateway down" in row.error
    for _ in range(MAX_ATTEMPTS + 1):
        jobs.send_task_reminders(TODAY)
    row.refresh_from_db()
    assert row.attempts == MAX_ATTEMPTS
    settings.NETWEAVE_SMS_BACKEND = "netweave.notify.channels.LocmemSmsBackend"
    assert jobs.send_task_reminders(TODAY).startswith("0 sent, 1 already done")


def test_a_message_that_cannot_be_written_is_recorded_as_failed_and_the_rest_go_out(
        world, monkeypatch):
    from netweave.notify import services

    email(world.bob_person, "bob@example.org")
    email(world.carol_person, "carol@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    task_for(world, person=world.carol_person, due_on=TODAY)
    real = services.compose

    def compose(planned, notification_id):  # noqa: ANN001, ANN202
        if planned.recipient.person == world.bob_person:
            raise KeyError("broken template")
        return real(planned, notification_id)

    monkeypatch.setattr(services, "compose", compose)
    assert jobs.send_task_reminders(TODAY) == "1 sent, 0 already done, 1 failed"
    assert [m.to for m in mail.outbox] == [["carol@example.org"]]
    assert "broken template" in Notification.objects.get(person=world.bob_person).error
