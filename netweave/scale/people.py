"""People (when each came in), who is in which network, and where each person stands.

People of a chapter are numbered in the order they joined, so "everyone who had joined by the
day a network started" is a prefix of the chapter's block, found by bisection; members are drawn
from it, so no one is in a network before they came in.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field

from netweave.scale.forest import ChapterShape, Forest

CORE = 5  # the first people of a chapter were there on day 0 and can convene its first network
JOIN_CURVE = 0.6  # exponent < 1: more people came in recently, as in a growing movement
MIN_MEMBERS, MEAN_EXTRA_MEMBERS, MAX_MEMBERS = 2, 3.0, 12
JOIN_WITHIN_DAYS = 14.0
PARTICIPANT_SHARE = 0.2  # of the people in no network, those who did something anyway


@dataclass
class Crowd:
    first: list[int]  # per chapter: position of its first person
    joined: list[list[float]]  # per chapter: day each person came in, ascending

    def __len__(self) -> int:
        return self.first[-1] + len(self.joined[-1]) if self.first else 0


@dataclass
class Memberships:
    network: list[int] = field(default_factory=list)
    person: list[int] = field(default_factory=list)
    convener: list[bool] = field(default_factory=list)
    joined: list[float] = field(default_factory=list)
    left: list[float | None] = field(default_factory=list)
    convener_of: list[int] = field(default_factory=list)  # per network: its convener

    def __len__(self) -> int:
        return len(self.network)


def crowd(shapes: list[ChapterShape], span: float, rng: random.Random) -> Crowd:
    first, joined, at = [], [], 0
    for shape in shapes:
        n = shape.people
        # (j + r) / n increases with j for r in [0, 1): the days come out sorted for free.
        days = [0.0 if j < CORE else span * ((j + rng.random()) / n) ** (1 / JOIN_CURVE)
                for j in range(n)]
        first.append(at)
        joined.append(days)
        at += n
    return Crowd(first, joined)


def memberships(forest: Forest, people: Crowd, status: list[str], span: float,
                rng: random.Random) -> Memberships:
    out = Memberships()
    for pos in range(len(forest)):
        chapter, start = forest.chapter[pos], forest.start[pos]
        days = people.joined[chapter]
        eligible = max(1, bisect_right(days, start))
        size = MIN_MEMBERS + int(rng.expovariate(1 / MEAN_EXTRA_MEMBERS))
        picks = rng.sample(range(eligible), min(size, MAX_MEMBERS, eligible))
        # Members of a dissolved network left when it ended; others are still in it.
        left = forest.end[pos] if status[pos] == "dissolved" else None
        for k, local in enumerate(picks):
            out.network.append(pos)
            out.person.append(people.first[chapter] + local)
            out.convener.append(k == 0)
            joined = start if k == 0 else start + rng.random() * min(JOIN_WITHIN_DAYS,
                                                                      span - start)
            out.joined.append(min(joined, left) if left is not None else joined)
            out.left.append(left)
        out.convener_of.append(people.first[chapter] + picks[0])
    return out


def stages(people: Crowd, forest: Forest, members: Memberships,
           rng: random.Random) -> list[str]:
    """Each person's ladder stage, as the ladder would derive it from the ledger rows this
    package writes: builders convened a network that seeded another, conveners and organized
    people are in a current network, participants did something outside any network."""
    stage = ["contact"] * len(people)
    for person, left in zip(members.person, members.left, strict=True):
        if left is None:
            stage[person] = "organized"
    seeded = {p for p in forest.parent if p >= 0}
    for row, is_convener in enumerate(members.convener):
        if is_convener and members.left[row] is None:
            person = members.person[row]
            builder = members.network[row] in seeded or stage[person] == "builder"
            stage[person] = "builder" if builder else "convener"
    for person in range(len(stage)):
        if stage[person] == "contact" and rng.random() < PARTICIPANT_SHARE:
            stage[person] = "participant"
    return stage

