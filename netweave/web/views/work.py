"""Work pages: the playbook catalog, assigning a playbook, and the task page where a person
ticks steps, accepts, reports back or drops the task, from a phone, with or without scripts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netweave.core.access import require
from netweave.core.scope import scope_of
from netweave.core.selectors import organized_chapters_for, places_for
from netweave.networks.selectors import kinds_for
from netweave.people import services as people_services
from netweave.people.access import access_person
from netweave.people.models import Constraint
from netweave.web.forms.work import (
    DropForm,
    PlaybookFilterForm,
    PlaybookForm,
    ReportForm,
    SituationForm,
    StepForm,
    SuggestionForm,
    TaskAssignForm,
    TaskFilterForm,
)
from netweave.web.views.base import form_error_messages, paginate, safe_next
from netweave.web.views.networks import attempt
from netweave.work import services
from netweave.work.access import access_playbook, access_task
from netweave.work.models import Task
from netweave.work.selectors import (
    assignment_target,
    label_assignees,
    playbooks_for,
    task_page,
    tasks_for,
    with_text,
)


def task_url(task: Task) -> str:
    return f"/tasks/{task.public_id}/"


# --- Playbooks --------------------------------------------------------------------------------


@login_required
def playbook_list(request: HttpRequest) -> HttpResponse:
    form = PlaybookFilterForm(request.GET or None)
    page = paginate(request, playbooks_for(request.user, **form.filters()))
    page.object_list = with_text(page.object_list)
    may_add = organized_chapters_for(request.user).exists()
    return render(request, "web/tasks/playbooks.html",
                  {"form": form, "page": page, "may_add": may_add})


@login_required
def playbook_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    playbook = with_text([access_playbook(request.user, public_id)])[0]
    assign = TaskAssignForm(request.user, initial={"playbook": playbook.public_id})
    may_edit = playbook.chapter_id is not None and scope_of(request.user).organizes(
        playbook.chapter_id)
    playbook.suitable_labels = [  # type: ignore[attr-defined]
        Constraint(c).label for c in playbook.suitable_for if c in Constraint.values]
    return render(request, "web/tasks/playbook.html",
                  {"playbook": playbook, "assign": assign, "may_edit": may_edit})


@login_required
def playbook_new(request: HttpRequest) -> HttpResponse:
    """A chapter adds a way in to its catalog (organizers)."""
    chapters = organized_chapters_for(request.user)
    require(chapters.exists())
    only = chapters.first() if chapters.count() == 1 else None
    # Several chapters (an admin): the shared kinds only, since the chapter is chosen below.
    kinds = kinds_for(request.user, only.id if only else None)
    form = PlaybookForm(request.POST or None, kinds=kinds, chapters=chapters)
    if request.method == "POST" and form.is_valid():
        chapter = form.cleaned_data.get("chapter") or only
        assert chapter is not None  # one chapter, or the form asked which
        playbook = attempt(form, lambda: services.playbook_create(
            actor=request.user, chapter=chapter, **form.service_values()))
        if playbook is not None:
            messages.success(request, _("Playbook added to the catalog."))
            return redirect(f"/playbooks/{playbook.public_id}/")
    return render(request, "web/tasks/playbook_form.html",
                  {"form": form, "title": _("New playbook"), "playbook": None})


@login_required
def playbook_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """A chapter edits one of its own playbooks; the shared starter catalog is read-only."""
    playbook = access_playbook(request.user, public_id)
    require(playbook.chapter_id is not None
            and scope_of(request.user).organizes(playbook.chapter_id))
    form = PlaybookForm(request.POST or None, initial=PlaybookForm.initial_from(playbook),
                        kinds=kinds_for(request.user, playbook.chapter_id), editing=True)
    if request.method == "POST" and form.is_valid():
        values = form.service_values(old=playbook)
        if attempt(form, lambda: services.playbook_update(
                actor=request.user, playbook=playbook, **values)):
            messages.success(request, _("Saved."))
            return redirect(f"/playbooks/{playbook.public_id}/")
    return render(request, "web/tasks/playbook_form.html",
                  {"form": form, "title": _("Edit %s") % playbook, "playbook": playbook})


# --- Tasks ------------------------------------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    page = paginate(request, tasks_for(request.user, **form.filters()))
    page.object_list = label_assignees(request.user, page.object_list)
    return render(request, "web/tasks/tasks.html", {"form": form, "page": page})


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TaskAssignForm(request.user, data=request.POST)
        if form.is_valid():
            task = attempt(form, lambda: services.task_assign(actor=request.user,
                                                              **form.cleaned_data))
            if task is not None:
                messages.success(request, _("Task given: %s.") % task.playbook)
                return redirect(task_url(task))
        return render(request, "web/tasks/task_new.html", {"form": form})
    # The query names what to assign; outsiders get 404, those who may not assign 403.
    target = assignment_target(
        request.user, playbook_id=request.GET.get("playbook", ""),
        person_id=request.GET.get("person", ""), network_id=request.GET.get("network", ""),
    )
    initial = {
        "playbook": target.playbook.public_id if target.playbook else "",
        "person": target.person.public_id if target.person else "",
        "network": target.network.public_id if target.network else "",
    }
    form = TaskAssignForm(request.user, initial=initial)
    return render(request, "web/tasks/task_new.html", {"form": form, "target": target})


def render_task(request: HttpRequest, task: Task, *, status: int = 200,
                **forms: Any) -> HttpResponse:
    """The task page; a form passed in (bound, with errors) replaces the blank one. A closed
    task shows no report or drop form, so their errors go to the top of the page."""
    page = task_page(request.user, task)
    errors = list(forms.get("errors", []))
    if not task.is_open:
        for name in ("report_form", "drop_form"):
            if forms.get(name) is not None:
                errors.extend(forms[name].non_field_errors())
    context = {
        "p": page, "task": task, "errors": errors,
        "report_form": forms.get("report_form") or ReportForm(page.report_labels),
        "drop_form": forms.get("drop_form") or DropForm(),
    }
    return render(request, "web/tasks/task.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render_task(request, access_task(request.user, public_id))


@login_required
@require_POST
def task_step(request: HttpRequest, public_id: str) -> HttpResponse:
    task = access_task(request.user, public_id, for_write=True)
    was_offered = task.status == Task.Status.OFFERED
    form = StepForm(request.POST)
    if form.is_valid() and attempt(form, lambda: services.task_step(
            actor=request.user, task=task, step=form.cleaned_data["step"],
            done=form.cleaned_data["done"])):
        if not request.headers.get("HX-Request"):
            return redirect(task_url(task))  # without scripts the whole page reloads
        if was_offered:
            # The first tick accepted the task: the status and buttons change too, so htmx
            # reloads the page instead of swapping one step.
            return HttpResponse(headers={"HX-Refresh": "true"})
        step = task_page(request.user, task).steps[form.cleaned_data["step"]]
        return render(request, "web/tasks/_step.html",
                      {"task": task, "step": step, "may_work": True})
    return render_task(request, task, errors=form_error_messages(form), status=400)


@login_required
@require_POST
def task_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    task = access_task(request.user, public_id, for_write=True)
    try:
        services.task_accept(actor=request.user, task=task)
    except ValidationError as exc:
        return render_task(request, task, errors=exc.messages, status=400)
    messages.success(request, _("Accepted. Thank you!"))
    return redirect(task_url(task))


@login_required
@require_POST
def task_report(request: HttpRequest, public_id: str) -> HttpResponse:
    task = access_task(request.user, public_id, for_write=True)
    form = ReportForm(task.playbook.report_labels(), request.POST)
    if form.is_valid() and attempt(form, lambda: services.task_report(
            actor=request.user, task=task, numbers=form.numbers(),
            note=form.cleaned_data["report_note"])):
        messages.success(request, _("Reported. Thank you: it counts."))
        return redirect(task_url(task))
    return render_task(request, task, report_form=form)


@login_required
@require_POST
def task_drop(request: HttpRequest, public_id: str) -> HttpResponse:
    task = access_task(request.user, public_id, for_write=True)
    form = DropForm(request.POST)
    if form.is_valid() and attempt(form, lambda: services.task_drop(
            actor=request.user, task=task, reason=form.cleaned_data["reason"])):
        messages.success(request, _("Dropped. Another task may fit better."))
        return redirect(task_url(task))
    return render_task(request, task, drop_form=form)


# --- Ways in: a person's situation, and taking on or offering what fits ---------------------


@login_required
def situation_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """A person's situation in a few taps: themselves, or an organizer of their chapter."""
    person = access_person(request.user, public_id, for_write=True)
    form = SituationForm(
        request.POST or None, person=person,
        places=places_for(request.user, chapter_id=person.chapter_id),
        kinds=kinds_for(request.user, person.chapter_id),
    )
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: people_services.person_update(
                actor=request.user, person=person, **form.cleaned_data)):
        messages.success(request, _("Saved. The suggestions now fit the new situation."))
        return redirect(safe_next(request, f"/people/{person.public_id}/"))
    return render(request, "web/tasks/situation.html",
                  {"form": form, "person": person, "next": safe_next(request, "")},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def suggestion_offer(request: HttpRequest) -> HttpResponse:
    """One click beside a suggestion: offer this playbook to this person (a task, offered)."""
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        raise Http404
    person = access_person(request.user, form.cleaned_data["person"])
    playbook = access_playbook(request.user, form.cleaned_data["playbook"])
    try:
        task = services.task_offer(actor=request.user, playbook=playbook, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Offered to %(name)s: %(task)s.")
                         % {"name": person.display_name, "task": task.playbook})
    return redirect(safe_next(request, f"/people/{person.public_id}/"))


@login_required
@require_POST
def suggestion_take(request: HttpRequest) -> HttpResponse:
    """One click on the member's home: take this playbook on (a task of their own, accepted)."""
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        raise Http404
    playbook = access_playbook(request.user, form.cleaned_data["playbook"])
    try:
        task = services.task_take_on(actor=request.user, playbook=playbook)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(safe_next(request, "/"))
    messages.success(request, _("It's yours. The steps are below."))
    return redirect(task_url(task))


urlpatterns = [
    path("playbooks/", playbook_list, name="playbooks"),
    path("playbooks/new/", playbook_new, name="playbook_new"),
    path("playbooks/<str:public_id>/edit/", playbook_edit, name="playbook_edit"),
    path("ways-in/situation/<str:public_id>/", situation_edit, name="situation_edit"),
    path("ways-in/offer/", suggestion_offer, name="suggestion_offer"),
    path("ways-in/take/", suggestion_take, name="suggestion_take"),
    path("playbooks/<str:public_id>/", playbook_detail, name="playbook"),
    path("tasks/", task_list, name="tasks"),
    path("tasks/new/", task_new, name="task_new"),
    path("tasks/<str:public_id>/", task_detail, name="task"),
    path("tasks/<str:public_id>/step/", task_step, name="task_step"),
    path("tasks/<str:public_id>/accept/", task_accept, name="task_accept"),
    path("tasks/<str:public_id>/report/", task_report, name="task_report"),
    path("tasks/<str:public_id>/drop/", task_drop, name="task_drop"),
]
