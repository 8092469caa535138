"""Every write about work: assigning playbooks, accepting, steps, reporting back."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from netweave.campaigns.models import Campaign
from netweave.core.access import require
from netweave.core.ledger import Kind, audit, record
from netweave.core.models import Chapter
from netweave.core.scope import Scope, scope_of
from netweave.core.validation import whole_numbers
from netweave.networks.models import Membership, Network
from netweave.people.ladder import refresh_stage
from netweave.people.models import FollowUp, Person
from netweave.work.models import Playbook, Setting, Task

MAX_REPORT_NUMBER = 10_000_000


def _may_assign(scope: Scope, *, person: Person | None, network: Network | None) -> bool:
    target_chapter = (person or network).chapter_id  # type: ignore[union-attr]
    if scope.organizes(target_chapter):
        return True
    if network is not None:
        return scope.convenes(network.id)
    assert person is not None
    if scope.person is not None and scope.person.id == person.id:
        return True  # anyone may take on a piece of work themselves
    return Membership.objects.filter(
        person=person, network_id__in=scope.convened_networks, left_on__isnull=True
    ).exists()


def may_work_on(scope: Scope, task: Task) -> bool:
    """The assignee, members of the assigned network, their conveners, and organizers (who
    record for people who never log in)."""
    if scope.organizes(task.chapter_id):
        return True
    if task.network_id and task.network_id in scope.member_networks:
        return True
    if task.person_id and scope.person is not None and task.person_id == scope.person.id:
        return True
    if task.person_id and scope.convened_networks:
        return Membership.objects.filter(
            person_id=task.person_id, network_id__in=scope.convened_networks,
            left_on__isnull=True,
        ).exists()
    return False


@transaction.atomic
def task_assign(
    *, actor: Any, playbook: Playbook, person: Person | None = None,
    network: Network | None = None, due_on: date | None = None, note: str = "",
    campaign: Campaign | None = None,
) -> Task:
    if (person is None) == (network is None):
        raise ValidationError({"person": _("Give the task to one person or one network.")})
    chapter_id = (person or network).chapter_id  # type: ignore[union-attr]
    require(_may_assign(scope_of(actor), person=person, network=network))
    if playbook.chapter_id not in (None, chapter_id):
        raise ValidationError({"playbook": _("That playbook belongs to another chapter.")})
    if not playbook.active:
        raise ValidationError({"playbook": _("That playbook is retired.")})
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date is in the past.")})
    if campaign is not None and campaign.chapter_id != chapter_id:
        raise ValidationError({"campaign": _("That campaign belongs to another chapter.")})
    task = Task.objects.create(
        chapter_id=chapter_id, playbook=playbook, person=person, network=network,
        due_on=due_on, note=note.strip(), assigned_by=actor, campaign=campaign,
    )
    audit(actor=actor, action="task.assign", chapter_id=chapter_id, target=task.public_id,
          playbook=playbook.slug)
    return task


def _open_check(task: Task) -> None:
    if task.status in (Task.Status.REPORTED, Task.Status.DROPPED):
        raise ValidationError(_("This task is already closed."))


@transaction.atomic
def task_accept(*, actor: Any, task: Task) -> Task:
    scope = scope_of(actor)
    require(may_work_on(scope, task))
    _open_check(task)
    if task.status == Task.Status.OFFERED:
        task.status = Task.Status.ACCEPTED
        task.accepted_at = timezone.now()
        task.save(update_fields=["status", "accepted_at"])
        record(kind=Kind.TASK_ACCEPTED, chapter_id=task.chapter_id, actor=actor,
               person=task.person or scope.person, network=task.network, task=task)
    return task


@transaction.atomic
def task_step(*, actor: Any, task: Task, step: int, done: bool = True) -> Task:
    """Tick (or untick) one step. Ticking a step accepts an offered task."""
    require(may_work_on(scope_of(actor), task))
    _open_check(task)
    if not 0 <= step < len(task.playbook.steps):
        raise ValidationError(_("There is no such step."))
    if task.status == Task.Status.OFFERED:
        task_accept(actor=actor, task=task)
    steps = set(task.steps_done)
    (steps.add if done else steps.discard)(step)
    task.steps_done = sorted(steps)
    task.save(update_fields=["steps_done"])
    return task


def _clean_report(playbook: Playbook, numbers: dict[str, Any]) -> dict[str, int]:
    clean, errors = whole_numbers(
        numbers, allowed=(f["key"] for f in playbook.report_fields),
        unknown=_("This playbook does not count that."), maximum=MAX_REPORT_NUMBER,
    )
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def task_report(
    *, actor: Any, task: Task, numbers: dict[str, Any], note: str = "",
) -> Task:
    """Report back: the task is done and these are its numbers. One tap from a phone."""
    scope = scope_of(actor)
    require(may_work_on(scope, task))
    _open_check(task)
    clean = _clean_report(task.playbook, numbers)
    now = timezone.now()
    if task.accepted_at is None:
        task.accepted_at = now
    task.status = Task.Status.REPORTED
    task.done_at = task.done_at or now
    task.reported_at = now
    task.report = clean
    task.report_note = note.strip()
    task.steps_done = list(range(len(task.playbook.steps)))
    task.save()
    doer = task.person or (scope.person if task.network_id else None)
    record(kind=Kind.TASK_DONE, chapter_id=task.chapter_id, actor=actor, person=doer,
           network=task.network, task=task, data={"report": clean, "playbook": task.playbook.slug})
    if doer is not None:
        if doer.followup_status in (FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET):
            Person.objects.filter(pk=doer.pk).update(followup_status=FollowUp.FIRST_TASK)
        refresh_stage(doer)
    return task


@transaction.atomic
def task_drop(*, actor: Any, task: Task, reason: str = "") -> Task:
    require(may_work_on(scope_of(actor), task))
    _open_check(task)
    task.status = Task.Status.DROPPED
    task.report_note = reason.strip()
    task.save(update_fields=["status", "report_note"])
    audit(actor=actor, action="task.drop", chapter_id=task.chapter_id, target=task.public_id)
    return task


@transaction.atomic
def playbook_create(
    *, actor: Any, chapter: Chapter, title: str, setting: str, minutes: int, steps: list[str],
    summary: str = "", report_fields: list[dict[str, str]] | None = None, prepare: str = "",
    discreet_safe: bool = False, visibility: int = 1, suitable_for: list[str] | None = None,
) -> Playbook:
    """A chapter adds a way in to its catalog."""
    require(scope_of(actor).organizes(chapter.id))
    errors: dict[str, str] = {}
    title = title.strip()
    steps = [s.strip() for s in steps if s and s.strip()]
    if not title:
        errors["title"] = _("Give the playbook a title.")
    if not steps:
        errors["steps"] = _("Write at least one step, from beginning to end.")
    if setting not in Setting.values:
        errors["setting"] = _("Choose where it happens.")
    if not 1 <= minutes <= 60 * 40:
        errors["minutes"] = _("Minutes needed must be between 1 and 2400.")
    slug = slugify(title)[:60] or "playbook"
    if Playbook.objects.filter(chapter=chapter, slug=slug).exists():
        errors["title"] = _("The chapter already has a playbook with that title.")
    if errors:
        raise ValidationError(errors)
    playbook = Playbook.objects.create(
        chapter=chapter, slug=slug, title=title, summary=summary, steps=steps, minutes=minutes,
        setting=setting, report_fields=report_fields or [], prepare=prepare,
        discreet_safe=discreet_safe, visibility=visibility, suitable_for=suitable_for or [],
    )
    audit(actor=actor, action="playbook.create", chapter_id=chapter.id, target=slug)
    return playbook


def may_assign(actor: Any, *, person: Person | None = None, network: Network | None = None) -> bool:
    """Whether `task_assign` would let the actor give work to this person or network: lets a
    page refuse (403) before showing a form whose submission would be refused anyway."""
    scope = scope_of(actor)
    return all(
        _may_assign(scope, person=p, network=n)
        for p, n in ((person, None), (None, network)) if (p or n) is not None
    )
