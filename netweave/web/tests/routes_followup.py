"""The ladder, follow-up and no-login link routes, with who may use them (walked by
test_route_access.py, which also checks that a refused request changes nothing).

- the follow-up desk, untouched records and chapter settings: organizers, each for their own
  chapters (charlie organizes Hilltop);
- accepting or declining a follow-up: only its owner (carol, in these cases);
- "ready for more" actions and coaching pairs: the chapter's organizers; the coach and the
  coached person may end their own pair, and while it lasts they open each other's page;
- making a no-login link: whoever runs the task's or network's work (organizers, the convener);
- using one: anyone holding it, signed in or not (the token is the permission).
"""

from __future__ import annotations

from typing import Any

from netweave.core.testing import World
from netweave.web.tests.routes import (
    ANY_ORGANIZER,
    NETWORK_RUNNERS,
    ORGANIZERS,
    PUBLIC,
    Case,
    Targets,
    bob,
    network,
    none,
    private,
    task,
)


def erin_handed_to_carol(w: World, t: Targets) -> dict[str, str]:
    """Erin's follow-up, handed to carol by alice and not yet accepted."""
    from netweave.people.models import Person

    Person.objects.filter(pk=w.erin.pk).update(followup_owner=w.carol, followup_assigned_by=w.alice,
                                               followup_accepted_at=None)
    return {"public_id": w.erin.public_id}


def dave(w: World, t: Targets) -> dict[str, str]:
    return {"public_id": w.dave_person.public_id}


def dave_coached_by_carol(w: World, t: Targets) -> dict[str, str]:
    from netweave.people.models import CoachingPair

    CoachingPair.objects.get_or_create(chapter=w.chapter, coach=w.carol_person,
                                       coached=w.dave_person, ended_on=None)
    return {"public_id": w.dave_person.public_id, "coach_id": w.carol_person.public_id}


def dave_with_coach(w: World, t: Targets) -> dict[str, str]:
    """Dave's page, while carol coaches him."""
    dave_coached_by_carol(w, t)
    return {"public_id": w.dave_person.public_id}


def carol_coaching_dave(w: World, t: Targets) -> dict[str, str]:
    """Carol's page, while she coaches dave (who could not open it otherwise)."""
    dave_coached_by_carol(w, t)
    return {"public_id": w.carol_person.public_id}


def dave_once_coached_by_carol(w: World, t: Targets) -> dict[str, str]:
    """Dave's page after carol's coaching ended: she no longer sees it."""
    from django.utils import timezone

    from netweave.people.models import CoachingPair

    pairs = CoachingPair.objects.filter(coach=w.carol_person, coached=w.dave_person)
    pairs.filter(ended_on__isnull=True).update(ended_on=timezone.localdate())
    if not pairs.exists():
        CoachingPair.objects.create(chapter=w.chapter, coach=w.carol_person,
                                    coached=w.dave_person, ended_on=timezone.localdate())
    return {"public_id": w.dave_person.public_id}


def report_link(w: World, t: Targets) -> dict[str, str]:
    from netweave.people.links import link_for_task

    return {"token": link_for_task(actor=w.alice, task=t.task)}


SETTINGS: dict[str, Any] = {
    "contributor_actions": 4, "contributor_days": 60, "ready_actions": 6,
    "new_convener_days": 90, "followup_days": 2, "untouched_person_days": 21,
    "untouched_network_days": 30, "link_days": 7,
}

FOLLOWUP_CASES: list[Case] = [
    Case("followup_desk", none, private(ANY_ORGANIZER)),
    Case("followup_assign", none, private(ORGANIZERS), "post",
         data=lambda w, t: {"people": [w.erin.public_id], "owner": w.carol.pk}),
    Case("untouched", none, private(ANY_ORGANIZER)),
    Case("chapter_settings", none, private(ANY_ORGANIZER)),
    Case("chapter_settings", none, private(ANY_ORGANIZER), "post", data=lambda w, t: SETTINGS),
    Case("followup_accept", erin_handed_to_carol, private({"convener"}), "post"),
    Case("followup_decline", erin_handed_to_carol, private({"convener"})),
    Case("followup_decline", erin_handed_to_carol, private({"convener"}), "post",
         data=lambda w, t: {"reason": "No time this month"}),
    Case("convening_ask", bob, private(ORGANIZERS), "post"),
    Case("coaching_start", dave, private(ORGANIZERS), "post",
         data=lambda w, t: {"person": w.carol_person.public_id}),
    # The coach (carol) and the coached (dave) may end their pair.
    Case("coaching_end", dave_coached_by_carol,
         private(ORGANIZERS | {"convener", "other_convener"}), "post"),
    # A current pair opens each other's page (names, not contact details); nobody else's.
    Case("person", dave_with_coach, private(ORGANIZERS | {"convener", "other_convener"})),
    Case("person", carol_coaching_dave,
         private(ORGANIZERS | {"convener", "member", "other_convener"})),
    Case("person_contacts", dave_with_coach, private(ORGANIZERS | {"other_convener"}),
         "post"),
    Case("person", dave_once_coached_by_carol, private(ORGANIZERS | {"other_convener"})),
    Case("task_link", task, private(NETWORK_RUNNERS)),
    Case("task_link", task, private(NETWORK_RUNNERS), "post"),
    Case("seed_link", network, private(NETWORK_RUNNERS)),
    Case("seed_link", network, private(NETWORK_RUNNERS), "post",
         data=lambda w, t: {"person": w.bob_person.public_id}),
    Case("action_link", report_link, PUBLIC),
    Case("action_link", report_link, PUBLIC, "post", data=lambda w, t: {"report_note": "done"}),
]
