from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from netweave.core.origin import acting_from, web_origin
from netweave.core.ratelimit import client_ip
from netweave.core.scope import scope_of


class ScopeMiddleware:
    """Puts the acting user's scope on the request, computed only if something asks for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: scope_of(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


class AuditOriginMiddleware:
    """Says where this request's audited actions come from (core/origin.py): the client's
    address (core.ratelimit.client_ip, which knows the trusted proxies) and its user agent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from_here = web_origin(client_ip(request), request.META.get("HTTP_USER_AGENT", ""),
                               getattr(request, "user", None))
        with acting_from(from_here):
            return self.get_response(request)
