from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from netweave.core.scope import scope_of


class ScopeMiddleware:
    """Puts the acting user's scope on the request, computed only if something asks for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: scope_of(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
