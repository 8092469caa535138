"""Signing in and out, and taking up an invite made by an organizer."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache

from netweave.people import services
from netweave.web.forms.accounts import InviteAcceptForm, LoginForm
from netweave.web.views.base import apply_service_errors

INVALID_INVITE_STATUS = 410  # Gone: the link existed but can no longer be used.


def _invalid_invite(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accounts/invite_invalid.html", status=INVALID_INVITE_STATUS)


@never_cache
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Someone recorded by an organizer picks a username and password for themselves."""
    invite = services.invite_lookup(token)
    if invite is None:
        return _invalid_invite(request)
    form = InviteAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_accept(
                token=token, username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except PermissionDenied:
            # Used or expired between showing the form and sending it.
            return _invalid_invite(request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user)
            return redirect("dashboard")
    return render(request, "web/accounts/invite_accept.html",
                  {"form": form, "person": invite.person})


urlpatterns = [
    path("login/", LoginView.as_view(
        template_name="web/accounts/login.html", authentication_form=LoginForm,
        redirect_authenticated_user=True,
    ), name="login"),
    # Django's LogoutView accepts POST only, so a link or an image cannot log anyone out.
    path("logout/", LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", invite_accept, name="invite_accept"),
]
