from __future__ import annotations

from typing import Any

from django.http import Http404

from netweave.core.access import get_in_scope, require
from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.events.models import Event
from netweave.events.services import may_run_event


def access_event(actor: Any, public_id: str, *, for_write: bool = False) -> Event:
    event = get_in_scope(
        Event.objects.select_related("chapter", "place", "host_network"),
        scope_of(actor).events_q(), public_id,
    )
    if for_write:
        require(may_run_event(actor, event))
    return event


def access_public_event(public_id: str) -> Event:
    """The public page of an event: anyone with the link, only if the event is public."""
    event = Event.objects.select_related("chapter", "place").filter(
        public_id=public_id, is_public=True
    ).first()
    if event is None:
        raise Http404
    return event


def access_event_chapters(actor: Any) -> list[Chapter]:
    """Chapters the actor may create events in (organizers; conveners for their network's
    chapter); 403 for a member, who may not create events."""
    from netweave.events.selectors import event_chapters_for

    chapters = list(event_chapters_for(actor))
    require(bool(chapters))
    return chapters
