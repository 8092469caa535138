"""The learning routes, with who may use them (walked by test_route_access.py).

Resources and guides are the chapter's: everyone in it browses them and records what they did
with them (an account without a person, like the admin's, has nobody to record it for); only
the chapter's organizers add, change and retire them. Discussion sessions are recorded by whoever
runs a network: its conveners and the organizers. Charlie (the outsider, Hilltop's organizer)
gets 404 on Riverside's rows.
"""

from __future__ import annotations

from typing import Any

from netweave.core.testing import World
from netweave.web.tests.routes import (
    ANY_ORGANIZER,
    CHAPTER_PEOPLE,
    EVERYONE_SIGNED_IN,
    NETWORK_RUNNERS,
    ORGANIZERS,
    Case,
    Targets,
    none,
    private,
)


def _resource(w: World) -> Any:
    """Riverside's film, made on first use (the shared targets know nothing of it)."""
    from netweave.learning.models import Resource

    return Resource.objects.filter(chapter=w.chapter).first() or Resource.objects.create(
        chapter=w.chapter, kind=Resource.Kind.FILM, title="Rising", language="en",
        url="https://films.example.org/rising", minutes=90,
    )


def resource(w: World, t: Targets) -> dict[str, str]:
    return {"public_id": _resource(w).public_id}


def guide(w: World, t: Targets) -> dict[str, str]:
    from netweave.learning.models import Guide

    row = Guide.objects.filter(resource=_resource(w)).first() or Guide.objects.create(
        resource=_resource(w), title="Discussing Rising", minutes=60,
        steps=["Watch it together"], questions=["What stayed with you?"],
    )
    return {"public_id": row.public_id}


RECORDERS = CHAPTER_PEOPLE - {"admin"}

LEARNING_CASES: list[Case] = [
    Case("learning", none, private(EVERYONE_SIGNED_IN)),
    Case("resource_new", none, private(ANY_ORGANIZER)),
    Case("resource", resource, private(CHAPTER_PEOPLE)),
    Case("resource_edit", resource, private(ORGANIZERS)),
    Case("resource_retire", resource, private(ORGANIZERS), "post",
         data=lambda w, t: {"retired": "1"}),
    Case("resource_watched", resource, private(RECORDERS), "post"),
    Case("resource_engage", resource, private(RECORDERS), "post",
         data=lambda w, t: {"how": "shared", "people": "3"}),
    Case("guide_new", resource, private(ORGANIZERS)),
    Case("guide", guide, private(CHAPTER_PEOPLE)),
    Case("guide_edit", guide, private(ORGANIZERS)),
    Case("session_new", resource, private(NETWORK_RUNNERS | {"other_convener"})),
]
