"""Every read about work, scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

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
