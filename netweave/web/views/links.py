"""No-login links: an organizer or convener makes one (from the task page or the network page),
and the person it is for reports back or records a seeded network from their phone, without an
account. people.links decides and writes; these views parse and render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from netweave.core.access import require
from netweave.core.ratelimit import hit_ip
from netweave.core.selectors import places_for
from netweave.networks.access import access_network
from netweave.networks.selectors import kinds_for
from netweave.people import links
from netweave.people.models import ActionLink
from netweave.people.selectors import link_members_for
from netweave.web.forms.ladder import LinkPersonForm, LinkSeedForm
from netweave.web.forms.work import ReportForm
from netweave.web.views.base import apply_service_errors
from netweave.web.views.limits import refuse_form, too_many, with_retry_after
from netweave.work.access import access_task


def _public(request: HttpRequest, template: str, context: dict[str, Any],
            status: int = 200) -> HttpResponse:
    """A link page carries its secret in the address: never cached (never_cache on the view),
    never sent on as a referrer."""
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _made(request: HttpRequest, token: str, *, what: Any, back: str) -> HttpResponse:
    """The link, shown once: only a hash of the token is stored."""
    url = request.build_absolute_uri(reverse("action_link", kwargs={"token": token}))
    return render(request, "web/links/made.html", {"link": url, "what": what, "back": back})


@login_required
@never_cache
def task_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: whom the link is for (a network's task) or a button; POST: make it."""
    task = access_task(request.user, public_id)
    require(links.may_link_task(request.user, task))
    members = link_members_for(request.user, task.network) if task.network_id else None
    form = LinkPersonForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            token = links.link_for_task(actor=request.user, task=task, person=form.chosen())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _made(request, token, what=task, back=f"/tasks/{task.public_id}/")
    return render(request, "web/links/new.html",
                  {"form": form, "what": task, "back": f"/tasks/{task.public_id}/",
                   "kind": ActionLink.Kind.TASK_REPORT}, status=400 if form.errors else 200)


@login_required
@never_cache
def seed_link(request: HttpRequest, public_id: str) -> HttpResponse:
    network = access_network(request.user, public_id)
    require(links.may_link_seed(request.user, network))
    form = LinkPersonForm(request.POST or None, members=link_members_for(request.user, network))
    if request.method == "POST" and form.is_valid():
        try:
            token = links.link_for_seed(actor=request.user, network=network,
                                        person=form.chosen())  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _made(request, token, what=network, back=f"/networks/{network.public_id}/")
    return render(request, "web/links/new.html",
                  {"form": form, "what": network, "back": f"/networks/{network.public_id}/",
                   "kind": ActionLink.Kind.NETWORK_SEED}, status=400 if form.errors else 200)


def _refused(request: HttpRequest, state: str) -> HttpResponse:
    """Expired, used or unknown: a clear page, nothing changed. An unknown (or tampered) token
    is a 404 like any page that is not there; expired and used ones are gone (410)."""
    status = 404 if state == links.UNKNOWN else 410
    return _public(request, "web/links/refused.html", {"state": state}, status=status)


def _seed_form(link: ActionLink, data: Any = None) -> LinkSeedForm:
    actor = links.acting_user(link)
    return LinkSeedForm(data, kinds=kinds_for(actor, link.chapter_id),
                        places=places_for(actor, chapter_id=link.chapter_id))


def _form_for(link: ActionLink, data: Any = None) -> Any:
    if link.kind == ActionLink.Kind.TASK_REPORT:
        assert link.task is not None
        return ReportForm(link.task.playbook.report_labels(), data)
    return _seed_form(link, data)


def _use(link: ActionLink, token: str, form: Any) -> Any:
    """Write through the link; the form keeps the input if the service refuses it."""
    try:
        if link.kind == ActionLink.Kind.TASK_REPORT:
            return links.link_report(token=token, numbers=form.numbers(),
                                     note=form.cleaned_data["report_note"])
        return links.link_seed(token=token, **form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


@never_cache
def action_link(request: HttpRequest, token: str) -> HttpResponse:
    """The phone page a link opens, with no login: the form, then a thank-you."""
    # Every request counts (a GET too): the token is the only permission, so guessing is slowed.
    refusal = hit_ip("link", request)
    found = links.link_lookup(token)
    if found.state != links.OK or found.link is None:
        return too_many(request, refusal) if refusal else _refused(request, found.state)
    link = found.link
    form = _form_for(link, request.POST if request.method == "POST" else None)
    if refusal is not None:
        if request.method != "POST":
            return too_many(request, refusal)
        refuse_form(form, refusal)  # drawn again with what they typed
        page = _public(request, "web/links/use.html", {"link": link, "form": form})
        return with_retry_after(page, refusal)
    if request.method == "POST" and form.is_valid():
        try:
            done = _use(link, token, form)
        except links.LinkRefused as refused:
            return _refused(request, refused.state)
        except PermissionDenied:
            # Whoever the link acts for may no longer do this (left the network, lost a role).
            return _refused(request, "revoked")
        if done is not None:
            return _public(request, "web/links/done.html", {"link": link, "done": done})
    return _public(request, "web/links/use.html", {"link": link, "form": form},
                   status=400 if form.errors else 200)


urlpatterns = [
    path("tasks/<str:public_id>/link/", task_link, name="task_link"),
    path("networks/<str:public_id>/link/", seed_link, name="seed_link"),
    path("l/<str:token>/", action_link, name="action_link"),
]
