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
    for_person: Person | None = None,
) -> Task:
    """Report back: the task is done and these are its numbers. One tap from a phone.

    `for_person` is whom the ledger credits when someone reports for another: a no-login link
    used by a member with no account acts as its maker, but the work was the member's. Only
    whoever may speak for the network's work (its conveners, the organizers) or the person
    themselves may name someone, and only the task's own person or a current member of its
    network."""
    scope = scope_of(actor)
    require(may_work_on(scope, task))
    _open_check(task)
    if for_person is not None:
        _check_credited(scope, task, for_person)
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
    doer = task.person or for_person or (scope.person if task.network_id else None)
    record(kind=Kind.TASK_DONE, chapter_id=task.chapter_id, actor=actor, person=doer,
           network=task.network, task=task, data={"report": clean, "playbook": task.playbook.slug})
    if doer is not None:
        if doer.followup_status in (FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET):
            Person.objects.filter(pk=doer.pk).update(followup_status=FollowUp.FIRST_TASK)
        refresh_stage(doer)
    return task


def _check_credited(scope: Scope, task: Task, person: Person) -> None:
    """Refuse crediting a report to someone it is not theirs to claim (see task_report). A
    task given to a person is always credited to that person, so naming them changes nothing."""
    if task.person_id is not None:
        if person.id != task.person_id:
            raise ValidationError({"person": _("They cannot report on this task.")})
        return
    is_self = scope.person is not None and scope.person.id == person.id
    require(is_self or scope.may_run_network(task.network))
    if not Membership.objects.filter(network=task.network, person=person,
                                     left_on__isnull=True).exists():
        raise ValidationError({"person": _("Choose a member of the network.")})


@transaction.atomic
def task_drop(*, actor: Any, task: Task, reason: str = "") -> Task:
    require(may_work_on(scope_of(actor), task))
    _open_check(task)
    task.status = Task.Status.DROPPED
    task.report_note = reason.strip()
    task.save(update_fields=["status", "report_note"])
    audit(actor=actor, action="task.drop", chapter_id=task.chapter_id, target=task.public_id)
    return task


STAGES = ("contact", "participant", "contributor", "organized", "convener", "builder")
CONSTRAINTS = ("full_time_work", "caregiving", "health", "no_transport", "online_only",
               "controlling_home")


def report_fields_from(labels: list[str], old: list[dict[str, str]] | None = None,
                       ) -> list[dict[str, str]]:
    """Report fields from their labels, one per line. A label that was there before keeps its
    key, so the numbers already reported under it still count."""
    keys = {f["label"]: f["key"] for f in old or []}
    fields: list[dict[str, str]] = []
    used: set[str] = set()
    for label in (text.strip() for text in labels):
        if not label:
            continue
        key = keys.get(label) or slugify(label).replace("-", "_")[:40] or "count"
        base, n = key, 2
        while key in used:
            key, n = f"{base}_{n}", n + 1
        used.add(key)
        fields.append({"key": key, "label": label[:120]})
    return fields


def _check_playbook(values: dict[str, Any], *, chapter_id: int) -> dict[str, str]:
    """Everything a chapter's playbook must be, as error messages by field."""
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = _("Give the playbook a title.")
    if not values["steps"]:
        errors["steps"] = _("Write at least one step, from beginning to end.")
    if values["setting"] not in Setting.values:
        errors["setting"] = _("Choose where it happens.")
    if not 1 <= values["minutes"] <= 60 * 40:
        errors["minutes"] = _("Minutes needed must be between 1 and 2400.")
    if values["visibility"] not in (0, 1, 2):
        errors["visibility"] = _("Choose how public-facing it is.")
    if set(values["suitable_for"]) - set(CONSTRAINTS):
        errors["suitable_for"] = _("Unknown constraint.")
    if values["min_stage"] not in STAGES:
        errors["min_stage"] = _("Choose a stage of the ladder.")
    kind = values["builds_toward"]
    if kind is not None and kind.chapter_id not in (None, chapter_id):
        errors["builds_toward"] = _("That network kind belongs to another chapter.")
    es = values["translations"].get("es", {})
    if es.get("steps") and len(es["steps"]) != len(values["steps"]):
        errors["translations"] = _("Write as many steps in Spanish as in English, or none.")
    return errors


