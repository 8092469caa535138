"""Which network seeded which, and when: a forest per chapter, grown month by month.

Each month every active network seeds new networks at the chapter's monthly rate, weighted by a
fertility that children half inherit (some lines reproduce much more than others, as in real
movements). The chapter's core forms generation-1 networks to keep the chapter on its planned
curve: a geometric chapter's curve grows by the seeding rate itself, so after the first months
nearly every network is seeded; an incremental chapter's curve is a straight line its core keeps
up by hand while few networks seed. Following a planned curve is what makes the total exact.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

DAYS_PER_MONTH = 30.44
QUIET_ODDS = 0.25  # share of networks that go dormant or dissolve at some point
QUIET_AFTER_MONTHS = 8.0  # mean months before such a network goes quiet
INCREMENTAL_DAMPING = 0.2  # an incremental chapter seeds at a fifth of the movement's rate


@dataclass(frozen=True)
class ChapterShape:
    index: int
    networks: int
    people: int
    geometric: bool
    monthly_rate: float  # networks seeded per active network per month


@dataclass
class Forest:
    """Networks in the order they started (so a parent always comes before its children)."""

    chapter: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)  # position of the parent, -1 for a root
    start: list[float] = field(default_factory=list)  # days since the movement began
    end: list[float | None] = field(default_factory=list)  # went quiet (None: still going)
    generation: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.start)


@dataclass
class _Chapter:
    """One chapter's networks while they grow, by local number."""

    shape: ChapterShape
    parent: list[int] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    end: list[float | None] = field(default_factory=list)
    fertility: list[float] = field(default_factory=list)


def grow(shapes: list[ChapterShape], months: int, rng: random.Random) -> Forest:
    span = months * DAYS_PER_MONTH
    grown = [_grow_chapter(shape, months, span, rng) for shape in shapes]
    return _merge(grown)


def _grow_chapter(shape: ChapterShape, months: int, span: float,
                  rng: random.Random) -> _Chapter:
    ch = _Chapter(shape)
    alive: list[int] = []
    newest = 0  # the first network started last month (births are appended month by month)
    for month in range(months):
        month_start = month * DAYS_PER_MONTH
        # Networks that started before this month and have not gone quiet may seed.
        candidates = [*alive, *range(newest, len(ch.start))]
        alive = [i for i in candidates if _going(ch, i, month_start)]
        newest = len(ch.start)
        wanted = _planned(shape, month, months) - len(ch.start)
        seeders = _seeders(rng, ch, alive, wanted)
        for parent in seeders:
            _start(ch, rng, parent, month_start, span)
        for _ in range(wanted - len(seeders)):
            _start(ch, rng, -1, month_start, span)
    return ch


def _going(ch: _Chapter, i: int, day: float) -> bool:
    end = ch.end[i]
    return end is None or end > day


def _planned(shape: ChapterShape, month: int, months: int) -> int:
    """How many networks the chapter should have by the end of `month`."""
    n = shape.networks
    if month == months - 1:
        return n
    if shape.geometric:
        share = (1 + shape.monthly_rate) ** (month - months + 1)
    else:
        share = (month + 1) / months
    return min(n, math.ceil(n * share))


def _seeders(rng: random.Random, ch: _Chapter, alive: list[int], wanted: int) -> list[int]:
    """The parents of this month's seeded networks (a parent may seed more than one)."""
    if wanted <= 0 or not alive:
        return []
    weights = [ch.fertility[i] for i in alive]
    expected = ch.shape.monthly_rate * sum(weights)
    count = min(wanted, int(expected + rng.random()))
    return rng.choices(alive, weights=weights, k=count) if count else []


def _start(ch: _Chapter, rng: random.Random, parent: int, month_start: float,
           span: float) -> None:
    start = month_start + rng.random() * DAYS_PER_MONTH
    end = None
    if rng.random() < QUIET_ODDS:
        end = start + DAYS_PER_MONTH * (2 + rng.expovariate(1 / QUIET_AFTER_MONTHS))
        end = end if end < span else None
    # Lognormal with mean 1: most networks seed rarely, a few seed a lot.
    fertility = rng.lognormvariate(-0.5, 1.0)
    if parent >= 0:
        fertility = (fertility + ch.fertility[parent]) / 2
    ch.parent.append(parent)
    ch.start.append(start)
    ch.end.append(end)
    ch.fertility.append(fertility)


def _merge(chapters: list[_Chapter]) -> Forest:
    """All chapters' networks in order of start. A child starts in a later month than its
    parent, so sorting by start keeps every parent before its children."""
    order = sorted(
        ((ch.start[i], c, i) for c, ch in enumerate(chapters) for i in range(len(ch.start))),
    )
    position: dict[tuple[int, int], int] = {}
    forest = Forest()
    for pos, (start, c, i) in enumerate(order):
        position[c, i] = pos
        ch = chapters[c]
        local_parent = ch.parent[i]
        parent = position[c, local_parent] if local_parent >= 0 else -1
        forest.chapter.append(ch.shape.index)
        forest.parent.append(parent)
        forest.start.append(start)
        forest.end.append(ch.end[i])
        forest.generation.append(forest.generation[parent] + 1 if parent >= 0 else 1)
    return forest


def paths(forest: Forest, ids: list[int], width: int) -> list[str]:
    """Each network's materialized path: its parent's path and its own zero-padded id."""
    out: list[str] = []
    for pos, network_id in enumerate(ids):
        parent = forest.parent[pos]
        out.append((out[parent] if parent >= 0 else "") + str(network_id).zfill(width))
    return out


def subtree_sizes(forest: Forest) -> list[int]:
    """Descendants of each network (not counting itself), children before parents."""
    sizes = [0] * len(forest)
    for pos in range(len(forest) - 1, -1, -1):
        parent = forest.parent[pos]
        if parent >= 0:
            sizes[parent] += sizes[pos] + 1
    return sizes


FORMING_DAYS = 21  # a network younger than three weeks is still forming
DISSOLVED_SHARE = 0.3  # of the networks that went quiet, those that dissolved


def statuses(forest: Forest, span: float, rng: random.Random) -> list[str]:
    out = []
    for start, end in zip(forest.start, forest.end, strict=True):
        if end is not None:
            out.append("dissolved" if rng.random() < DISSOLVED_SHARE else "dormant")
        elif span - start < FORMING_DAYS:
            out.append("forming")
        else:
            out.append("active")
    return out
