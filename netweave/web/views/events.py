"""Event pages: the list, creating and editing, the event page with RSVPs and check-in.

Thin views: parse with a form, call one access function and one service or selector, render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netweave.events.access import access_event, access_event_chapters
from netweave.events.selectors import event_page_for, events_for
from netweave.events.services import attendance_check_in, event_create, event_update, rsvp_mine
from netweave.web.forms.events import (
    CheckInForm,
    CheckInSearchForm,
    EventFilterForm,
    EventForm,
    RsvpForm,
)
from netweave.web.views.base import apply_service_errors, form_error_messages, paginate


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    filters = EventFilterForm(request.GET or None)
    upcoming = filters.upcoming()
    page = paginate(request, events_for(request.user, upcoming=upcoming))
    return render(request, "web/events/list.html", {
        "filters": filters, "upcoming": upcoming, "page": page,
    })


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    chapters = access_event_chapters(request.user)
    form = EventForm(request.POST or None, actor=request.user, chapters=chapters)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=request.user, chapter=form.chapter, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Event created."))
            return redirect("event", public_id=event.public_id)
    return render(request, "web/events/form.html", {"form": form, "event": None})


@login_required
def event_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_event(request.user, public_id)
    search = CheckInSearchForm(request.GET or None)
    page = event_page_for(request.user, event, find=search.term())
    return render(request, "web/events/detail.html", {
        "event": event, "page": page, "search": search, "rsvp_form": RsvpForm(),
    })


@login_required
def event_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_event(request.user, public_id, for_write=True)
    form = EventForm(request.POST or None, actor=request.user, chapters=[event.chapter],
                     event=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(actor=request.user, event=event, **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("event", public_id=event.public_id)
    return render(request, "web/events/form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_rsvp(request: HttpRequest, public_id: str) -> HttpResponse:
    event = access_event(request.user, public_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose going, maybe or not going."))
    else:
        try:
            rsvp_mine(actor=request.user, event=event, rsvp=form.cleaned_data["rsvp"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your answer is saved."))
    return redirect("event", public_id=event.public_id)


@login_required
@require_POST
def event_checkin(request: HttpRequest, public_id: str) -> HttpResponse:
    """Check someone in (or undo it) from a button; back to the list, keeping the search."""
    event = access_event(request.user, public_id, for_write=True)
    form = CheckInForm(request.POST, actor=request.user, event=event)
    if not form.is_valid():
        messages.error(request, " ".join(form_error_messages(form)))
    else:
        person, came = form.cleaned_data["person"], form.cleaned_data["attended"]
        try:
            attendance_check_in(actor=request.user, event=event, person=person, attended=came)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            note = _("%(name)s is checked in.") if came else _("%(name)s is no longer checked in.")
            messages.success(request, note % {"name": person.display_name})
    return redirect(_back_to_attendance(event.public_id, request.POST.get("find", "")))


def _back_to_attendance(public_id: str, find: str) -> str:
    search = CheckInSearchForm({"find": find})
    url = reverse("event", kwargs={"public_id": public_id})
    if search.term():
        url += "?" + urlencode({"find": search.term()})
    return url + "#attendance"


urlpatterns = [
    path("events/", event_list, name="events"),
    path("events/new/", event_new, name="event_new"),
    path("events/<str:public_id>/", event_detail, name="event"),
    path("events/<str:public_id>/edit/", event_edit, name="event_edit"),
    path("events/<str:public_id>/rsvp/", event_rsvp, name="event_rsvp"),
    path("events/<str:public_id>/checkin/", event_checkin, name="event_checkin"),
]
