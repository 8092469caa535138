"""Resources for the shared test world (core.testing.World), made without the services."""

from __future__ import annotations

from typing import Any

from netweave.core.testing import World
from netweave.learning.models import Guide, Resource


def film(world: World, **fields: Any) -> Resource:
    values = {"chapter": world.chapter, "kind": Resource.Kind.FILM, "title": "Rising",
              "url": "https://films.example.org/rising", "minutes": 90, "language": "en"}
    return Resource.objects.create(**(values | fields))


def guide(resource: Resource, **fields: Any) -> Guide:
    values = {"title": "Discussing it", "minutes": 60, "steps": ["Watch", "Talk"],
              "questions": ["What stayed with you?"]}
    return Guide.objects.create(resource=resource, **(values | fields))
