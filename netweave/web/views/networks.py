"""Network pages: the list, one network, its lineage, and the forms that change networks.

Each view parses with a form, calls one access function and one service or selector, and
renders. Who may do what is decided in networks.access / core.scope and in the services.
"""

from __future__ import annotations

from collections.abc import Callable
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
from netweave.core.selectors import organized_chapters_for
from netweave.learning.selectors import network_learning_for
from netweave.metrics.selectors import network_health_for
from netweave.networks import services
from netweave.networks.access import access_network, sees_members
from netweave.networks.models import Network
from netweave.networks.selectors import (
    chapter_to_organize,
    current_membership,
    lineage_for,
    network_overview,
    networks_for,
)
from netweave.web.forms.networks import (
    MemberAddForm,
    MemberSearchForm,
    MembershipRoleForm,
    NetworkEditForm,
    NetworkFilterForm,
    NetworkLinkForm,
    NetworkNewForm,
    NetworkSeedForm,
)
from netweave.web.health import health_profile
from netweave.web.views.base import apply_service_errors, form_error_messages, paginate


def attempt(form: Any, action: Callable[[], Any]) -> Any:
    """Run a service with the form's input. On ValidationError the service changed nothing;
    show its message on the form (the input stays) and return None."""
    try:
        return action()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


def network_url(network: Network) -> str:
    return f"/networks/{network.public_id}/"


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    form = NetworkFilterForm(request.user, request.GET or None)
    page = paginate(request, networks_for(request.user, **form.filters()))
    return render(request, "web/networks/list.html", {"form": form, "page": page})


@login_required
def network_new(request: HttpRequest) -> HttpResponse:
    chapter = chapter_to_organize(
        request.user, request.POST.get("chapter") or request.GET.get("chapter", "")
    )
    form = NetworkNewForm(request.user, chapter.id, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = attempt(form, lambda: services.network_create(
            actor=request.user, chapter=chapter, **form.cleaned_data))
        if network is not None:
            messages.success(request, _("Network “%s” started.") % network.name)
            return redirect(network_url(network))
    context = {"form": form, "chapter": chapter,
               "chapters": organized_chapters_for(request.user).exclude(pk=chapter.pk)}
    return render(request, "web/networks/new.html", context)


def render_network(request: HttpRequest, network: Network, *, errors: list[Any] | None = None,
                   status: int = 200) -> HttpResponse:
    context = {"o": network_overview(request.user, network), "network": network,
               "health": health_profile(network_health_for(request.user, network)),
               "errors": errors or [], "learning": network_learning_for(request.user, network)}
    return render(request, "web/networks/detail.html", context, status=status)


@login_required
def network_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return render_network(request, access_network(request.user, public_id))


@login_required
def network_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    network = access_network(request.user, public_id, for_write=True)
    form = NetworkEditForm.for_network(request.user, network, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.network_update(
                actor=request.user, network=network, **form.cleaned_data)):
        messages.success(request, _("Saved."))
        return redirect(network_url(network))
    return render(request, "web/networks/edit.html", {"form": form, "network": network})


@login_required
def network_seed(request: HttpRequest, public_id: str) -> HttpResponse:
    network = access_network(request.user, public_id)
    # Seeding is the work of the network's own people: members, conveners, organizers
    # (the same rule networks.services.network_seed enforces).
    require(sees_members(request.user, network))
    form = NetworkSeedForm(request.user, network.chapter_id, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = attempt(form, lambda: services.network_seed(
            actor=request.user, parent=network, **form.cleaned_data))
        if child is not None:
            messages.success(
                request, _("Recorded: “%(child)s” was seeded from “%(parent)s”.")
                % {"child": child.name, "parent": network.name},
            )
            return redirect(network_url(child))
    return render(request, "web/networks/seed.html", {"form": form, "network": network})


@login_required
def network_member_add(request: HttpRequest, public_id: str) -> HttpResponse:
    network = access_network(request.user, public_id, for_write=True)
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    form = MemberAddForm(request.user, network, data=request.POST or None, search=query)
    if request.method == "POST" and form.is_valid():
        membership = attempt(form, lambda: services.membership_add(
            actor=request.user, network=network, **form.cleaned_data))
        if membership is not None:
            messages.success(request, _("%(person)s added to %(network)s.")
                             % {"person": membership.person.display_name,
                                "network": network.name})
            return redirect(network_url(network))
    context = {"form": form, "search": search, "network": network}
    return render(request, "web/networks/member_add.html", context)


@login_required
@require_POST
def membership_end(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    network = access_network(request.user, public_id)
    membership = current_membership(request.user, network, person_id)
    if membership is None:
        raise Http404
    services.membership_end(actor=request.user, membership=membership)
    if membership.person.user_id == request.user.id:
        messages.success(request, _("You left %s.") % network.name)
        return redirect("networks")
    messages.success(request, _("%s is no longer in this network.")
                     % membership.person.display_name)
    return redirect(network_url(network))


@login_required
@require_POST
def membership_role(request: HttpRequest, public_id: str, person_id: str) -> HttpResponse:
    network = access_network(request.user, public_id, for_write=True)
    membership = current_membership(request.user, network, person_id)
    if membership is None:
        raise Http404
    form = MembershipRoleForm(request.POST)
    if form.is_valid() and attempt(form, lambda: services.membership_set_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"])):
        done = (_("%s now convenes this network.") if membership.role == "convener"
                else _("%s is now a member of this network."))
        messages.success(request, done % membership.person.display_name)
        return redirect(network_url(network))
    return render_network(request, network, errors=form_error_messages(form), status=400)


@login_required
def network_link(request: HttpRequest, public_id: str) -> HttpResponse:
    network = access_network(request.user, public_id, for_write=True)
    form = NetworkLinkForm(request.user, network, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.network_link(
                actor=request.user, network=network, **form.cleaned_data)):
        messages.success(request, _("Linked with %s.") % form.cleaned_data["other"].name)
        return redirect(network_url(network))
    return render(request, "web/networks/link.html", {"form": form, "network": network})


@login_required
def network_lineage(request: HttpRequest, public_id: str) -> HttpResponse:
    network = access_network(request.user, public_id)
    context = {"network": network, "tree": lineage_for(request.user, network)}
    return render(request, "web/networks/lineage.html", context)


urlpatterns = [
    path("networks/", network_list, name="networks"),
    path("networks/new/", network_new, name="network_new"),
    path("networks/<str:public_id>/", network_detail, name="network"),
    path("networks/<str:public_id>/edit/", network_edit, name="network_edit"),
    path("networks/<str:public_id>/seed/", network_seed, name="network_seed"),
    path("networks/<str:public_id>/members/add/", network_member_add,
         name="network_member_add"),
    path("networks/<str:public_id>/members/<str:person_id>/end/", membership_end,
         name="membership_end"),
    path("networks/<str:public_id>/members/<str:person_id>/role/", membership_role,
         name="membership_role"),
    path("networks/<str:public_id>/links/add/", network_link, name="network_link"),
    path("networks/<str:public_id>/lineage/", network_lineage, name="network_lineage"),
]
