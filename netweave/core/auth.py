"""The authentication backends' first step: django-axes's lockout gate."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address pair (settings.AXES_*), then lets
    ModelBackend check the password.

    Without a request there is no address and no web client to lock out: a management command
    or a test calling `authenticate()` directly. axes would raise there; this gate steps aside.
    Every web login passes its request (Django's LoginView and AuthenticationForm do).
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
