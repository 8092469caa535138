"""Campaign pages: the list, planning one, and its page with progress toward each goal and
the networks that did the work.

Thin views: parse with a form, call one access function and one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from netweave.campaigns import services
from netweave.campaigns.access import access_campaign
from netweave.campaigns.models import Campaign
from netweave.campaigns.selectors import campaign_page, campaigns_for
from netweave.core.access import require
from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.core.selectors import organized_chapters_for
from netweave.web.forms.campaigns import CampaignForm
from netweave.web.views.base import paginate
from netweave.web.views.networks import attempt


def campaign_url(campaign: Campaign) -> str:
    return f"/campaigns/{campaign.public_id}/"


def planning_chapters(actor: object) -> list[Chapter]:
    """Chapters the actor plans campaigns for: those they organize (403 for everyone else)."""
    chapters = list(organized_chapters_for(actor).order_by("name"))
    require(bool(chapters))
    return chapters


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, campaigns_for(request.user))
    scope = scope_of(request.user)
    may_plan = scope.is_admin or bool(scope.organizer_chapters)
    return render(request, "web/campaigns/list.html", {"page": page, "may_plan": may_plan})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, chapters=planning_chapters(request.user))
    if request.method == "POST" and form.is_valid():
        campaign = attempt(form, lambda: services.campaign_create(
            actor=request.user, chapter=form.chapter, **form.values()))
        if campaign is not None:
            messages.success(request, _("Campaign “%s” planned.") % campaign.name)
            return redirect(campaign_url(campaign))
    return render(request, "web/campaigns/form.html", {"form": form, "campaign": None})


@login_required
def campaign_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    page = campaign_page(request.user, access_campaign(request.user, public_id))
    return render(request, "web/campaigns/detail.html", {"p": page, "campaign": page.campaign})


@login_required
def campaign_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = access_campaign(request.user, public_id, for_write=True)
    form = CampaignForm(request.POST or None, chapters=[campaign.chapter], campaign=campaign)
    if request.method == "POST" and form.is_valid() and attempt(
            form, lambda: services.campaign_update(
                actor=request.user, campaign=campaign, **form.values())):
        messages.success(request, _("Saved."))
        return redirect(campaign_url(campaign))
    return render(request, "web/campaigns/form.html", {"form": form, "campaign": campaign})


urlpatterns = [
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_new, name="campaign_new"),
    path("campaigns/<str:public_id>/", campaign_detail, name="campaign"),
    path("campaigns/<str:public_id>/edit/", campaign_edit, name="campaign_edit"),
]
