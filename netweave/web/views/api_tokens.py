"""Personal access tokens for the JSON API: make, list and revoke one's own (docs/api.md).

A new token is shown once, on the page that answers the form, and never again: only its keyed
hash is kept. Thin views: parse with a form, call one access function and one service.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from netweave.api import services
from netweave.api.access import access_token
from netweave.api.models import ApiToken
from netweave.api.selectors import tokens_for
from netweave.web.views.base import StyledForm
from netweave.web.views.networks import attempt


class TokenForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80,
                           help_text=gettext_lazy("What will use it, e.g. “sign-up sheet sync”."))
    scope = forms.ChoiceField(label=gettext_lazy("May"), choices=ApiToken.Scope.choices,
                              initial=ApiToken.Scope.READ)
    days = forms.IntegerField(label=gettext_lazy("Lasts (days)"), min_value=1,
                              max_value=services.MAX_DAYS, initial=services.DEFAULT_DAYS)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        made = attempt(form, lambda: services.token_create(
            actor=request.user, name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"], days=form.cleaned_data["days"],
        ))
        if made is not None:
            new_token = made[1]
            form = TokenForm()
    response = render(request, "web/api/tokens.html", {
        "form": form, "tokens": tokens_for(request.user), "new_token": new_token,
    })
    # The page that shows a token once must not be kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    token = access_token(request.user, public_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens")


urlpatterns = [
    path("account/api-tokens/", api_tokens, name="api_tokens"),
    path("account/api-tokens/<str:public_id>/revoke/", api_token_revoke,
         name="api_token_revoke"),
]
