"""Which chapters' aggregates an actor may see. Metric functions take chapter ids; the front
doors get them here, so need-to-know is still decided by core.scope."""

from __future__ import annotations

from typing import Any

from netweave.core.models import Chapter
from netweave.core.scope import scope_of


def metrics_chapters_for(actor: Any) -> list[int]:
    """Admins: every chapter; organizers: the chapters they organize; anyone else: none.

    Conveners see their own networks' health through network_health, not chapter aggregates.
    """
    scope = scope_of(actor)
    if scope.is_admin:
        return list(Chapter.objects.order_by("pk").values_list("pk", flat=True))
    return sorted(scope.organizer_chapters)
