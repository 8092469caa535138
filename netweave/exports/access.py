"""Single rows for the export pages: the chapter an export is narrowed to, a feed's owner."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.core.selectors import chapters_for
from netweave.exports.models import FeedToken
from netweave.exports.services import feed_hash

MAX_TOKEN = 100


def access_export_chapter(actor: Any, *, public_id: str = "", slug: str = "") -> Chapter | None:
    """The chapter an export is for: the one asked for (by public id on the web, by slug on the
    command line) if it is one of the actor's (chapters_for), 404 for any other; nothing asked,
    the actor's own (their person's chapter, else the first they organize). Every export is of
    one chapter, so its audit row is on that chapter's audit log for its organizers to see.
    None only for someone with no chapter at all (whose exports are empty)."""
    chapters = chapters_for(actor)
    if public_id or slug:
        chapter = (chapters.filter(public_id=public_id) if public_id
                   else chapters.filter(slug=slug)).first()
        if chapter is None:
            raise Http404
        return chapter
    home = scope_of(actor).home_chapter_id
    mine = chapters.filter(pk=home).first() if home else None
    return mine or chapters.order_by("name").first()


def access_public_calendar(slug: str) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        raise Http404
    return chapter


def access_feed_token(raw: str) -> FeedToken:
    """The working feed token for this secret, with its user; 404 for anything else (unknown,
    turned off, or the account deactivated), without saying which."""
    if not raw or len(raw) > MAX_TOKEN:
        raise Http404
    token = (FeedToken.objects.select_related("user")
             .filter(token_hash=feed_hash(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        raise Http404
    return token
