"""Signing in and out, taking up an invite made by an organizer, and resetting a password.

Login lockout is django-axes (settings.AXES_*: `locked_out` draws its page); the other limits
are netweave.core.ratelimit. Two-factor pages are in accounts_2fa.py.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from netweave.core.ratelimit import Refusal, hit, hit_ip
from netweave.people import services
from netweave.web.forms.accounts import InviteAcceptForm, LoginForm, ResetForm
from netweave.web.views.base import apply_service_errors
from netweave.web.views.limits import limited_post, refuse_form, too_many, with_retry_after

INVALID_INVITE_STATUS = 410  # Gone: the link existed but can no longer be used.
# The password was just checked; ModelBackend is the one that holds accounts (the other
# backend is only axes's lockout gate).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"



def refused_form_page(view: Any, refusal: Any) -> HttpResponse:
    """The form again, with what was typed and the rate limit's message, answered 429."""
    form = view.get_form()
    refuse_form(form, refusal)
    return with_retry_after(view.render_to_response(view.get_context_data(form=form)), refusal)

class LoginView(auth_views.LoginView):
    """Django's login, counted per client address on top of axes's per-username lockout (one
    address trying many usernames)."""

    template_name = "web/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = hit_ip("login", request)
        if refusal is None:
            return super().post(request, *args, **kwargs)
        return refused_form_page(self, refusal)


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes's lockout answer: the login page again, the username kept, 429 with
    Retry-After, and what to do meanwhile."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 1800
    refusal = Refusal(rule="lockout", retry_after=seconds)
    form = LoginForm(request, data=request.POST or None)
    refuse_form(form, refusal, ngettext(
        "Too many wrong passwords for this username. Try again in %(minutes)d minute, or "
        "reset your password.",
        "Too many wrong passwords for this username. Try again in %(minutes)d minutes, or "
        "reset your password.", refusal.minutes,
    ) % {"minutes": refusal.minutes})
    page = render(request, "web/accounts/login.html", {"form": form})
    return with_retry_after(page, refusal)


def _invalid_invite(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accounts/invite_invalid.html", status=INVALID_INVITE_STATUS)


@never_cache
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Someone recorded by an organizer picks a username and password for themselves."""
    # Every request counts, not only forms: an invite token must not be guessable by trying.
    refusal = hit_ip("invite", request)
    invite = services.invite_lookup(token)
    if invite is None:
        return too_many(request, refusal) if refusal else _invalid_invite(request)
    form = InviteAcceptForm(request.POST or None)
    if refusal is not None:
        if request.method != "POST":
            return too_many(request, refusal)
        refuse_form(form, refusal)
        return with_retry_after(_invite_page(request, form, invite), refusal)
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
            login(request, user, backend=MODEL_BACKEND)
            return redirect("dashboard")
    return _invite_page(request, form, invite)


def _invite_page(request: HttpRequest, form: InviteAcceptForm, invite: Any) -> HttpResponse:
    return render(request, "web/accounts/invite_accept.html",
                  {"form": form, "person": invite.person})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email, limited per client address and per address typed (so nobody
    floods someone's inbox)."""

    form_class = ResetForm
    template_name = "web/accounts/password_reset.html"
    email_template_name = "web/accounts/password_reset_email.txt"
    subject_template_name = "web/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = request.POST.get("email", "").strip().lower()
        refusal = limited_post(request, "reset") or (
            hit("reset_address", address) if address else None
        )
        if refusal is None:
            return super().post(request, *args, **kwargs)
        return refused_form_page(self, refusal)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or an image cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", invite_accept, name="invite_accept"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="web/accounts/password_reset_done.html"), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="web/accounts/password_reset_confirm.html",
        success_url=reverse_lazy("password_reset_complete"),
    ), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="web/accounts/password_reset_complete.html"),
        name="password_reset_complete"),
]
