"""The authentication backends' first step (django-axes's lockout gate) and the password hash."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
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


class Argon2Hasher(Argon2PasswordHasher):
    """Argon2id with the cost the settings give (NETWEAVE_ARGON2_*), by default OWASP's
    recommended minimum: 19 MiB of memory, 2 passes, 1 lane (the Password Storage Cheat Sheet;
    RFC 9106 allows it for memory-constrained servers).

    Django's own defaults (100 MiB, 2 passes, 8 lanes) take about 285 ms of CPU a sign-in on
    a 2-core server, which 200 people signing in within a minute (a training night) turn
    into a queue that every other request waits in, and which an attacker spreading
    guesses over many addresses can use to tie the server up. This cost is about 25 ms. The
    parameters are stored in each hash: hashes made with other ones still verify, and are
    made again with these at the user's next sign-in (must_update)."""

    algorithm = "argon2"  # the same name: existing hashes stay valid

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return int(settings.NETWEAVE_ARGON2_TIME_COST)

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return int(settings.NETWEAVE_ARGON2_MEMORY_KIB)

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return int(settings.NETWEAVE_ARGON2_PARALLELISM)
