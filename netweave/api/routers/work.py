"""Playbooks (the catalog of ways in), tasks, and report-backs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from netweave.api.auth import actor
from netweave.api.common import CURSOR_DESCRIPTION, LIMIT_DESCRIPTION, ref
from netweave.api.idempotency import run_once
from netweave.api.pagination import DEFAULT_LIMIT, Page, paginate
from netweave.networks.access import access_network
from netweave.people.access import access_person
from netweave.work import services
from netweave.work.access import access_playbook, access_task
from netweave.work.models import Playbook, Task
from netweave.work.selectors import playbooks_for, tasks_for

router = Router(tags=["work"])


class PlaybookOut(Schema):
    id: str
    slug: str
    title: str
    summary: str
    steps: list[Any]
    minutes: int
    setting: str
    discreet_safe: bool
    report_fields: list[Any]
    chapter: str | None


class PlaybookFilters(Schema):
    setting: str = Field("", max_length=12)
    max_minutes: int | None = Field(None, ge=1, le=100_000)
    ordering: Literal["title", "-title", "minutes", "-minutes"] = "title"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


class TaskOut(Schema):
    id: str
    playbook: str
    title: str
    person: str | None
    network: str | None
    status: str
    due_on: date | None
    offered_at: datetime
    reported_at: datetime | None
    report: dict[str, Any]


class TaskFilters(Schema):
    status: str = Field("", max_length=12)
    open_only: bool = False
    ordering: Literal["offered_at", "-offered_at"] = "-offered_at"
    cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200, description=LIMIT_DESCRIPTION)


class TaskIn(Schema):
    playbook: str
    person: str | None = Field(None, description="Give the task to one person ...")
    network: str | None = Field(None, description="... or to one network.")
    due_on: date | None = None
    note: str = Field("", max_length=2000)


class ReportIn(Schema):
    numbers: dict[str, int] = Field(default_factory=dict,
                                    description="The playbook's report_fields, by key.")
    note: str = Field("", max_length=2000)


def playbook_out(p: Playbook) -> dict[str, Any]:
    return {"id": p.public_id, "slug": p.slug, "title": p.title, "summary": p.summary,
            "steps": p.steps, "minutes": p.minutes, "setting": p.setting,
            "discreet_safe": p.discreet_safe, "report_fields": p.report_fields,
            "chapter": ref(p.chapter)}


def task_out(t: Task) -> dict[str, Any]:
    return {"id": t.public_id, "playbook": t.playbook.public_id, "title": t.playbook.title,
            "person": ref(t.person), "network": ref(t.network), "status": t.status,
            "due_on": t.due_on, "offered_at": t.offered_at, "reported_at": t.reported_at,
            "report": t.report or {}}


@router.get("/playbooks", response=Page[PlaybookOut])
def list_playbooks(request: HttpRequest, filters: Query[PlaybookFilters]) -> dict[str, Any]:
    qs = playbooks_for(actor(request), setting=filters.setting,
                       max_minutes=filters.max_minutes).select_related("chapter")
    return paginate(qs, ordering=filters.ordering, allowed=("title", "minutes"),
                    cursor=filters.cursor, limit=filters.limit, out=playbook_out)


@router.get("/playbooks/{playbook_id}", response=PlaybookOut)
def get_playbook(request: HttpRequest, playbook_id: str) -> dict[str, Any]:
    return playbook_out(access_playbook(actor(request), playbook_id))


@router.get("/tasks", response=Page[TaskOut])
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    qs = tasks_for(actor(request), status=filters.status, open_only=filters.open_only)
    return paginate(qs, ordering=filters.ordering, allowed=("offered_at",),
                    cursor=filters.cursor, limit=filters.limit, out=task_out)


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: str) -> dict[str, Any]:
    return task_out(access_task(actor(request), task_id))


@router.post("/tasks", response={201: TaskOut})
def assign_task(request: HttpRequest, response: HttpResponse,
                payload: TaskIn) -> Status[Any]:
    user = actor(request)

    def create() -> dict[str, Any]:
        if (payload.person is None) == (payload.network is None):
            raise ValidationError({"person": _("Give the task to one person or one network.")})
        task = services.task_assign(
            actor=user, playbook=access_playbook(user, payload.playbook),
            person=access_person(user, payload.person) if payload.person else None,
            network=access_network(user, payload.network) if payload.network else None,
            due_on=payload.due_on, note=payload.note,
        )
        return TaskOut(**task_out(task)).model_dump(mode="json")

    return run_once(request, response, payload.model_dump(), create)


@router.post("/tasks/{task_id}/report", response=TaskOut)
def report_task(request: HttpRequest, task_id: str, payload: ReportIn) -> dict[str, Any]:
    """Report back: the task is done, with its numbers (people reached, flyers out, ...)."""
    user = actor(request)
    task = access_task(user, task_id, for_write=True)
    return task_out(services.task_report(actor=user, task=task, numbers=payload.numbers,
                                         note=payload.note))
