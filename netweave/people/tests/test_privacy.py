"""Forgetting a person and the retention purge (people/privacy.py, docs/privacy.md): the
chapter's counts stay the same, nothing identifying remains in any table, forgotten people
drop out of lists, and only contacts who never took a step are purged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from netweave.core.ledger import Kind, record
from netweave.core.models import AuditEntry, Invite
from netweave.core.testing import make_person
from netweave.core.worker import load_jobs
from netweave.events.services import attendance_check_in, event_create
from netweave.metrics.funnel import followup_funnel
from netweave.metrics.headline import headline_values
from netweave.networks.selectors import members_of
from netweave.networks.services import membership_add
from netweave.outreach.services import code_for_person
from netweave.people import services
from netweave.people.jobs import RETENTION_PURGE
from netweave.people.links import link_for_task
from netweave.people.models import (
    ActionLink,
    ChapterSettings,
    ContactChannel,
    DeletionRequest,
    FollowUp,
    Person,
)
from netweave.people.privacy import FORGOTTEN_NAME, person_forget, retention_purge
from netweave.people.selectors import people_for
from netweave.work.services import task_accept, task_assign, task_report

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine.q@example.org"
PHONE = "+44 7700 900461"
PHONE_DIGITS = "7700900461"
SECRET_NOTE = "lives above the bakery on Quill Street"


def a_full_life(world: Any) -> Person:
    """Someone with a bit of everything: signed up by carol's code with an email and phone,
    followed up with notes, an account, a task with a note, an event, a network, an invite."""
    code = code_for_person(actor=world.carol, person=world.carol_person)
    person, _created = services.person_signup(code=code, display_name=NAME, email=EMAIL,
                                              phone=PHONE)
    services.followup_update(actor=world.alice, person=person, status=FollowUp.CONTACTED,
                             note=SECRET_NOTE)
    services.person_update(actor=world.alice, person=person, social_grouping="Quill choir",
                           availability="evenings at Quill Street")
    services.invite_create(actor=world.alice, person=person)
    task = task_assign(actor=world.alice, playbook=world.playbook, person=person,
                       note=f"ask {NAME} about the choir")
    link_for_task(actor=world.alice, task=task)
    user = get_user_model().objects.create_user("zquill", email=EMAIL, password="x-Long-pass-9")
    Person.objects.filter(pk=person.pk).update(user=user)
    person.refresh_from_db()
    task_accept(actor=user, task=task)
    task_report(actor=user, task=task, numbers={}, note=f"{NAME} did it")
    event = event_create(actor=world.alice, chapter=world.chapter, title="Showing",
                         starts_at=timezone.now() - timedelta(days=1))
    attendance_check_in(actor=world.alice, event=event, person=person)
    membership_add(actor=world.alice, network=world.network, person=person)
    return person


def counts(world: Any) -> tuple[Any, ...]:
    today = timezone.localdate()
    funnel = followup_funnel([world.chapter.pk], today)
    return (headline_values([world.chapter.pk], today),
            [(s.step, s.people) for s in funnel.total], Person.objects.count())


def every_text_value() -> str:
    """Every text-like value of every row of every table, read through the models (so
    encrypted columns are decrypted first): what a search for a name or a number would find."""
    values = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        if not fields:
            continue
        for row in model._base_manager.all():
            values += [str(getattr(row, f.attname)) for f in fields]
    return "\n".join(values).lower()


def test_forgetting_keeps_the_chapters_counts(world):
    person = a_full_life(world)
    before = counts(world)
    person_forget(actor=world.alice, person=person)
    assert counts(world) == before


def test_forgetting_leaves_nothing_identifying_in_any_table(world):
    person = a_full_life(world)
    text = every_text_value()
    assert NAME.lower() in text and EMAIL in text and PHONE_DIGITS in text.replace(" ", "")
    person_forget(actor=world.alice, person=person)
    text = every_text_value()
    for needle in (NAME.lower(), "zephyrine", "quillfeather", EMAIL, PHONE_DIGITS,
                   SECRET_NOTE.lower(), "quill choir", "zquill"):
        assert needle not in text, needle
    person.refresh_from_db()
    assert person.display_name == FORGOTTEN_NAME and person.forgotten_at is not None
    assert not ContactChannel.objects.filter(person=person).exists()


def test_forgetting_disables_their_account_and_revokes_invites_and_links(world):
    person = a_full_life(world)
    user = person.user
    person_forget(actor=world.alice, person=person)
    user.refresh_from_db()
    person.refresh_from_db()
    assert person.user is None and not user.is_active and not user.has_usable_password()
    assert not Invite.objects.filter(person=person).exists()
    assert not ActionLink.objects.filter(person=person).exists()
    assert person.followup_status == FollowUp.DO_NOT_CONTACT
    row = AuditEntry.objects.get(action="person.forget")
    assert row.actor == world.alice and row.target == person.public_id


def test_forgotten_people_drop_out_of_lists_and_search(world):
    person = a_full_life(world)
    person_forget(actor=world.alice, person=person)
    for actor in (world.alice, world.admin):
        assert person not in people_for(actor)
        assert not people_for(actor, search="Forgotten").exists()
    assert person not in people_for(world.bob)  # a fellow member of the network
    for actor in (world.alice, world.carol):
        assert person.pk not in {m.person_id for m in members_of(actor, world.network)}


def test_it_refuses_to_forget_for_anyone_but_the_chapters_organizers(world):
    for actor in (world.bob, world.carol, world.charlie):
        with pytest.raises(PermissionDenied):
            person_forget(actor=actor, person=world.erin)
    world.erin.refresh_from_db()
    assert world.erin.display_name == "Erin" and world.erin.forgotten_at is None


def test_it_refuses_to_forget_someone_twice(world):
    person_forget(actor=world.alice, person=world.erin)
    with pytest.raises(ValidationError):
        person_forget(actor=world.alice, person=world.erin)


def test_forgetting_answers_their_open_request(world):
    request = DeletionRequest.objects.create(chapter=world.chapter, person=world.bob_person)
    person_forget(actor=world.alice, person=world.bob_person)
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.DONE and request.handled_by == world.alice


# --- Retention -------------------------------------------------------------------------------


def old(person: Person, days: int = 400) -> Person:
    Person.objects.filter(pk=person.pk).update(joined_at=timezone.now() - timedelta(days=days))
    person.refresh_from_db()
    return person


def test_retention_forgets_only_contacts_who_never_took_a_step(world):
    stale = old(make_person(world.chapter, "Stale Sam"))
    recent = make_person(world.chapter, "Recent Rita")
    did_something = old(make_person(world.chapter, "Doer Dan"))
    record(kind=Kind.TASK_DONE, chapter_id=world.chapter.pk, person=did_something)
    met = old(make_person(world.chapter, "Met Mo", followup_status=FollowUp.MET))
    touched = old(make_person(world.chapter, "Touched Tess",
                              touched_at=timezone.now() - timedelta(days=5)))
    with_account = old(world.erin)
    with_account.user = get_user_model().objects.create_user("erin")
    with_account.save()
    results = retention_purge(today=timezone.localdate())
    forgotten = {p.pk for r in results for p in r.people}
    assert forgotten == {stale.pk}
    for person in (recent, did_something, met, touched, with_account):
        person.refresh_from_db()
        assert person.forgotten_at is None, person.display_name
    row = AuditEntry.objects.get(action="person.forget", target=stale.public_id)
    assert row.actor is None and row.via == "system" and row.detail["why"] == "retention"


def test_a_chapter_with_retention_zero_keeps_everyone(world):
    stale = old(make_person(world.chapter, "Stale Sam"))
    ChapterSettings.objects.create(chapter=world.chapter, retention_days=0)
    retention_purge(today=timezone.localdate())
    stale.refresh_from_db()
    assert stale.forgotten_at is None


def test_the_retention_job_is_scheduled_and_runs_once_a_day(world):
    assert RETENTION_PURGE in load_jobs()
    stale = old(make_person(world.chapter, "Stale Sam"))
    today = timezone.localdate()
    assert RETENTION_PURGE.is_due(today)
    assert RETENTION_PURGE.run(today) == "retention: 1 forgotten"
    assert not RETENTION_PURGE.is_due(today)
    stale.refresh_from_db()
    assert stale.display_name == FORGOTTEN_NAME


def test_purge_stale_dry_run_lists_them_and_changes_nothing(world, capsys):
    stale = old(make_person(world.chapter, "Stale Sam"))
    audits = AuditEntry.objects.count()
    call_command("purge_stale", "--dry-run")
    out = capsys.readouterr().out
    assert "riverside: would forget 1" in out and stale.public_id in out
    assert "Stale Sam" not in out
    stale.refresh_from_db()
    assert stale.forgotten_at is None and AuditEntry.objects.count() == audits
    call_command("purge_stale")
    stale.refresh_from_db()
    assert stale.forgotten_at is not None
