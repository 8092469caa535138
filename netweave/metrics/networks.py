"""How many networks, of which kinds, where, over time, and whether they reproduce."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q
from django.db.models.functions import Substr

from netweave.metrics.common import (
    ActiveNetwork,
    active_network_rows,
    active_networks,
    active_on_days,
    chapter_networks,
)
from netweave.networks.models import PATH_WIDTH

# A network must be this old before we ask whether it has seeded another.
SEEDING_MIN_AGE_DAYS = 30
# How far back "has seeded a network" looks.
SEEDING_LOOKBACK_DAYS = 365
REPRODUCTION_QUARTERS = 4


# --- 1. Active networks ------------------------------------------------------------------------


def active_network_ids(chapter_ids: list[int], as_of: date) -> list[int]:
    """Ids of the active networks (definition in common.active_network_q)."""
    return list(active_networks(chapter_ids, as_of).values_list("pk", flat=True))


def active_network_count(chapter_ids: list[int], as_of: date, *,
                         active: list[ActiveNetwork] | None = None) -> int:
    """Count of active networks on as_of (`active`: the chapters' active networks, when the
    caller has read them already, as with every metric below that takes it)."""
    return len(active) if active is not None else active_networks(chapter_ids, as_of).count()


@dataclass(frozen=True)
class NetworkBreakdown:
    by_kind: dict[str, int]  # kind slug -> active networks
    by_place: dict[int | None, int]  # place id (None: no place) -> active networks
    by_grouping: dict[str, int]  # social grouping ("" : none) -> active networks
    by_status: dict[str, int]  # status -> all networks started by as_of


def network_breakdown(chapter_ids: list[int], as_of: date, *,
                      active: list[ActiveNetwork] | None = None) -> NetworkBreakdown:
    """Active networks counted by kind, place and social grouping; all networks started by
    as_of counted by status (status is current: it has no history). Two queries: the active
    networks' three columns, counted here, and a GROUP BY status."""
    if active is None:
        active = active_network_rows(chapter_ids, as_of)
    by_kind = Counter(n.kind for n in active)
    by_place = Counter(n.place_id for n in active)
    by_grouping = Counter(n.grouping for n in active)
    statuses = chapter_networks(chapter_ids).filter(started_on__lte=as_of).values("status")
    return NetworkBreakdown(
        by_kind=dict(by_kind), by_place=dict(by_place), by_grouping=dict(by_grouping),
        by_status={r["status"]: r["n"] for r in statuses.annotate(n=Count("pk"))},
    )


