"""Every read about work, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.scope import scope_of
from netweave.work.models import Playbook, Task

OPEN = [Task.Status.OFFERED, Task.Status.ACCEPTED]


def tasks_for(
    actor: Any, *, status: str = "", open_only: bool = False, person: Any = None,
    network: Any = None, chapter_id: int | None = None,
) -> QuerySet[Task]:
    qs = Task.objects.filter(scope_of(actor).tasks_q()).select_related(
        "playbook", "person", "network"
    )
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN)
    if person is not None:
        qs = qs.filter(person=person)
    if network is not None:
        qs = qs.filter(network=network)
    return qs.distinct().order_by("due_on", "-offered_at")


def my_tasks(actor: Any) -> QuerySet[Task]:
    """The member's own short list: open tasks given to them or to their networks."""
    scope = scope_of(actor)
    if scope.person is None:
        return Task.objects.none()
    mine = Q(person=scope.person) | Q(network_id__in=scope.member_networks)
    return (
        Task.objects.filter(mine, status__in=OPEN)
        .select_related("playbook", "network", "person")
        .order_by("due_on", "-offered_at")
    )


def overdue_tasks_for(actor: Any, *, limit: int = 20) -> QuerySet[Task]:
    return tasks_for(actor, open_only=True).filter(due_on__lt=timezone.localdate())[:limit]


def playbooks_for(actor: Any, *, setting: str = "", max_minutes: int | None = None,
                  discreet_only: bool = False) -> QuerySet[Playbook]:
    scope = scope_of(actor)
    chapters = set(scope.organizer_chapters)
    if scope.person is not None:
        chapters.add(scope.person.chapter_id)
    qs = Playbook.objects.filter(active=True)
    if not scope.is_admin:
        qs = qs.filter(Q(chapter__isnull=True) | Q(chapter_id__in=chapters))
    if setting:
        qs = qs.filter(setting=setting)
    if max_minutes:
        qs = qs.filter(minutes__lte=max_minutes)
    if discreet_only:
        qs = qs.filter(discreet_safe=True)
    return qs.order_by("minutes", "title")


# --- Pages ------------------------------------------------------------------------------------


def assignable_people_for(actor: Any) -> QuerySet[Any]:
    """People the actor may give work to (work.services._may_assign): everyone in the chapters
    they organize, the members of networks they convene, and themselves. Discreet people stay
    with organizers: only the people the actor may see are offered."""
    from netweave.networks.models import Membership
    from netweave.people.models import Person

    scope = scope_of(actor)
    people = Person.objects.filter(scope.people_q())
    if not scope.is_admin:
        allowed = Q(chapter_id__in=scope.organizer_chapters)
        if scope.person is not None:
            convened = Membership.objects.filter(
                network_id__in=scope.convened_networks, left_on__isnull=True
            ).values("person_id")
            allowed |= Q(id=scope.person.id) | Q(id__in=convened)
        people = people.filter(allowed)
    return people.order_by("display_name", "id")


def assignable_networks_for(actor: Any) -> QuerySet[Any]:
    """Networks the actor may give work to: the chapter's, for organizers; their own, for
    conveners. Dissolved networks take no new work."""
    from netweave.networks.models import Network

    scope = scope_of(actor)
    networks = Network.objects.exclude(status=Network.Status.DISSOLVED)
    if not scope.is_admin:
        networks = networks.filter(
            Q(chapter_id__in=scope.organizer_chapters) | Q(id__in=scope.convened_networks)
        )
    return networks.order_by("name", "id")


@dataclass
class AssignmentTarget:
    playbook: Playbook | None = None
    person: Any = None
    network: Any = None


def assignment_target(
    actor: Any, *, playbook_id: str = "", person_id: str = "", network_id: str = "",
) -> AssignmentTarget:
    """What `/tasks/new/?playbook=…&person=…|network=…` names, checked the way access functions
    check: 404 for rows the actor may not see, 403 for an assignee they may not give work to."""
    from netweave.core.access import require
    from netweave.networks.access import access_network
    from netweave.people.access import access_person
    from netweave.work.access import access_playbook
    from netweave.work.services import may_assign

    target = AssignmentTarget(
        playbook=access_playbook(actor, playbook_id) if playbook_id else None,
        person=access_person(actor, person_id) if person_id else None,
        network=access_network(actor, network_id) if network_id else None,
    )
    require(may_assign(actor, person=target.person, network=target.network))
    return target


def label_assignees(actor: Any, tasks: Iterable[Task]) -> list[Task]:
    """Set `assignee_label` and `assignee_url` on each task. A discreet person's name is shown
    to organizers and to themselves only; a convener coaching them sees that the task exists."""
    scope = scope_of(actor)
    me = scope.person.id if scope.person is not None else None
    rows = list(tasks)
    for task in rows:
        person = task.person
        if person is None:
            task.assignee_label = task.network.name  # type: ignore[attr-defined,union-attr]
            task.assignee_url = f"/networks/{task.network.public_id}/"  # type: ignore[attr-defined,union-attr]
        elif not person.discreet or person.id == me or scope.organizes(task.chapter_id):
            task.assignee_label = person.display_name  # type: ignore[attr-defined]
            task.assignee_url = f"/people/{person.public_id}/"  # type: ignore[attr-defined]
        else:
            task.assignee_label = _("a member who keeps a low profile")  # type: ignore[attr-defined]
            task.assignee_url = ""  # type: ignore[attr-defined]
    return rows


@dataclass
class TaskPage:
    """The task page: its steps with their ticks, what to report, and whether the actor may
    work on it (tick, accept, report, drop)."""

    task: Task
    steps: list[tuple[int, str, bool]]
    report: list[tuple[str, str, Any]]
    may_work: bool
    assignee_label: str = ""
    assignee_url: str = ""
    report_labels: list[tuple[str, str]] = field(default_factory=list)


def task_page(actor: Any, task: Task) -> TaskPage:
    """For a task `access_task` already let the actor see."""
    from netweave.work.services import may_work_on

    playbook = with_text([task.playbook])[0]
    texts = playbook.text["steps"]  # type: ignore[attr-defined]
    if len(texts) != len(playbook.steps):  # a stale translation must not shift the ticks
        texts = playbook.steps
    done = set(task.steps_done)
    labels = playbook.report_labels()
    label_assignees(actor, [task])
    return TaskPage(
        task=task,
        steps=[(i, text, i in done) for i, text in enumerate(texts)],
        report=[(key, label, task.report.get(key)) for key, label in labels],
        may_work=may_work_on(scope_of(actor), task),
        assignee_label=task.assignee_label,  # type: ignore[attr-defined]
        assignee_url=task.assignee_url,  # type: ignore[attr-defined]
        report_labels=labels,
    )


def with_text(playbooks: Iterable[Playbook]) -> list[Playbook]:
    """Set `text` on each playbook: its title, summary, steps and what to prepare in the active
    language (templates cannot call `localized(field)` with an argument)."""
    rows = list(playbooks)
    for playbook in rows:
        playbook.text = {  # type: ignore[attr-defined]
            name: playbook.localized(name) for name in ("title", "summary", "steps", "prepare")
        }
        playbook.text["report_labels"] = [label for _key, label in playbook.report_labels()]  # type: ignore[attr-defined]
    return rows
