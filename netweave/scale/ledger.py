"""Ledger rows: the entries the services would have appended for everything generated, then
everyday activity (tasks done, events attended, outreach) up to the wanted total.

Entries match the services: SIGNED_UP when a person came in, NETWORK_FORMED for a generation-1
network and NETWORK_SEEDED (by the parent's convener, about the child) for the others,
NETWORK_CONVENED / NETWORK_JOINED per membership.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from netweave.scale.forest import Forest
from netweave.scale.ids import Clock
from netweave.scale.people import Crowd, Memberships

# Ten draws per mix: members mostly do tasks; people outside networks come to events.
MEMBER_ACTIVITY = ["task_done"] * 5 + ["event_attended"] * 3 + ["outreach"] * 2
OUTSIDER_ACTIVITY = ["task_done"] * 3 + ["event_attended"] * 5 + ["outreach"] * 2
OUTSIDER_SHARE = 0.2  # of activity rows, those by participants outside any network
FLYERS = (5, 200)  # an outreach entry's amount: materials out


def required(crowd: Crowd, forest: Forest, members: Memberships) -> int:
    """Rows the services would have written for what exists, before any activity."""
    return len(crowd) + len(forest) + len(members)


def rows(crowd: Crowd, forest: Forest, members: Memberships, stage: list[str],
         chapter_ids: list[int], clock: Clock, total: int, span: float,
         rng: random.Random) -> Iterator[tuple]:
    yield from _signups(crowd, chapter_ids, clock)
    yield from _lineage(forest, members, chapter_ids, clock)
    yield from _joins(forest, members, chapter_ids, clock)
    activity = total - required(crowd, forest, members)
    yield from _activity(crowd, forest, members, stage, chapter_ids, clock, activity, span, rng)


def _row(chapter: int, kind: str, at: str, person: int | None, network: int | None,
         subject_network: int | None = None, amount: int = 1) -> tuple:
    return (chapter, kind, at, person, network, subject_network, amount, "{}", at)


def _signups(crowd: Crowd, chapter_ids: list[int], clock: Clock) -> Iterator[tuple]:
    for chapter, days in enumerate(crowd.joined):
        first = crowd.first[chapter]
        for local, day in enumerate(days):
            yield _row(chapter_ids[chapter], "signed_up", clock.stamp(day), first + local + 1,
                       None)


def _lineage(forest: Forest, members: Memberships, chapter_ids: list[int],
             clock: Clock) -> Iterator[tuple]:
    for pos in range(len(forest)):
        chapter, at, parent = chapter_ids[forest.chapter[pos]], clock.stamp(forest.start[pos]), \
            forest.parent[pos]
        if parent < 0:
            yield _row(chapter, "network_formed", at, members.convener_of[pos] + 1, pos + 1)
        else:
            yield _row(chapter, "network_seeded", at, members.convener_of[parent] + 1,
                       parent + 1, pos + 1)


def _joins(forest: Forest, members: Memberships, chapter_ids: list[int],
           clock: Clock) -> Iterator[tuple]:
    for row in range(len(members)):
        network = members.network[row]
        kind = "network_convened" if members.convener[row] else "network_joined"
        yield _row(chapter_ids[forest.chapter[network]], kind,
                   clock.stamp(members.joined[row]), members.person[row] + 1, network + 1)


def _activity(crowd: Crowd, forest: Forest, members: Memberships, stage: list[str],
              chapter_ids: list[int], clock: Clock, count: int, span: float,
              rng: random.Random) -> Iterator[tuple]:
    """Activity rows, written for speed (millions of them): one uniform draw per choice."""
    outsiders = [pos for pos, s in enumerate(stage) if s == "participant"]
    share = OUTSIDER_SHARE if outsiders else 0.0
    network_chapter = [chapter_ids[c] for c in forest.chapter]
    person_chapter = [chapter_ids[c] for c, days in enumerate(crowd.joined) for _ in days]
    joined_day = [day for days in crowd.joined for day in days]
    rand, stamp = rng.random, clock.stamp
    n_members, n_outsiders, low, spread = len(members), len(outsiders), FLYERS[0], \
        FLYERS[1] - FLYERS[0] + 1
    for _ in range(count):
        if rand() < share:
            person = outsiders[int(rand() * n_outsiders)]
            joined = joined_day[person]
            chapter, network, until = person_chapter[person], None, span
            kind = OUTSIDER_ACTIVITY[int(rand() * 10)]
        else:
            row = int(rand() * n_members)
            person, network, joined = members.person[row], members.network[row], \
                members.joined[row]
            left = members.left[row]
            chapter, network, until = network_chapter[network], network + 1, \
                span if left is None else left
            kind = MEMBER_ACTIVITY[int(rand() * 10)]
        at = stamp(joined + rand() * (until - joined))
        amount = low + int(rand() * spread) if kind == "outreach" else 1
        yield (chapter, kind, at, person + 1, network, None, amount, "{}", at)