# --- 2. Networks over time ---------------------------------------------------------------------


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months up to as_of, oldest first; the current month
    ends at as_of itself (it is not over yet)."""
    ends = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        last = first - timedelta(days=1)
        ends.append(last)
        first = last.replace(day=1)
    return ends[::-1]


@dataclass(frozen=True)
class MonthPoint:
    month: date  # first day of the month
    started_total: int  # networks started on or before the month's end (cumulative)
    active: int  # networks active at the month's end (ledger-based, status ignored)


def networks_over_time(chapter_ids: list[int], as_of: date, months: int = 12) -> list[MonthPoint]:
    """Monthly series: cumulative networks started, and networks active at each month's end.

    Past status is unknown, so "active" here is the ledger part of the definition only:
    started ≤ end and (a ledger entry or a start within ACTIVE_WINDOW_DAYS before end).
    Two queries: a conditional COUNT per month over the networks, and one over their spells.
    """
    ends = month_ends(as_of, months)
    row = chapter_networks(chapter_ids).filter(started_on__lte=as_of).aggregate(
        **{f"s{i}": Count("pk", filter=Q(started_on__lte=end)) for i, end in enumerate(ends)}
    )
    active = active_on_days(chapter_ids, ends)
    return [
        MonthPoint(month=end.replace(day=1), started_total=row[f"s{i}"], active=active[i])
        for i, end in enumerate(ends)
    ]


# --- 3. Reproduction ---------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def complete_quarters(as_of: date, count: int) -> list[tuple[date, date]]:
    """(first day, last day) of the `count` complete quarters before the one containing as_of,
    oldest first. A partial quarter would understate the rate, so it is left out."""
    quarters: list[tuple[date, date]] = []
    end = quarter_start(as_of) - timedelta(days=1)
    for _ in range(count):
        start = quarter_start(end)
        quarters.append((start, end))
        end = start - timedelta(days=1)
    return quarters[::-1]


@dataclass(frozen=True)
class QuarterRate:
    start: date
    end: date
    seeded: int  # networks with a parent network, started in the quarter
    active_at_start: int  # active networks on the quarter's first day
    rate: float | None  # seeded / active_at_start (None when no network was active)


def reproduction_rate(
    chapter_ids: list[int], as_of: date, quarters: int = REPRODUCTION_QUARTERS
) -> list[QuarterRate]:
    """Networks seeded per active network, per quarter.

    rate(Q) = |{n : n.seeded_from ≠ null, n.started_on ∈ Q}| / |active networks on Q's first
    day| (ledger-based "active", as in the monthly series). Quarters are the last complete ones.
    Seeded networks live in their parent's chapter, so the chapter filter applies to both.
    Two queries: the seeded networks per quarter, and the active ones on each first day.
    """
    spans = complete_quarters(as_of, quarters)
    row = chapter_networks(chapter_ids).filter(
        seeded_from__isnull=False, started_on__gte=spans[0][0], started_on__lte=spans[-1][1]
    ).aggregate(**{
        f"s{i}": Count("pk", filter=Q(started_on__gte=start, started_on__lte=end))
        for i, (start, end) in enumerate(spans)
    })
    active = active_on_days(chapter_ids, [start for start, _ in spans])
    return [
        QuarterRate(
            start=start, end=end, seeded=row[f"s{i}"], active_at_start=active[i],
            rate=row[f"s{i}"] / active[i] if active[i] else None,
        )
        for i, (start, end) in enumerate(spans)
    ]


@dataclass(frozen=True)
class SeedingShare:
    eligible: int  # active networks started ≥ SEEDING_MIN_AGE_DAYS before as_of
    seeding: int  # of those, networks with a child started in the last SEEDING_LOOKBACK_DAYS
    share: float | None


def seeding_share(chapter_ids: list[int], as_of: date, *,
                  active: list[ActiveNetwork] | None = None) -> SeedingShare:
    """Share of active networks at least a month old that seeded ≥1 network in the last year.

    share = |{n active, n.started_on ≤ as_of − 30 d, ∃ child c: c.started_on ∈ [as_of − 365 d,
    as_of]}| / |{n active, n.started_on ≤ as_of − 30 d}|. Two queries: the active networks,
    and the parents of the networks started in the last year (a seeded network is in its
    parent's chapter).
    """
    if active is None:
        active = active_network_rows(chapter_ids, as_of)
    oldest = as_of - timedelta(days=SEEDING_MIN_AGE_DAYS)
    eligible = [n.id for n in active if n.started_on <= oldest]
    parents = set(
        chapter_networks(chapter_ids).filter(
            seeded_from__isnull=False,
            started_on__gte=as_of - timedelta(days=SEEDING_LOOKBACK_DAYS), started_on__lte=as_of,
        ).values_list("seeded_from_id", flat=True).distinct()
    )
    seeding = sum(1 for pk in eligible if pk in parents)
    return SeedingShare(eligible=len(eligible), seeding=seeding,
                        share=seeding / len(eligible) if eligible else None)


# --- 4. Generations and streams ----------------------------------------------------------------


@dataclass(frozen=True)
class GenerationRow:
    generation: int
    networks: int  # networks started by as_of
    active: int  # of those, active on as_of


def networks_per_generation(chapter_ids: list[int], as_of: date, *,
                            active: list[ActiveNetwork] | None = None) -> list[GenerationRow]:
    """Networks (started by as_of) and active networks per generation (1 = not seeded by a
    network). Two queries: a GROUP BY, and the active networks."""
    rows = (chapter_networks(chapter_ids).filter(started_on__lte=as_of)
            .values("generation").annotate(n=Count("pk")).order_by("generation"))
    started = {r["generation"]: r["n"] for r in rows}
    if active is None:
        active = active_network_rows(chapter_ids, as_of)
    alive = Counter(n.generation for n in active)
    return [GenerationRow(g, n, alive.get(g, 0)) for g, n in sorted(started.items())]


@dataclass(frozen=True)
class Stream:
    root_id: int  # the first network of the stream
    deepest_generation: int
    networks: int


def streams(chapter_ids: list[int], as_of: date, limit: int | None = 20) -> list[Stream]:
    """Streams (a root network and all its descendants) with their deepest generation, deepest
    first. The root is the first PATH_WIDTH characters of `path`. One GROUP BY query."""
    rows = (
        chapter_networks(chapter_ids).filter(started_on__lte=as_of)
        .annotate(root=Substr("path", 1, PATH_WIDTH))
        .values("root")
        .annotate(depth=Max("generation"), n=Count("pk"))
        .order_by("-depth", "-n", "root")
    )
    if limit is not None:
        rows = rows[:limit]
    return [Stream(int(r["root"]), r["depth"], r["n"]) for r in rows]
