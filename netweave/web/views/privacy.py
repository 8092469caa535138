"""Privacy pages (docs/privacy.md): a person's own data (see, download, ask to be deleted),
the organizers' list of deletion requests, forgetting a person, and the audit log with its
CSV download."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from netweave.core.access import require
from netweave.core.audit_log import (
    CSV_HEADERS,
    audit_actions_for,
    audit_chapters_for,
    audit_entries_for,
    audit_log_export,
    require_audit_reader,
)
from netweave.core.scope import scope_of
from netweave.people.access import access_person
from netweave.people.models import DeletionRequest
from netweave.people.own_data import own_data_export, own_data_for
from netweave.people.privacy import (
    access_deletion_request,
    deletion_request_create,
    deletion_request_decline,
    deletion_requests_for,
    person_forget,
)
from netweave.web.forms.privacy import AuditFilterForm, DeclineRequestForm
from netweave.web.views.base import apply_service_errors, form_error_messages, paginate
from netweave.web.views.growth import csv_cell

AUDIT_PER_PAGE = 50


# --- A person's own data -----------------------------------------------------------------------


@login_required
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in person (an account with no person row: just that)."""
    if scope_of(request.user).person is None:
        return render(request, "web/privacy/my_data.html", {"data": None})
    data = own_data_for(request.user)
    open_request = data.person.deletion_requests.filter(
        status=DeletionRequest.Status.OPEN).first()
    return render(request, "web/privacy/my_data.html",
                  {"data": data, "open_request": open_request})


@login_required
@never_cache
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = own_data_export(actor=request.user)
    body = json.dumps(data.as_json(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@login_required
@require_POST
def my_data_delete(request: HttpRequest) -> HttpResponse:
    try:
        deletion_request_create(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your request is with the organizers of your chapter. "
                                    "This page shows what they decide."))
    return redirect("my_data")


# --- Organizers: deletion requests and forgetting ------------------------------------------------


@login_required
def deletion_requests(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)  # organizers and admins
    rows = deletion_requests_for(request.user)
    return render(request, "web/privacy/requests.html",
                  {"requests": rows, "form": DeclineRequestForm()})


@login_required
@require_POST
def deletion_request_decline_view(request: HttpRequest, public_id: str) -> HttpResponse:
    row = access_deletion_request(request.user, public_id)
    form = DeclineRequestForm(request.POST)
    if form.is_valid():
        try:
            deletion_request_decline(actor=request.user, request=row,
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Declined. They can read your reason."))
            return redirect("deletion_requests")
    messages.error(request, " ".join(form_error_messages(form)))
    return redirect("deletion_requests")


@login_required
def person_forget_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """A confirmation page, then the forgetting (organizers of the person's chapter)."""
    person = access_person(request.user, public_id, for_write=True)
    require(scope_of(request.user).organizes(person.chapter_id))
    if request.method == "POST":
        try:
            person_forget(actor=request.user, person=person)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("person", public_id=person.public_id)
        messages.success(request, _("Forgotten. Their row stays, without a name, for the "
                                    "counts."))
        return redirect("people")
    return render(request, "web/privacy/forget.html", {"person": person})


# --- The audit log -------------------------------------------------------------------------------


def _audit_chapter(request: HttpRequest) -> Any:
    """?chapter=<public id>, among the chapters the viewer organizes; unknown ones 404."""
    wanted = request.GET.get("chapter", "")
    if not wanted:
        return None
    chapter = audit_chapters_for(request.user).filter(public_id=wanted).first()
    if chapter is None:
        raise Http404
    return chapter


@login_required
@never_cache
def audit_log(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    chapter = _audit_chapter(request)
    form = AuditFilterForm(request.GET or None, actions=audit_actions_for(request.user))
    filters = form.filters(chapter)
    page = paginate(request, audit_entries_for(request.user, filters), per_page=AUDIT_PER_PAGE)
    return render(request, "web/privacy/audit.html", {
        "form": form, "page": page, "chapter": chapter,
        "chapters": audit_chapters_for(request.user), "params": request.GET.urlencode(),
    })


@login_required
@never_cache
def audit_log_download(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    chapter = _audit_chapter(request)
    form = AuditFilterForm(request.GET or None, actions=audit_actions_for(request.user))
    rows = audit_log_export(actor=request.user, filters=form.filters(chapter))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    writer.writerows([csv_cell(v if not isinstance(v, dict) else json.dumps(v)) for v in row]
                     for row in rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


urlpatterns = [
    path("me/data/", my_data, name="my_data"),
    path("me/data/download.json", my_data_download, name="my_data_download"),
    path("me/data/delete/", my_data_delete, name="my_data_delete"),
    path("privacy/requests/", deletion_requests, name="deletion_requests"),
    path("privacy/requests/<str:public_id>/decline/", deletion_request_decline_view,
         name="deletion_request_decline"),
    path("people/<str:public_id>/forget/", person_forget_view, name="person_forget"),
    path("audit/", audit_log, name="audit_log"),
    path("audit/download.csv", audit_log_download, name="audit_log_download"),
]
