"""Import pages: upload a CSV of people, map its columns, preview, start, follow the progress,
read the report and download the rejected rows.

Organizers of the chapter and admins only: netweave.imports decides who may (outsiders 404).
Each view calls one access function and one service or selector, then renders.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from netweave.core.selectors import organized_chapters_for, places_for
from netweave.imports import selectors, services
from netweave.imports.access import access_import
from netweave.imports.models import ImportRun
from netweave.networks.models import Network
from netweave.networks.selectors import chapter_to_organize, networks_for
from netweave.people.models import Constraint, Source
from netweave.web.forms.imports import (
    MAX_TAGS,
    MappingForm,
    RulesForm,
    UploadForm,
    posted_tags,
)
from netweave.web.views.base import apply_service_errors, paginate

RUNS_PER_PAGE = 25
# How many preview rows the map page shows.
PREVIEW_ROWS = 20
# How often the progress page asks again, in seconds (htmx polling, or the no-script refresh).
POLL_SECONDS = 2
EDITABLE = {"uploaded", "ready"}
STARTED = {"queued", "running"}
FINISHED = {"done", "failed", "cancelled"}


# --- Keeping uploads off the disk -----------------------------------------------------------------


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps an uploaded file in memory, never in a temporary file: an export of people holds
    their contact details, which must not touch the disk in plain text (Django's default
    handler spills anything past 2.5 MB to a temporary file). It keeps at most `limit + 1`
    bytes, so a huge file costs no more memory, and the service still sees it is too big and
    says so."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = self.limit + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        size = self.buffer.tell()
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer, field_name=self.field_name or "", name=self.file_name or "",
            content_type=self.content_type or "", size=size, charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


# --- The list of runs and the upload form ---------------------------------------------------------


@login_required
@csrf_exempt  # only to set the upload handler first: _imports_page checks the token itself
def imports_page(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [MemoryOnlyUploadHandler(request, services.MAX_UPLOAD_BYTES)]
    return _imports_page(request)


@csrf_protect
def _imports_page(request: HttpRequest) -> HttpResponse:
    chapter = chapter_to_organize(request.user, request.GET.get("chapter", ""))
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.import_upload(actor=request.user, chapter=chapter,
                                             filename=upload.name, data=upload.read())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("import", public_id=run.public_id)
        status = 400
    page = paginate(request, selectors.imports_for(request.user, chapter), per_page=RUNS_PER_PAGE)
    return render(request, "web/imports/list.html", {
        "form": form, "page": page, "chapter": chapter,
        "chapters": organized_chapters_for(request.user).order_by("name"),
    }, status=status)


# --- Mapping, rules, preview, start ---------------------------------------------------------------


@login_required
@never_cache
def import_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the proposed mapping and its preview. POST: save the mapping and rules, then preview
    again (action=preview) or start (action=start). What the service refuses comes back with
    its message and the user's choices; what it accepts is saved, so it stays."""
    run = access_import(request.user, public_id, for_write=request.method == "POST")
    if run.status in STARTED:
        return redirect("import_progress", public_id=run.public_id)
    if run.status in FINISHED:
        return redirect("import_report", public_id=run.public_id)
    if request.method == "POST":
        form = _mapping_form(run, request.POST)
        rules = _rules_form(request, run, posted_tags(request.POST), request.POST)
        saved = _save(request, run, form, rules)
        if saved is None:
            return _render_map(request, run, form, rules, [], status=400)
        run = saved
        if request.POST.get("action") == "start":
            try:
                services.import_start(actor=request.user, run=run)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                return _render_map(request, run, form, rules, [], status=400)
            return redirect("import_progress", public_id=run.public_id)
    # Fresh forms from the saved run: after a POST they hold just what the user chose.
    form = _mapping_form(run)
    try:
        preview = services.import_preview(actor=request.user, run=run, limit=PREVIEW_ROWS)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        preview = []
    rules = _rules_form(request, run, _tags_of(request, run))
    return _render_map(request, run, form, rules, preview)


def _mapping_form(run: ImportRun, data: Any = None) -> MappingForm:
    return MappingForm(data, headers=run.headers, targets=selectors.import_targets(),
                       mapping=run.mapping or {})


def _rules_form(request: HttpRequest, run: ImportRun, tags: list[str],
                data: Any = None) -> RulesForm:
    networks = [n.name for n in networks_for(request.user, chapter_id=run.chapter_id)
                if n.status != Network.Status.DISSOLVED]
    places = [p.name for p in places_for(request.user, run.chapter_id)]
    tag_targets = [
        *((f"network:{n}", _("Network: %(name)s") % {"name": n}) for n in networks),
        *((f"place:{p}", _("Place: %(name)s") % {"name": p}) for p in places),
        *((f"constraint:{key}", _("Constraint: %(name)s") % {"name": label})
          for key, label in Constraint.choices),
        ("discreet", _("Discreet: keep them out of sight")),
    ]
    return RulesForm(data, defaults=run.defaults or {}, networks=networks, places=places,
                     sources=Source.choices, tags=tags, tag_targets=tag_targets)


