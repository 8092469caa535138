from __future__ import annotations

from typing import Any

from netweave.core.access import get_in_scope, require
from netweave.core.scope import scope_of
from netweave.people.models import Person


def access_person(actor: Any, public_id: str, *, for_write: bool = False) -> Person:
    """A person the actor may see (404 otherwise); with for_write, one they may edit (403)."""
    scope = scope_of(actor)
    person = get_in_scope(
        Person.objects.select_related("chapter", "place", "followup_owner", "user"),
        scope.people_q(), public_id,
    )
    if for_write:
        is_self = scope.person is not None and scope.person.id == person.id
        require(scope.organizes(person.chapter_id) or is_self)
    return person
