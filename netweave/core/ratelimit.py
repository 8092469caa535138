"""Rate limits on the doors anyone can knock on: sign-up, public event forms, password reset,
invite and no-login links, the two-factor step.

A small fixed-window counter on Django's cache rather than django-ratelimit: the views need the
seconds left in the window (for `Retry-After` and the page that says how long to wait), and
they need to decide inside the view so that a refused form is drawn again with what the person
typed. django-ratelimit answers yes/no only, or raises before the view runs. The counting itself
is two cache calls (`add`, `incr`), atomic on Redis and on the local-memory cache.

Login lockout is django-axes's job (settings.AXES_*); this module also tells axes who the client
is (`client_ip`), so both count the same address.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Refusal:
    """Over the limit: how long until the next try is counted afresh."""

    rule: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind NETWEAVE_PROXY_COUNT proxies, the address the first of
    them saw, counted from the right of X-Forwarded-For (the left part is whatever the client
    sent and cannot be trusted)."""
    count = settings.NETWEAVE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


def parse(rule: str) -> tuple[int, int]:
    """"count/seconds" from settings.NETWEAVE_RATE_LIMITS."""
    count, seconds = settings.NETWEAVE_RATE_LIMITS[rule].split("/")
    return int(count), int(seconds)


def hit(rule: str, key: str) -> Refusal | None:
    """Count one attempt under `rule` for `key`; a Refusal once past the rule's count."""
    limit, window = parse(rule)
    now = time.time()
    start = int(now // window * window)
    # Hashed: the cache holds no address or email in clear.
    digest = hashlib.sha256(f"{rule}:{key}".encode()).hexdigest()[:32]
    name = f"ratelimit:{rule}:{digest}:{start}"
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: this is the first attempt again
        cache.set(name, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return Refusal(rule=rule, retry_after=max(1, math.ceil(start + window - now)))
    return None


def hit_ip(rule: str, request: HttpRequest) -> Refusal | None:
    return hit(rule, client_ip(request))
