"""Work pages: the playbook catalog, assigning a playbook, and the task page where a person
ticks steps, accepts, reports back or drops the task, from a phone, with or without scripts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netweave.web.forms.work import (
    DropForm,
    PlaybookFilterForm,
    ReportForm,
    StepForm,
    TaskAssignForm,
    TaskFilterForm,
)
from netweave.web.views.base import form_error_messages, paginate
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
    return render(request, "web/work/playbooks.html", {"form": form, "page": page})


@login_required
def playbook_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    playbook = with_text([access_playbook(request.user, public_id)])[0]
    assign = TaskAssignForm(request.user, initial={"playbook": playbook.public_id})
    return render(request, "web/work/playbook.html", {"playbook": playbook, "assign": assign})


# --- Tasks ------------------------------------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None)
    page = paginate(request, tasks_for(request.user, **form.filters()))
    page.object_list = label_assignees(request.user, page.object_list)
    return render(request, "web/work/tasks.html", {"form": form, "page": page})


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
        return render(request, "web/work/task_new.html", {"form": form})
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
    return render(request, "web/work/task_new.html", {"form": form, "target": target})


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
    return render(request, "web/work/task.html", context, status=status)


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
        return render(request, "web/work/_step.html",
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


urlpatterns = [
    path("playbooks/", playbook_list, name="playbooks"),
    path("playbooks/<str:public_id>/", playbook_detail, name="playbook"),
    path("tasks/", task_list, name="tasks"),
    path("tasks/new/", task_new, name="task_new"),
    path("tasks/<str:public_id>/", task_detail, name="task"),
    path("tasks/<str:public_id>/step/", task_step, name="task_step"),
    path("tasks/<str:public_id>/accept/", task_accept, name="task_accept"),
    path("tasks/<str:public_id>/report/", task_report, name="task_report"),
    path("tasks/<str:public_id>/drop/", task_drop, name="task_drop"),
]
