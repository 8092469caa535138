"""The catalog and matching routes (walked by test_route_access.py).

A chapter's organizers add and edit its own playbooks; a person's situation is changed by
themselves or their chapter's organizers; "offer this" is for whoever may give the person work
(organizers, the conveners of their network, themselves); "take it on" for anyone who is a
person in a chapter.
"""

from __future__ import annotations

from netweave.core.testing import World
from netweave.web.tests.routes import (
    ANY_ORGANIZER,
    NETWORK_PEOPLE,
    ORGANIZERS,
    Case,
    Targets,
    bob,
    none,
    private,
)

PEOPLE_WITH_A_PERSON = {"member", "convener", "other_convener", "organizer"}


def riverside_playbook(w: World, t: Targets) -> dict[str, str]:
    """Riverside's own playbook, made on first use."""
    from netweave.work.models import Playbook

    row = Playbook.objects.filter(chapter=w.chapter).first() or Playbook.objects.create(
        chapter=w.chapter, slug="riverside-table", title="Riverside table", setting="public",
        minutes=45, steps=["Set up", "Talk"],
    )
    return {"public_id": row.public_id}


WORK_MATCHING_CASES: list[Case] = [
    Case("playbook_new", none, private(ANY_ORGANIZER)),
    Case("playbook_edit", riverside_playbook, private(ORGANIZERS)),
    Case("situation_edit", bob, private(ORGANIZERS | {"member"})),
    Case("suggestion_offer", none, private(NETWORK_PEOPLE), "post",
         data=lambda w, t: {"playbook": w.playbook.public_id,
                            "person": w.bob_person.public_id}),
    Case("suggestion_take", none, private(PEOPLE_WITH_A_PERSON), "post",
         data=lambda w, t: {"playbook": w.playbook.public_id}),
]
