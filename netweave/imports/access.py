from __future__ import annotations

from typing import Any

from django.db.models import Q

from netweave.core.access import get_in_scope, require
from netweave.core.scope import scope_of
from netweave.imports.models import ImportRun


def access_import(actor: Any, public_id: str, *, for_write: bool = False) -> ImportRun:
    """An import run of a chapter the actor organizes (admins: any); 404 for everybody else.
    Only organizers see runs at all, so there is no read-only viewer to refuse a write."""
    scope = scope_of(actor)
    allowed = Q() if scope.is_admin else Q(chapter_id__in=scope.organizer_chapters)
    run = get_in_scope(ImportRun.objects.select_related("chapter", "created_by"), allowed,
                       public_id)
    if for_write:
        require(scope.organizes(run.chapter_id))
    return run
