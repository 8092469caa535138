"""Where a person stands on the ladder, derived from the ledger and their memberships.

contact → participant (did something) → contributor (keeps doing things: the chapter's
`contributor_actions` within `contributor_days`) → organized (in an active network) → convener
(convenes a forming or active network) → builder (convened a network that seeded another, while
they convened it, and that network is not dissolved).

The stage is stored on Person so lists can filter on it; every change of it is written as a
StageChange, which the timeline on the person's page reads.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from netweave.core.models import Contribution
from netweave.people.models import ChapterSettings, Person, Stage, StageChange

K = Contribution.Kind
# Things a person did themselves (not things done to them, like being signed up).
ACTIONS = [
    K.TASK_DONE, K.EVENT_ATTENDED, K.EVENT_HOSTED, K.OUTREACH, K.BROUGHT_IN,
    K.NETWORK_SEEDED, K.NETWORK_FORMED, K.RESOURCE_ENGAGED,
]
# The defaults, kept here for callers that read them; each chapter sets its own (ChapterSettings).
CONTRIBUTOR_ACTIONS = ChapterSettings._meta.get_field("contributor_actions").default
CONTRIBUTOR_WINDOW_DAYS = ChapterSettings._meta.get_field("contributor_days").default
# Networks whose conveners count as conveners: a dormant or dissolved network convenes nobody.
CONVENING_STATUSES = ("forming", "active")
# Stages that depend on actions only (no membership): the ones time alone can change.
ACTION_STAGES = (Stage.PARTICIPANT, Stage.CONTRIBUTOR)


def rank(stage: str) -> int:
    return list(Stage.values).index(stage)


def _far_future() -> date:
    return date.max


def built(memberships: list[Any]) -> bool:
    """Whether a network seeded another while this person convened it (one query at most)."""
    from netweave.networks.models import Network

    convened = [m for m in memberships if m["role"] == "convener"]
    if not convened:
        return False
    during = Q(pk__in=[])
    for m in convened:
        during |= Q(seeded_from_id=m["network_id"], started_on__gte=m["joined_on"],
                    started_on__lte=m["left_on"] or _far_future())
    return Network.objects.filter(during).exclude(status=Network.Status.DISSOLVED).exists()


def by_actions(person: Person, rules: ChapterSettings, now: Any = None) -> str:
    """Contact, participant or contributor, from the person's own actions (one query)."""
    since = (now or timezone.now()) - timedelta(days=rules.contributor_days)
    counts = Contribution.objects.filter(person=person, kind__in=ACTIONS).aggregate(
        total=Count("id"), recent=Count("id", filter=Q(occurred_at__gte=since)),
    )
    if counts["recent"] >= rules.contributor_actions:
        return Stage.CONTRIBUTOR
    if counts["total"]:
        return Stage.PARTICIPANT
    return Stage.CONTACT


def stage_of(person: Person, *, rules: ChapterSettings | None = None) -> str:
    from netweave.networks.models import Membership

    rules = rules or ChapterSettings.for_chapter(person.chapter_id)
    memberships: list[Any] = list(
        Membership.objects.filter(person=person).values(
            "network_id", "role", "joined_on", "left_on", "network__status")
    )
    if built(memberships):
        return Stage.BUILDER
    current = [m for m in memberships if m["left_on"] is None]
    if any(m["role"] == "convener" and m["network__status"] in CONVENING_STATUSES
           for m in current):
        return Stage.CONVENER
    if any(m["network__status"] == "active" for m in current):
        return Stage.ORGANIZED
    return by_actions(person, rules)


def refresh_stage(person: Person | None, *, rules: ChapterSettings | None = None) -> str | None:
    """Derive the person's stage again; store it and write a StageChange if it moved."""
    if person is None:
        return None
    stage = stage_of(person, rules=rules)
    # The stored stage, not the instance's: callers often hold a copy loaded before another
    # service moved the person, and a stale copy would hide (or invent) a move.
    stored = Person.objects.filter(pk=person.pk).values_list("stage", flat=True).first()
    if stored is not None and stage != stored:
        StageChange.objects.create(chapter_id=person.chapter_id, person=person,
                                   from_stage=stored, to_stage=stage)
        Person.objects.filter(pk=person.pk).update(stage=stage)
    person.stage = stage
    return stage


def refresh_action_stages(chapter_id: int, *, rules: ChapterSettings | None = None) -> int:
    """Move the chapter's participants and contributors across the contributor threshold in a
    few queries (never one per person): actions age out of the window as days pass, and the
    chapter may change its thresholds. Returns how many people moved."""
    rules = rules or ChapterSettings.for_chapter(chapter_id)
    since = timezone.now() - timedelta(days=rules.contributor_days)
    steady = set(
        Contribution.objects.filter(
            chapter_id=chapter_id, kind__in=ACTIONS, occurred_at__gte=since,
            person__stage__in=ACTION_STAGES,
        ).values("person_id").annotate(n=Count("id")).filter(n__gte=rules.contributor_actions)
        .values_list("person_id", flat=True)
    )
    people = Person.objects.filter(chapter_id=chapter_id, stage__in=ACTION_STAGES)
    up = list(people.filter(stage=Stage.PARTICIPANT, id__in=steady).values_list("id", flat=True))
    down = list(people.filter(stage=Stage.CONTRIBUTOR).exclude(id__in=steady)
                .values_list("id", flat=True))
    Person.objects.filter(id__in=up).update(stage=Stage.CONTRIBUTOR)
    Person.objects.filter(id__in=down).update(stage=Stage.PARTICIPANT)
    StageChange.objects.bulk_create(
        [StageChange(chapter_id=chapter_id, person_id=pk, from_stage=Stage.PARTICIPANT,
                     to_stage=Stage.CONTRIBUTOR) for pk in up]
        + [StageChange(chapter_id=chapter_id, person_id=pk, from_stage=Stage.CONTRIBUTOR,
                       to_stage=Stage.PARTICIPANT) for pk in down]
    )
    return len(up) + len(down)


def refresh_conveners(chapter_id: int, *, rules: ChapterSettings | None = None) -> int:
    """Derive the chapter's conveners again: one becomes a builder when a network they convene
    seeds another, which the seeding service records for the seeder, not for the parent's
    conveners. Conveners are few (one or two per network), so this goes person by person."""
    rules = rules or ChapterSettings.for_chapter(chapter_id)
    moved = 0
    for person in Person.objects.filter(chapter_id=chapter_id, stage=Stage.CONVENER):
        before = person.stage
        moved += int(refresh_stage(person, rules=rules) != before)
    return moved
