"""The JSON API, version 1 (docs/api.md): one NinjaAPI, one router module per area.

Routers parse input, call one access function and one service or selector, and shape the
answer; every rule about who may see or change what stays in core/scope.py and the services.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, reverse
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
            if name in PAGE_NAMES and isinstance(pattern, URLPattern):
                pattern.name = PAGE_NAMES[name]
            kept.append(pattern)
        return kept


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
