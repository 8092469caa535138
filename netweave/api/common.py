"""Small helpers shared by the routers: looking up the rows a request names, through the
existing selectors and access functions (never a query of the API's own)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from netweave.core.models import Chapter
from netweave.core.selectors import chapters_for, places_for

LIMIT_DESCRIPTION = "Rows per page, 1 to 200."
CURSOR_DESCRIPTION = "The next_cursor of the previous page."


def ref(row: Any) -> str | None:
    """A related row's public_id (the API never shows primary keys)."""
    return None if row is None else row.public_id


def chapter_named(actor: Any, public_id: str) -> Chapter:
    """A chapter the actor belongs to (organizes, or is a person of); 404 otherwise."""
    chapter = chapters_for(actor).filter(public_id=public_id).first()
    if chapter is None:
        raise Http404
    return chapter


def place_named(actor: Any, chapter: Chapter, public_id: str | None) -> Any:
    if not public_id:
        return None
    place = places_for(actor, chapter.id).filter(public_id=public_id).first()
    if place is None:
        raise ValidationError({"place": _("No such place in this chapter.")})
    return place
