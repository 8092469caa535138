"""netweave's URLs plus a bare django-ninja endpoint (no auth, no scope, no pagination) that
returns 50 people from the same database: the baseline of benchmarks/api_people.py, served by
the same gunicorn process in the same way."""

from __future__ import annotations

from typing import Any

from django.urls import path
from ninja import NinjaAPI, Schema

from netweave.people.models import Person
from netweave.urls import urlpatterns as netweave_urls

bare = NinjaAPI(urls_namespace="bare", docs_url=None, openapi_url=None)


class Row(Schema):
    id: str
    display_name: str


@bare.get("/people", response=list[Row])
def bare_people(request: Any) -> list[dict[str, str]]:
    rows = Person.objects.order_by("display_name").values_list("public_id", "display_name")[:50]
    return [{"id": p, "display_name": n} for p, n in rows]


urlpatterns = [path("bare/", bare.urls), *netweave_urls]