def _tags_of(request: HttpRequest, run: ImportRun) -> list[str]:
    """Tags to offer rules for: those that have a rule already, then the file's, most frequent
    first (the whole file, not only the rows previewed)."""
    seen: dict[str, str] = {}
    found = [*(run.defaults or {}).get("tags", {}),
             *selectors.import_tags(request.user, run, limit=MAX_TAGS)]
    for tag in found:
        tag = tag.strip()
        if tag and tag.casefold() not in seen and len(seen) < MAX_TAGS:
            seen[tag.casefold()] = tag
    return list(seen.values())


def _save(request: HttpRequest, run: ImportRun, form: MappingForm,
          rules: RulesForm) -> ImportRun | None:
    """The run with the posted mapping and rules saved, or None (errors on `form`)."""
    rules_ok = rules.is_valid()
    if not form.is_valid() or not rules_ok:
        return None
    try:
        return services.import_set_mapping(actor=request.user, run=run, mapping=form.mapping(),
                                           defaults=rules.defaults())
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


def _render_map(request: HttpRequest, run: ImportRun, form: MappingForm, rules: RulesForm,
                preview: list[Any], status: int = 200) -> HttpResponse:
    return render(request, "web/imports/map.html", {
        "run": run, "form": form, "rules_form": rules,
        "format_label": dict(selectors.import_formats()).get(run.source_format,
                                                             run.source_format),
        **_preview_table(form, preview),
    }, status=status)


def _preview_table(form: MappingForm, preview: list[Any]) -> dict[str, Any]:
    """The preview as a table: one column per target field the current choices fill (in the
    file's column order, once each), one row per previewed CSV row."""
    labels = dict(selectors.import_targets())
    keys: list[str] = []
    for target in form.chosen().values():
        if target and target not in keys:
            keys.append(target)
    rows = [{"row_number": p.row_number, "outcome": p.outcome, "reason": p.reason,
             "cells": [p.values.get(k, "") for k in keys]} for p in preview]
    return {"preview_headers": [labels.get(k, k) for k in keys], "preview_rows": rows}


# --- Progress, report, rejected rows --------------------------------------------------------------


@login_required
@never_cache
@vary_on_headers("HX-Request")
def import_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    """The progress bar. htmx asks for the fragment every few seconds; without scripts the page
    refreshes itself (and has a link). When the run ends, both go to the report."""
    run = access_import(request.user, public_id)
    fragment = bool(request.headers.get("HX-Request"))
    if run.status in EDITABLE:
        return _go(fragment, reverse("import", kwargs={"public_id": run.public_id}))
    if run.status in FINISHED:
        return _go(fragment, reverse("import_report", kwargs={"public_id": run.public_id}))
    template = "web/imports/_progress.html" if fragment else "web/imports/progress.html"
    return render(request, template, {"run": run, "poll_seconds": POLL_SECONDS})


def _go(fragment: bool, url: str) -> HttpResponse:
    # htmx follows HX-Redirect with a full page load; a plain redirect would be swapped in.
    return HttpResponse(headers={"HX-Redirect": url}) if fragment else redirect(url)


@login_required
@require_POST
def import_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    run = access_import(request.user, public_id, for_write=True)
    try:
        services.import_cancel(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("import_progress", public_id=run.public_id)
    messages.success(request, _("Import stopped. The rows already imported stay."))
    return redirect("import_report", public_id=run.public_id)


@login_required
@never_cache
def import_report_page(request: HttpRequest, public_id: str) -> HttpResponse:
    run = access_import(request.user, public_id)
    if run.status in EDITABLE:
        return redirect("import", public_id=run.public_id)
    if run.status in STARTED:
        return redirect("import_progress", public_id=run.public_id)
    report = selectors.import_report(request.user, run)
    return render(request, "web/imports/report.html", {
        "run": run, "report": report,
        "reasons": [(label, count) for _code, label, count in report["reasons"]],
    })


@login_required
@require_POST
def import_resume(request: HttpRequest, public_id: str) -> HttpResponse:
    """Start a failed run again: it goes on from its last whole batch."""
    run = access_import(request.user, public_id, for_write=True)
    try:
        services.import_start(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("import_report", public_id=run.public_id)
    return redirect("import_progress", public_id=run.public_id)


@login_required
@never_cache
def import_rejected_csv(request: HttpRequest, public_id: str) -> HttpResponse:
    """The rejected rows with their reasons (the selector audits this as an export)."""
    run = access_import(request.user, public_id)
    body = selectors.rejected_rows_csv(actor=request.user, run=run)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="import-{run.public_id}-rejected-{stamp}.csv"')
    return response


urlpatterns = [
    path("imports/", imports_page, name="imports"),
    path("imports/<str:public_id>/", import_page, name="import"),
    path("imports/<str:public_id>/progress", import_progress, name="import_progress"),
    path("imports/<str:public_id>/cancel", import_cancel, name="import_cancel"),
    path("imports/<str:public_id>/resume", import_resume, name="import_resume"),
    path("imports/<str:public_id>/report", import_report_page, name="import_report"),
    path("imports/<str:public_id>/rejected.csv", import_rejected_csv, name="import_rejected"),
]
