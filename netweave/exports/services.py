"""Writes for exports: the audit row of every export, and the personal calendar feed's secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from netweave.core.access import require_login
from netweave.core.ledger import audit
from netweave.core.models import AuditEntry
from netweave.exports.files import FORMATS
from netweave.exports.models import FeedToken
from netweave.exports.selectors import Export

AUDIT_ACTION = "export"
PREFIX_LENGTH = 6


def export_audit(*, actor: Any, export: Export, fmt: str, origin: str = "web") -> AuditEntry:
    """The audit row of one export: who, which table, with which filters, how many rows, in
    which format. Written before the first byte leaves, so a streamed export is audited even
    when the download is cut short (the row count is the count when the export started)."""
    require_login(actor)
    if fmt not in FORMATS:
        raise Http404
    return audit(actor=actor, action=AUDIT_ACTION,
                 chapter_id=export.chapter.pk if export.chapter else None,
                 target=f"exports/{export.table}", table=export.table, format=fmt,
                 filters=export.filters(), rows=export.count, origin=origin)


def feed_hash(raw: str) -> str:
    """Keyed (HMAC) so that the table alone cannot be used to test guesses."""
    key = f"feed-token:{settings.NETWEAVE_HASH_KEY}".encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def feed_token_create(*, actor: Any) -> tuple[FeedToken, str]:
    """A new secret feed address for the actor (shown once); the old one stops working."""
    require_login(actor)
    _revoke_all(actor)
    raw = secrets.token_urlsafe(32)
    token = FeedToken.objects.create(user=actor, prefix=raw[:PREFIX_LENGTH],
                                     token_hash=feed_hash(raw))
    audit(actor=actor, action="feed_token.create", target=token.public_id)
    return token, raw


@transaction.atomic
def feed_token_revoke(*, actor: Any) -> int:
    """Turn the actor's feed address off; returns how many were working (0 or 1)."""
    require_login(actor)
    revoked = _revoke_all(actor)
    if revoked:
        audit(actor=actor, action="feed_token.revoke", target="")
    return revoked


def _revoke_all(actor: Any) -> int:
    return FeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now())


@transaction.atomic
def feed_used(*, token: FeedToken, rows: int) -> None:
    """Note a fetch of the feed. Calendar apps fetch every few minutes to hours: the first
    fetch of each day is audited (who, how many events); later ones only move last_used_at."""
    now = timezone.now()
    first_today = (token.last_used_at is None
                   or timezone.localdate(token.last_used_at) != timezone.localdate(now))
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    if first_today:
        audit(actor=token.user, action=AUDIT_ACTION, target="exports/calendar",
              table="calendar", format="ics", filters={}, rows=rows, origin="feed")
