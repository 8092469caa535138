"""The home page: what needs doing next, for the viewer's role.

A dashboard is the one page that gathers several areas, so it calls one scoped selector per panel
instead of one selector in all; none of them is filtered here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from netweave.core.scope import scope_of
from netweave.events.selectors import events_for
from netweave.networks.models import Network
from netweave.networks.selectors import network_counts_by_status, networks_for
from netweave.people.privacy import deletion_requests_for
from netweave.people.selectors import (
    followups_due_for,
    new_signups_for,
    overdue_followups_for,
    prompts_for,
    untouched_networks_for,
    untouched_people_for,
)
from netweave.work.selectors import (
    first_tasks_for,
    my_suggestions,
    my_tasks,
    overdue_tasks_for,
    tasks_for,
)

PANEL_SIZE = 10


def _upcoming_events(user: Any) -> list[Any]:
    return list(events_for(user, upcoming=True)[:PANEL_SIZE])


def _organizer_panels(user: Any) -> dict[str, Any]:
    counts = network_counts_by_status(user)
    statuses = Network.Status.choices
    followups, signups = list(followups_due_for(user)), list(new_signups_for(user))
    return {
        "followups": followups,
        "signups": signups,
        "first_tasks": first_tasks_for(user, [*signups, *followups]),
        "network_counts": [(value, label, counts[value]) for value, label in statuses],
        "events": _upcoming_events(user),
        "overdue_tasks": list(overdue_tasks_for(user)),
        # The ladder and follow-up rules (docs/ladder-and-followup.md).
        "prompts": prompts_for(user),
        "overdue_followups": list(overdue_followups_for(user)[:PANEL_SIZE]),
        "untouched_people": list(untouched_people_for(user)[:PANEL_SIZE]),
        "untouched_networks": list(untouched_networks_for(user)[:PANEL_SIZE]),
        # People who asked to be deleted (docs/privacy.md).
        "deletion_requests": list(deletion_requests_for(user)[:PANEL_SIZE]),
    }


def _convener_panels(user: Any) -> dict[str, Any]:
    return {
        "networks": list(networks_for(user)[:PANEL_SIZE]),
        "tasks": list(tasks_for(user, open_only=True)[:PANEL_SIZE]),
        "events": _upcoming_events(user),
        "followups": list(followups_due_for(user)),
    }


def _member_panels(user: Any) -> dict[str, Any]:
    return {
        "tasks": list(my_tasks(user)[:PANEL_SIZE]),
        "my_suggestions": my_suggestions(user),
        "networks": list(networks_for(user)[:PANEL_SIZE]),
        "events": _upcoming_events(user),
        "followups": list(followups_due_for(user)),
    }


PANELS = {
    "admin": ("web/dashboard/organizer.html", _organizer_panels),
    "organizer": ("web/dashboard/organizer.html", _organizer_panels),
    "convener": ("web/dashboard/convener.html", _convener_panels),
    "member": ("web/dashboard/member.html", _member_panels),
    # Signed in but not yet anyone's member or organizer: the member page, empty, says so.
    "anonymous": ("web/dashboard/member.html", _member_panels),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    template, panels = PANELS[scope.role]
    context = panels(request.user)
    context.update(today=timezone.localdate(), convened=scope.convened_networks)
    return render(request, template, context)


urlpatterns = [
    path("", dashboard, name="dashboard"),
]
