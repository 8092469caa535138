from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from netweave.core.access import get_in_scope, require
from netweave.core.models import Chapter
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
    """A code its owner or an organizer manages (to print its QR poster).

    Beside the codes in `codes_q`, the code of an event is printed by whoever runs it (the
    host network's conveners) and the code of an outreach session by those who see the
    session, so contacts made there can sign up.
    """
    scope = scope_of(actor)
    allowed = scope.codes_q()
    if not scope.is_admin:  # an admin's Q() means "everything": OR-ing onto it would narrow it
        allowed |= Q(event__host_network_id__in=scope.convened_networks) | Q(
            outreach__in=OutreachSession.objects.filter(scope.outreach_q()).values("id"))
    row = ReferralCode.objects.filter(allowed, code=(code or "").strip().upper()).select_related(
        "chapter", "person", "network", "event", "outreach").first()
    if row is None:
        raise Http404
    return row


def access_outreach_chapters(actor: Any) -> list[Chapter]:
    """Chapters the actor may log outreach in; 403 for an account with none."""
    from netweave.outreach.selectors import outreach_chapters_for

    chapters = list(outreach_chapters_for(actor))
    require(bool(chapters))
    return chapters
