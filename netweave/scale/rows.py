"""The rows of each big table, as tuples in the column order of COLUMNS, made lazily.

Every NOT NULL column gets the value the model's default would give (or a realistic variant of
it); nullable columns not listed stay NULL. Ids of people and networks are assigned here (the
tables are empty, so ids are positions + 1); memberships and ledger rows take the database's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from netweave.scale.forest import Forest
from netweave.scale.ids import Clock, PublicIds
from netweave.scale.people import Crowd, Memberships

COLUMNS = {
    "person": ("id", "public_id", "chapter_id", "display_name", "social_grouping",
               "hours_per_week", "availability", "constraints", "languages", "interests",
               "discreet", "visibility", "source", "followup_status", "notes", "stage",
               "joined_at"),
    "network": ("id", "public_id", "chapter_id", "name", "kind_id", "social_grouping",
                "description", "status", "seeded_from_id", "seeded_by_id", "path", "generation",
                "started_on", "created_at", "last_activity_at"),
    "membership": ("network_id", "person_id", "role", "joined_on", "left_on"),
    "contribution": ("chapter_id", "kind", "occurred_at", "person_id", "network_id",
                     "subject_network_id", "amount", "data", "recorded_at"),
}

# Repeated entries weight the draw: most people have no stated constraint, and so on.
GROUPINGS = ["", "", "", "family and friends", "classmates", "co-workers", "neighbours"]
HOURS = ["1", "1", "1", "2", "2", "3", "5", "0.5", "8"]
CONSTRAINTS = ['[]'] * 6 + ['["full_time_work"]', '["caregiving"]', '["health"]',
                            '["full_time_work", "caregiving"]', '["online_only"]',
                            '["controlling_home"]', '["no_transport"]']
LANGUAGES = ['["en"]'] * 7 + ['["es"]', '["en", "es"]', '["en", "es"]']
SOURCES = ["event", "event", "outreach", "outreach", "outreach", "recorded"]
FOLLOWUP = {
    "contact": ["new", "new", "contacted", "contacted", "met", "not_now", "do_not_contact"],
    "participant": ["met", "first_task", "first_task"],
}
DISCREET_ODDS = 0.03
ID_BATCH = 10_000


PROFILES = 4096  # distinct situations drawn up front; each person takes one


def _profiles(rng: random.Random) -> list[tuple]:
    """(grouping, hours, constraints, languages, discreet, visibility, source) drawn once per
    profile: seven draws a person cost more than the insert itself."""
    return [
        (rng.choice(GROUPINGS), rng.choice(HOURS), rng.choice(CONSTRAINTS),
         rng.choice(LANGUAGES), rng.random() < DISCREET_ODDS, rng.randrange(3),
         rng.choice(SOURCES))
        for _ in range(PROFILES)
    ]


def people(crowd: Crowd, chapter_ids: list[int], stage: list[str], clock: Clock,
           rng: random.Random) -> Iterator[tuple]:
    public, profiles, rand = PublicIds(rng), _profiles(rng), rng.random
    ids: list[str] = []
    for chapter, days in enumerate(crowd.joined):
        chapter_id, first = chapter_ids[chapter], crowd.first[chapter]
        for local, day in enumerate(days):
            pos = first + local
            if pos % ID_BATCH == 0:
                ids = public.take(pos, ID_BATCH)
            grouping, hours, constraints, languages, discreet, visibility, source = \
                profiles[int(rand() * PROFILES)]
            person_stage = stage[pos]
            followup = FOLLOWUP.get(person_stage)
            yield (
                pos + 1, ids[pos % ID_BATCH], chapter_id, f"Person {pos + 1}", grouping, hours,
                "", constraints, languages, "[]", discreet, visibility, source,
                followup[int(rand() * len(followup))] if followup else "in_network", "",
                person_stage, clock.stamp(day),
            )


def networks(forest: Forest, paths: list[str], status: list[str], members: Memberships,
             chapter_ids: list[int], kinds: list[tuple[int, str]], clock: Clock, span: float,
             rng: random.Random) -> Iterator[tuple]:
    public = PublicIds(rng)
    ids: list[str] = []
    for pos in range(len(forest)):
        if pos % ID_BATCH == 0:
            ids = public.take(pos, ID_BATCH)
        parent = forest.parent[pos]
        kind_id, kind_name = rng.choice(kinds)
        start, end = forest.start[pos], forest.end[pos]
        # Quiet networks were last active when they went quiet; the others in the last weeks.
        last = end if end is not None else max(start, span - rng.random() * 14)
        yield (
            pos + 1, ids[pos % ID_BATCH], chapter_ids[forest.chapter[pos]],
            f"{kind_name} {pos + 1}", kind_id, rng.choice(GROUPINGS), "", status[pos],
            parent + 1 if parent >= 0 else None,
            members.convener_of[parent] + 1 if parent >= 0 else None,
            paths[pos], forest.generation[pos], clock.date(start), clock.stamp(start),
            clock.stamp(last),
        )


def memberships(members: Memberships, clock: Clock) -> Iterator[tuple]:
    for row in range(len(members)):
        left = members.left[row]
        yield (
            members.network[row] + 1, members.person[row] + 1,
            "convener" if members.convener[row] else "member", clock.date(members.joined[row]),
            clock.date(left) if left is not None else None,
        )
