from __future__ import annotations

from typing import Any

from django.http import Http404

from netweave.core.access import get_in_scope
from netweave.core.scope import scope_of
from netweave.outreach.models import OutreachSession, ReferralCode


def access_outreach(actor: Any, public_id: str) -> OutreachSession:
    return get_in_scope(
        OutreachSession.objects.select_related("place", "network", "logged_by"),
        scope_of(actor).outreach_q(), public_id,
    )


def access_public_code(code: str) -> ReferralCode:
    """The sign-up page for a code: anyone may open it, only while the code is active."""
    row = (
        ReferralCode.objects.select_related("chapter", "person", "network", "event", "outreach")
        .filter(code=(code or "").strip().upper(), active=True)
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_code(actor: Any, code: str) -> ReferralCode:
    """A code its owner or an organizer manages (to print its QR poster)."""
    row = ReferralCode.objects.filter(scope_of(actor).codes_q(), code=code).select_related(
        "chapter", "person", "network", "event", "outreach").first()
    if row is None:
        raise Http404
    return row
