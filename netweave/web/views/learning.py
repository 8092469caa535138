"""Learning pages: the resource list (filtered by kind and language, with a one-tap "I watched
this"), a resource with its guides and the form to say what you did with it, discussion-session
guides, and recording a session a network held.

Thin views: parse with a form, call one access function and one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from netweave.core.access import require
from netweave.core.scope import scope_of
from netweave.learning import services
from netweave.learning.access import access_guide, access_resource
from netweave.learning.models import Engagement, Resource
from netweave.learning.selectors import (
    guides_for,
    my_networks_for,
    resource_page,
    resources_for,
    runnable_networks_for,
)
from netweave.web.forms.learning import (
    EngagementForm,
    GuideForm,
    ResourceFilterForm,
    ResourceForm,
    SessionForm,
)
from netweave.web.views.base import paginate, safe_next
from netweave.web.views.campaigns import planning_chapters
from netweave.web.views.networks import attempt

DONE = {
    Engagement.How.WATCHED: gettext_lazy("Recorded: you watched “%s”."),
    Engagement.How.DISCUSSED: gettext_lazy("Recorded: you discussed “%s”."),
    Engagement.How.SHARED: gettext_lazy("Recorded: you shared “%s”."),
    Engagement.How.SHOWED: gettext_lazy("Recorded: you showed “%s” to others."),
}


def resource_url(resource: Resource) -> str:
    return reverse("resource", kwargs={"public_id": resource.public_id})


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.user, request.GET or None)
    filters = form.filters()
    page = paginate(request, resources_for(request.user, kind=filters["kind"],
                                           language=filters["language"]))
    scope = scope_of(request.user)
    context = {"form": form, "page": page, "may_add": scope.is_admin or bool(
        scope.organizer_chapters), "may_engage": scope.person is not None}
    return render(request, "web/learning/list.html", context)


@login_required
def resource_new(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None, chapters=planning_chapters(request.user))
    if request.method == "POST" and form.is_valid():
        resource = attempt(form, lambda: services.resource_create(
            actor=request.user, chapter=form.chapter, **form.values()))
        if resource is not None:
            messages.success(request, _("“%s” added.") % resource.title)
            return redirect(resource_url(resource))
    return render(request, "web/learning/form.html", {"form": form, "resource": None})


def _engagement_form(request: HttpRequest, data: Any = None) -> EngagementForm:
    return EngagementForm(data, networks=my_networks_for(request.user))


def render_resource(request: HttpRequest, resource: Resource, *,
                    form: EngagementForm | None = None, status: int = 200) -> HttpResponse:
    page = resource_page(request.user, resource)
    if form is None and page.may_engage:
        form = _engagement_form(request)
    context = {"p": page, "resource": resource, "form": form}
    return render(request, "web/learning/detail.html", context, status=status)


@login_required
def resource_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render_resource(request, access_resource(request.user, public_id))


@login_required
def resource_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    resource = access_resource(request.user, public_id, for_write=True)
    chapters = [resource.chapter] if resource.chapter else []
    form = ResourceForm(request.POST or None, chapters=chapters, resource=resource)
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.resource_update(
                actor=request.user, resource=resource, **form.values())):
        messages.success(request, _("Saved."))
        return redirect(resource_url(resource))
    return render(request, "web/learning/form.html", {"form": form, "resource": resource})


@login_required
@require_POST
def resource_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    resource = access_resource(request.user, public_id, for_write=True)
    retired = request.POST.get("retired", "1") != "0"
    services.resource_retire(actor=request.user, resource=resource, retired=retired)
    messages.success(request, _("Retired: it is no longer on the list.") if retired
                     else _("Back on the list."))
    return redirect(resource_url(resource))


@login_required
@require_POST
def resource_watched(request: HttpRequest, public_id: str) -> HttpResponse:
    """The one-tap "I watched this" from the list or the resource page."""
    resource = access_resource(request.user, public_id)
    require(scope_of(request.user).person is not None)
    try:
        services.engagement_record(actor=request.user, resource=resource,
                                   how=Engagement.How.WATCHED)
    except ValidationError as exc:
        # Nothing was recorded (a retired resource, say): say why on the resource's page.
        messages.error(request, " ".join(exc.messages))
        return render_resource(request, resource, status=400)
    messages.success(request, str(DONE[Engagement.How.WATCHED]) % resource.title)
    return redirect(safe_next(request, resource_url(resource)))


@login_required
@require_POST
def resource_engage(request: HttpRequest, public_id: str) -> HttpResponse:
    resource = access_resource(request.user, public_id)
    require(scope_of(request.user).person is not None)
    form = _engagement_form(request, request.POST)
    if form.is_valid():
        engagement = attempt(form, lambda: services.engagement_record(
            actor=request.user, resource=resource, **form.values()))
        if engagement is not None:
            messages.success(request, str(DONE[engagement.how]) % resource.title)
            return redirect(resource_url(resource))
    return render_resource(request, resource, form=form, status=400)


@login_required
def guide_new(request: HttpRequest, public_id: str) -> HttpResponse:
    resource = access_resource(request.user, public_id, for_write=True)
    form = GuideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guide = attempt(form, lambda: services.guide_create(
            actor=request.user, resource=resource, **form.values()))
        if guide is not None:
            messages.success(request, _("Guide “%s” added.") % guide.title)
            return redirect("guide", public_id=guide.public_id)
    context = {"form": form, "resource": resource, "guide": None}
    return render(request, "web/learning/guide_form.html", context)


@login_required
def guide_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    guide = access_guide(request.user, public_id)
    p = resource_page(request.user, guide.resource)
    context = {"guide": guide, "resource": guide.resource, "p": p}
    return render(request, "web/learning/guide.html", context)


@login_required
def guide_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    guide = access_guide(request.user, public_id, for_write=True)
    form = GuideForm(request.POST or None, guide=guide)
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.guide_update(actor=request.user, guide=guide,
                                                **form.values())):
        messages.success(request, _("Saved."))
        return redirect("guide", public_id=guide.public_id)
    context = {"form": form, "resource": guide.resource, "guide": guide}
    return render(request, "web/learning/guide_form.html", context)


@login_required
def session_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """A convener (or an organizer) records a discussion session their network held."""
    resource = access_resource(request.user, public_id)
    networks = runnable_networks_for(request.user, resource.chapter_id)
    require(networks.exists() and not resource.retired)
    chosen = request.GET.get("guide", "")
    form = SessionForm(request.POST or None, networks=networks,
                       guides=guides_for(request.user, resource),
                       initial={"guide": chosen} if chosen else {})
    if request.method == "POST" and form.is_valid():
        session = attempt(form, lambda: services.session_record(
            actor=request.user, resource=resource, **form.values()))
        if session is not None:
            messages.success(request, _("Discussion session recorded for %s.")
                             % session.network.name)
            return redirect(f"/networks/{session.network.public_id}/")
    return render(request, "web/learning/session.html", {"form": form, "resource": resource})


urlpatterns = [
    path("learning/", resource_list, name="learning"),
    path("learning/new/", resource_new, name="resource_new"),
    path("learning/guides/<str:public_id>/", guide_detail, name="guide"),
    path("learning/guides/<str:public_id>/edit/", guide_edit, name="guide_edit"),
    path("learning/<str:public_id>/", resource_detail, name="resource"),
    path("learning/<str:public_id>/edit/", resource_edit, name="resource_edit"),
    path("learning/<str:public_id>/retire/", resource_retire, name="resource_retire"),
    path("learning/<str:public_id>/watched/", resource_watched, name="resource_watched"),
    path("learning/<str:public_id>/engage/", resource_engage, name="resource_engage"),
    path("learning/<str:public_id>/guides/new/", guide_new, name="guide_new"),
    path("learning/<str:public_id>/sessions/new/", session_new, name="session_new"),
]
