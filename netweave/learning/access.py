"""Single learning rows for front doors: outsiders get 404, those who may see but not change
get 403."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from netweave.core.access import get_in_scope, require
from netweave.core.scope import scope_of
from netweave.learning.models import Guide, Resource


def may_manage(actor: Any, resource: Resource) -> bool:
    """The chapter's organizers change its resources and guides; the shared starter set is
    the installation's, so only admins change it."""
    scope = scope_of(actor)
    if resource.chapter_id is None:
        return scope.is_admin
    return scope.organizes(resource.chapter_id)


def access_resource(actor: Any, public_id: str, *, for_write: bool = False) -> Resource:
    """A resource of the actor's chapter or the shared set (404 otherwise); for_write: one they
    manage (403)."""
    resource = get_in_scope(Resource.objects.select_related("chapter"),
                            scope_of(actor).resources_q(), public_id)
    if for_write:
        require(may_manage(actor, resource))
    return resource


def access_guide(actor: Any, public_id: str, *, for_write: bool = False) -> Guide:
    visible = Resource.objects.filter(scope_of(actor).resources_q()).values("id")
    guide = get_in_scope(Guide.objects.select_related("resource__chapter"),
                         Q(resource_id__in=visible), public_id)
    if for_write:
        require(may_manage(actor, guide.resource))
    return guide