def _playbook_values(
    *, title: str, setting: str, minutes: int, steps: list[str], summary: str = "",
    report_fields: list[dict[str, str]] | None = None, prepare: str = "",
    discreet_safe: bool = False, visibility: int = 1, suitable_for: list[str] | None = None,
    builds_toward: Any = None, min_stage: str = "contact",
    translations: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "title": title.strip(), "setting": setting, "minutes": minutes,
        "steps": [s.strip() for s in steps if s and s.strip()], "summary": summary.strip(),
        "report_fields": report_fields or [], "prepare": prepare.strip(),
        "discreet_safe": discreet_safe, "visibility": visibility,
        "suitable_for": sorted(set(suitable_for or [])), "builds_toward": builds_toward,
        "min_stage": min_stage, "translations": translations or {},
    }


@transaction.atomic
def playbook_create(*, actor: Any, chapter: Chapter, **fields: Any) -> Playbook:
    """A chapter adds a way in to its catalog. `fields` are `_playbook_values`' keywords."""
    require(scope_of(actor).organizes(chapter.id))
    values = _playbook_values(**fields)
    errors = _check_playbook(values, chapter_id=chapter.id)
    slug = slugify(values["title"])[:60] or "playbook"
    if Playbook.objects.filter(chapter=chapter, slug=slug).exists():
        errors["title"] = _("The chapter already has a playbook with that title.")
    if errors:
        raise ValidationError(errors)
    playbook = Playbook.objects.create(chapter=chapter, slug=slug, **values)
    audit(actor=actor, action="playbook.create", chapter_id=chapter.id, target=slug)
    return playbook


@transaction.atomic
def playbook_update(*, actor: Any, playbook: Playbook, active: bool = True,
                    **fields: Any) -> Playbook:
    """A chapter changes one of its own playbooks; the shared starter catalog is changed by
    migrations only (every chapter relies on it). The slug stays, so links keep working.
    Retiring (`active=False`) keeps its tasks and history but offers it no more."""
    if playbook.chapter_id is None:
        require(False)
    require(scope_of(actor).organizes(playbook.chapter_id))
    values = _playbook_values(**fields)
    errors = _check_playbook(values, chapter_id=playbook.chapter_id)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(playbook, key, value)
    playbook.active = active
    playbook.save()
    audit(actor=actor, action="playbook.update", chapter_id=playbook.chapter_id,
          target=playbook.slug)
    return playbook


def _check_fits(playbook: Playbook, person: Person) -> None:
    """The one-click offers only give work that matching allows (work/matching.py)."""
    from netweave.work import matching
    from netweave.work.selectors import situation_of, work_of

    refusal = matching.playbook_refusal(situation_of(person), work_of(playbook))
    if refusal:
        raise ValidationError({"playbook": _("This does not fit their situation: %s.")
                               % matching.REFUSALS[refusal]})


@transaction.atomic
def task_offer(*, actor: Any, playbook: Playbook, person: Person) -> Task:
    """Offer a suggested playbook to a person: `task_assign`, refused when the work breaks a
    hard matching rule for them (a discreet person is never offered traceable work)."""
    require(_may_assign(scope_of(actor), person=person, network=None))
    _check_fits(playbook, person)
    return task_assign(actor=actor, playbook=playbook, person=person)


@transaction.atomic
def task_take_on(*, actor: Any, playbook: Playbook) -> Task:
    """A person takes on a suggested playbook themselves: the task is theirs, accepted."""
    me = scope_of(actor).person
    require(me is not None)
    assert me is not None
    _check_fits(playbook, me)
    task = task_assign(actor=actor, playbook=playbook, person=me)
    return task_accept(actor=actor, task=task)


def may_assign(actor: Any, *, person: Person | None = None, network: Network | None = None) -> bool:
    """Whether `task_assign` would let the actor give work to this person or network: lets a
    page refuse (403) before showing a form whose submission would be refused anyway."""
    scope = scope_of(actor)
    return all(
        _may_assign(scope, person=p, network=n)
        for p, n in ((person, None), (None, network)) if (p or n) is not None
    )
