"""Writes about chapters, places and organizer roles."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.models import Chapter, ChapterRole, Place
from netweave.core.scope import forget_scope, scope_of


@transaction.atomic
def chapter_create(*, actor: Any, name: str, region: str = "") -> Chapter:
    require(scope_of(actor).is_admin)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the chapter.")})
    slug = slugify(name)[:50] or "chapter"
    if Chapter.objects.filter(slug=slug).exists():
        raise ValidationError({"name": _("There is already a chapter with that name.")})
    chapter = Chapter.objects.create(name=name, slug=slug, region=region.strip())
    audit(actor=actor, action="chapter.create", chapter_id=chapter.id, target=slug)
    return chapter


@transaction.atomic
def organizer_grant(*, actor: Any, chapter: Chapter, user: Any) -> ChapterRole:
    """Make someone an organizer of a chapter: admins, and the chapter's own organizers."""
    require(scope_of(actor).organizes(chapter.id))
    role, created = ChapterRole.objects.get_or_create(
        user=user, chapter=chapter, role=ChapterRole.Role.ORGANIZER
    )
    if created:
        audit(actor=actor, action="role.grant", chapter_id=chapter.id, target=user.username,
              role="organizer")
    forget_scope(user)
    return role


@transaction.atomic
def organizer_revoke(*, actor: Any, chapter: Chapter, user: Any) -> None:
    require(scope_of(actor).organizes(chapter.id))
    deleted, _rows = ChapterRole.objects.filter(
        user=user, chapter=chapter, role=ChapterRole.Role.ORGANIZER
    ).delete()
    if deleted:
        audit(actor=actor, action="role.revoke", chapter_id=chapter.id, target=user.username,
              role="organizer")
    forget_scope(user)


@transaction.atomic
def place_create(
    *, actor: Any, chapter: Chapter, name: str, kind: str = Place.Kind.OTHER,
    parent: Place | None = None, is_target: bool = False, target_networks: int = 0,
) -> Place:
    require(scope_of(actor).organizes(chapter.id))
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the place.")
    elif Place.objects.filter(chapter=chapter, name__iexact=name).exists():
        errors["name"] = _("The chapter already has a place with that name.")
    if parent is not None and parent.chapter_id != chapter.id:
        errors["parent"] = _("That place belongs to another chapter.")
    if kind not in Place.Kind.values:
        errors["kind"] = _("Choose a kind of place.")
    if errors:
        raise ValidationError(errors)
    place = Place.objects.create(chapter=chapter, name=name, kind=kind, parent=parent,
                                 is_target=is_target, target_networks=target_networks)
    audit(actor=actor, action="place.create", chapter_id=chapter.id, target=place.public_id)
    return place
