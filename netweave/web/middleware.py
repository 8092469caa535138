"""Two-factor before anything else, and the security headers Django does not set itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from netweave.core import twofactor

# Pages an unverified user may still open: the two-factor steps themselves, leaving, and the
# language switch (the steps must be readable in one's own language).
OPEN_BEFORE_SECOND_FACTOR = frozenset({
    "twofactor_verify", "twofactor_enrol", "logout", "set_language",
})
# Per session: does this user have a device? Asked once, not on every request.
HAS_DEVICE_KEY = "netweave_has_2fa_device"
API_PREFIX = "/api/"


def remember_device(request: HttpRequest, present: bool) -> None:
    request.session[HAS_DEVICE_KEY] = present


def note_device_at_login(sender: Any, request: HttpRequest | None, user: Any,
                         **kwargs: Any) -> None:
    """At login (the user_logged_in signal), note whether the user has a device, so that the
    pages after it do not ask the database each time."""
    if request is not None and hasattr(request, "session"):
        remember_device(request, twofactor.has_device(user))


def session_has_device(request: HttpRequest) -> bool:
    known = request.session.get(HAS_DEVICE_KEY)
    if known is None:
        known = twofactor.has_device(request.user)
        remember_device(request, known)
    return bool(known)


def second_step(request: HttpRequest) -> str | None:
    """Where a signed-in user who has not given a second factor this session must go first:
    the code step if they have a device, enrolment if their role requires one, else nowhere."""
    user: Any = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if session_has_device(request):
        return "twofactor_verify"
    if twofactor.required_for(user):
        return "twofactor_enrol"
    return None


class TwoFactorMiddleware:
    """After the password, a required-but-unverified user reaches nothing but the two-factor
    pages (after django_otp's OTPMiddleware, which marks the verified)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any,
                     kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        # The API checks the second factor itself (netweave/api/auth.py) and answers a JSON
        # 401 a script can read, rather than a redirect to a page.
        if request.path_info.startswith(API_PREFIX):
            return None
        step = second_step(request)
        if step is None:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class SecurityHeadersMiddleware:
    """Permissions-Policy: turn off browser features no page uses (Django has no setting)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
