"""`netweave notify`: a dry run lists what is due without reading contacts or sending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from netweave.core.models import AuditEntry
from netweave.notify.models import Notification
from netweave.notify.tests.helpers import TODAY, email, task_for

pytestmark = pytest.mark.django_db


def test_a_dry_run_lists_what_is_due_and_sends_nothing(world, capsys):
    email(world.bob_person, "bob@example.org")
    world.erin.discreet = True
    world.erin.save()
    email(world.erin, "erin@example.org", preferred=True)
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=1))
    task_for(world, person=world.erin, due_on=TODAY)
    call_command("notify", "--dry-run", "--today", str(TODAY), "--only", "task_due")
    out = capsys.readouterr().out
    assert "task_due: 2 due" in out
    assert f"Bob ({world.bob_person.public_id}) by email [en]" in out
    assert "Erin" not in out and world.erin.public_id in out
    assert "example.org" not in out
    assert mail.outbox == [] and not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="contacts.read").exists()


def test_the_digest_is_listed_on_its_day_or_when_asked_for(world, capsys, settings):
    settings.NETWEAVE_DIGEST_WEEKDAY = TODAY.weekday()
    call_command("notify", "--dry-run", "--today", str(TODAY))
    assert "digest: 0 due" in capsys.readouterr().out
    call_command("notify", "--dry-run", "--today", str(TODAY + timedelta(days=1)))
    assert "digest" not in capsys.readouterr().out
    call_command("notify", "--dry-run", "--today", str(TODAY + timedelta(days=1)), "--digest")
    assert "digest: 0 due" in capsys.readouterr().out


def test_without_dry_run_it_sends_once(world, capsys):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person, due_on=TODAY)
    call_command("notify", "--today", str(TODAY), "--only", "task_due")
    call_command("notify", "--today", str(TODAY), "--only", "task_due")
    out = capsys.readouterr().out
    assert "task_due: 1 sent" in out and "task_due: 0 sent, 1 already done" in out
    assert len(mail.outbox) == 1
