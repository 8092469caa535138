from __future__ import annotations

from typing import Any

from django.db.models import Q

from netweave.core.access import get_in_scope, require
from netweave.core.scope import scope_of
from netweave.work.models import Playbook, Task
from netweave.work.services import may_work_on


def access_task(actor: Any, public_id: str, *, for_write: bool = False) -> Task:
    scope = scope_of(actor)
    task = get_in_scope(
        Task.objects.select_related("playbook", "person", "network", "chapter"),
        scope.tasks_q(), public_id,
    )
    if for_write:
        require(may_work_on(scope, task))
    return task


def access_playbook(actor: Any, public_id: str) -> Playbook:
    """Playbooks are the chapter's shared catalog: any signed-in person of the chapter reads it."""
    scope = scope_of(actor)
    if not scope.is_authenticated:
        from django.http import Http404

        raise Http404
    chapters = set(scope.organizer_chapters)
    if scope.person is not None:
        chapters.add(scope.person.chapter_id)
    visible = Q() if scope.is_admin else (Q(chapter__isnull=True) | Q(chapter_id__in=chapters))
    return get_in_scope(Playbook.objects.all(), visible, public_id)
