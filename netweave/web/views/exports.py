"""Exports (docs/exporting.md): the page listing what the user may take out, the CSV and JSON
downloads, the personal calendar feed's secret address, and the two calendar feeds.

Thin: the rows come from netweave/exports/selectors.py, the audit row and the feed secret from
netweave/exports/services.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netweave.core.selectors import chapters_for
from netweave.exports import ical, services
from netweave.exports.access import (
    access_export_chapter,
    access_feed_token,
    access_public_calendar,
)
from netweave.exports.files import CONTENT_TYPES, FORMATS, STREAM_FROM, pieces
from netweave.exports.selectors import (
    export_for,
    feed_events_for,
    feed_token_for,
    public_events_of,
    tables_for,
)

PUBLIC_ID_LENGTH = 16


def _table_labels() -> dict[str, str]:
    return {
        "people": _("People"), "networks": _("Networks"), "memberships": _("Memberships"),
        "tasks": _("Tasks"), "events": _("Events"), "ledger": _("Ledger (who did what)"),
        "lineage": _("Lineage (generation table)"),
    }


@login_required
def exports(request: HttpRequest, *, new_feed: str = "") -> HttpResponse:
    chapter = access_export_chapter(request.user, public_id=request.GET.get("chapter", ""))
    labels = _table_labels()
    response = render(request, "web/exports/index.html", {
        "tables": [(t, labels[t]) for t in tables_for(request.user)],
        "chapters": list(chapters_for(request.user).order_by("name")),
        "chapter": chapter,
        "feed": feed_token_for(request.user),
        "new_feed_url": new_feed,
    })
    # The answer that shows a new feed address once must not be kept by a browser or proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_table(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404
    chapter = access_export_chapter(request.user, public_id=request.GET.get("chapter", ""))
    # ?person=<public id>: that one person, asked for by name (discreet people only so).
    export = export_for(request.user, table, chapter=chapter,
                        person=request.GET.get("person", "")[:PUBLIC_ID_LENGTH],
                        contacts=request.GET.get("contacts") == "1")
    services.export_audit(actor=request.user, export=export, fmt=fmt)
    meta = {"table": export.table, "chapter": chapter.slug if chapter else None,
            "exported_at": timezone.now().isoformat(), **export.filters()}
    chunks = pieces(fmt, meta, export.headers, export.rows())
    # A small table goes out in one piece (with its length, so the browser shows progress);
    # a big one is streamed, never held in memory whole.
    response: HttpResponse | StreamingHttpResponse = (
        StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
        if export.count >= STREAM_FROM
        else HttpResponse("".join(chunks), content_type=CONTENT_TYPES[fmt]))
    scope = chapter.slug if chapter else "none"
    name = f"{scope}-{table}-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def export_feed_new(request: HttpRequest) -> HttpResponse:
    _token, raw = services.feed_token_create(actor=request.user)
    url = request.build_absolute_uri(reverse("calendar_personal", kwargs={"token": raw}))
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return exports(request, new_feed=url)


@login_required
@require_POST
def export_feed_revoke(request: HttpRequest) -> HttpResponse:
    if services.feed_token_revoke(actor=request.user):
        messages.success(request, _("Your calendar feed is turned off."))
    return redirect("exports")


def calendar_public(request: HttpRequest, chapter: str) -> HttpResponse:
    """A chapter's public events, for anyone's calendar app (nothing personal in it)."""
    row = access_public_calendar(chapter)
    body = ical.calendar(
        _("%(chapter)s: public events") % {"chapter": row.name}, public_events_of(row),
        lambda e: request.build_absolute_uri(reverse("public_event", args=[e.public_id])),
        private=False,
    )
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Cache-Control"] = "public, max-age=900"
    return response


def calendar_personal(request: HttpRequest, token: str) -> HttpResponse:
    """A person's own calendar, for calendar apps that cannot sign in: the secret address is
    the key (netweave/exports/models.py)."""
    feed = access_feed_token(token)
    events = list(feed_events_for(feed.user))
    services.feed_used(token=feed, rows=len(events))
    body = ical.calendar(
        _("netweave: my events"), events,
        lambda e: request.build_absolute_uri(reverse("event", args=[e.public_id])),
        private=True,
    )
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("exports/", exports, name="exports"),
    path("exports/<slug:table>.<slug:fmt>", export_table, name="export_table"),
    path("exports/calendar/new/", export_feed_new, name="export_feed_new"),
    path("exports/calendar/off/", export_feed_revoke, name="export_feed_revoke"),
    path("calendar/<slug:chapter>/public.ics", calendar_public, name="calendar_public"),
    path("calendar/feed/<str:token>.ics", calendar_personal, name="calendar_personal"),
]
