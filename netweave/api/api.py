"""The JSON API, version 1 (docs/api.md): one NinjaAPI, one router module per area.

Routers parse input, call one access function and one service or selector, and shape the
answer; every rule about who may see or change what stays in core/scope.py and the services.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.operation import Operation
from ninja.router import Router

from netweave.api import errors
from netweave.api.auth import TokenOrSession
from netweave.api.routers import (
    events,
    ledger,
    networks,
    osdi,
    outreach,
    people,
    webhooks,
    work,
)

# The schema and docs pages are named like the web pages (and listed in the web route table,
# web/tests/routes_api_tokens.py); the operations are not named at all: they are addressed by
# path, and their route table is the OpenAPI schema, walked by api/tests.
PAGE_NAMES = {"openapi-json": "api_openapi", "openapi-view": "api_docs"}


class NetweaveApi(NinjaAPI):
    def get_operation_url_name(self, operation: Operation, router: Router) -> Any:
        return None

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's name (list_people, create_network): short, and stable for clients."""
        return str(operation.view_func.__name__)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        kept: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            name = getattr(pattern, "name", None)
            if name == "api-root":
                continue  # ninja's redirect from /api/v1/ to the docs: not needed
            if isinstance(pattern, URLPattern):
                page_name = PAGE_NAMES.get(str(name))
                pages_only = page_name is not None
                if page_name is not None:
                    pattern.name = page_name
                pattern.callback = self._method_refused_as_json(
                    pattern.callback, reads_only=pages_only)
            kept.append(pattern)
        # Last: any other path under /api/v1/ is a 404 in the API's error format, not the web's
        # HTML page (a script reads the one, a person the other). CSRF-exempt as ninja's views
        # are: a POST to a wrong path is told so, not asked for a CSRF token.
        kept.append(re_path(r"", csrf_exempt(self._no_such_path)))
        return kept

    def _no_such_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return errors.error_response(self, request, 404, "not_found",
                                     _("There is no such path in the API; its paths are listed "
                                       "in its documentation."))

    def _method_refused_as_json(self, view: Callable[..., Any], *,
                                reads_only: bool = False) -> Callable[..., Any]:
        """ninja answers a method a path does not take with Django's bare 405 (and its schema
        and docs pages answer any method); this answers it in the API's error format, with
        the Allow header."""

        @wraps(view)
        def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if reads_only and request.method not in ("GET", "HEAD"):
                response: Any = HttpResponseNotAllowed(["GET", "HEAD"])
            else:
                response = view(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            allowed = ", ".join(sorted(response["Allow"].split(", ")))  # ninja's is a set
            refused = errors.error_response(
                self, request, 405, "method_not_allowed",
                _("This path does not take %(method)s; it takes %(allowed)s.")
                % {"method": request.method, "allowed": allowed})
            refused["Allow"] = allowed
            return refused

        if reads_only:
            # Safe: the unsafe methods are refused above, before the page runs; so a POST
            # is told 405 in JSON, not asked for a CSRF token in HTML.
            answer.csrf_exempt = True  # type: ignore[attr-defined]
        return answer

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        """The mount point (/api/v1/), found without the namespace ninja expects."""
        return reverse("api_openapi").removesuffix("openapi.json")

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """ninja's schema, with the one error format documented on every operation."""
        schema = super().get_openapi_schema(*args, **kwargs)
        errors.document(schema)
        return schema


class SwaggerHere(Swagger):
    def get_openapi_url(self, api: NinjaAPI, path_params: dict[str, Any]) -> str:
        return reverse("api_openapi")


api = NetweaveApi(
    title="netweave API",
    version="1",
    description="Read and write your organizing data within your own scope. See docs/api.md.",
    auth=TokenOrSession(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs=SwaggerHere(),
)
errors.install(api)

for module in (people, networks, work, events, outreach, ledger, osdi, webhooks):
    api.add_router("/", module.router)

# Mounted without a namespace (netweave/urls.py), so the pages' names are plain names.
urlpatterns = api.urls[0]
