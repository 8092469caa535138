"""Who is calling: a personal access token (`Authorization: Bearer <token>`) or the web session.

A token is a factor of its own: it was made by a signed-in user (who, for organizers and admins,
had given their second factor to reach the tokens page), is shown once, and is revocable. A
session must have passed the same two-factor step as the web pages, and unsafe methods need
Django's CSRF token, as the web forms do.

After the caller is known: a read token may not write, and each caller has a rate limit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from netweave.api.errors import ApiError
from netweave.api.models import ApiToken
from netweave.api.services import token_authenticate
from netweave.core import ratelimit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def _session_user(request: HttpRequest) -> Any:
    from netweave.web.middleware import second_step

    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if second_step(request) is not None:
        raise ApiError(401, "second_factor_required",
                       _("Give your second factor on the web first, or use a token."))
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise ApiError(403, "csrf_failed", _("This request needs the page's CSRF token."))
    return user


def _limit(owner: str) -> None:
    refusal = ratelimit.hit("api", owner)
    if refusal is not None:
        raise ApiError(429, "rate_limited",
                       _("Too many requests. Try again in %(s)s seconds.")
                       % {"s": refusal.retry_after},
                       headers={"Retry-After": str(refusal.retry_after)})


class TokenOrSession(AuthBase):
    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        raw = _bearer(request)
        token: ApiToken | None = None
        if raw is not None:
            try:
                token = token_authenticate(raw)
            except PermissionDenied:
                return None  # 401, without saying why
            user = token.user
        else:
            user = _session_user(request)
            if user is None:
                return None
        request.api_token = token  # type: ignore[attr-defined]
        request.api_owner = f"token:{token.pk}" if token else f"user:{user.pk}"  # type: ignore[attr-defined]
        _limit(request.api_owner)  # type: ignore[attr-defined]
        if token is not None and not token.may_write and request.method not in SAFE_METHODS:
            raise ApiError(403, "read_only_token", _("This token may read but not write."))
        return user


def actor(request: HttpRequest) -> Any:
    """The acting user of an authenticated API request."""
    return request.auth  # type: ignore[attr-defined]
