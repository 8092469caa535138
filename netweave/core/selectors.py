"""Reads about chapters and places, scoped to the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of


def chapters_for(actor: Any) -> QuerySet[Chapter]:
    """Chapters the actor belongs to: organized ones, and their own person's chapter."""
    scope = scope_of(actor)
    if scope.is_admin:
        return Chapter.objects.all()
    ids = set(scope.organizer_chapters)
    if scope.person is not None:
        ids.add(scope.person.chapter_id)
    return Chapter.objects.filter(id__in=ids)


def organized_chapters_for(actor: Any) -> QuerySet[Chapter]:
    return Chapter.objects.filter(scope_of(actor).chapter_ids())


def places_for(
    actor: Any, chapter_id: int | None = None, *, chapter_ids: Iterable[int] | None = None,
) -> QuerySet[Place]:
    """Places of the actor's chapters, optionally narrowed to one chapter or a few."""
    qs = Place.objects.filter(chapter__in=chapters_for(actor)).select_related("parent")
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    if chapter_ids is not None:
        qs = qs.filter(chapter_id__in=list(chapter_ids))
    return qs.order_by("name")
