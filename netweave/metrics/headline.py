"""The headline numbers of one chapter on one day, and its growth verdict.

Both come from the metric definitions (netweave.metrics.definitions); nothing is defined here.
Snapshots store `headline_values`, and `netweave report` prints it with `headline_growth`, so
the history and the report always mean the same thing by the same key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from netweave.metrics.definitions import (
    active_network_count,
    followup_funnel,
    isolated_count,
    network_breakdown,
    networks_over_time,
    networks_per_generation,
    organized_share,
    reproduction_rate,
    seeding_share,
)
from netweave.metrics.growth import growth_verdict
from netweave.metrics.networks import month_ends
from netweave.networks.models import Network

# Bumped when a key changes meaning, so readers of old snapshots can tell them apart.
SCHEMA = 1
# The same window as the growth dashboard (metrics.dashboard), so both give one verdict.
GROWTH_MONTHS = 18

# The keys of headline_values, in reading order (report columns, CSV header).
KEYS = (
    "active_networks", "networks_total", "networks_by_status", "quarter_start", "quarter_end",
    "quarter_seeded", "quarter_active_at_start", "reproduction_rate", "seeding_share",
    "active_people", "organized_people", "organized_share", "isolated_people",
    "deepest_generation", "funnel",
)


def headline_values(chapter_ids: list[int], as_of: date) -> dict[str, Any]:
    """The headline numbers on as_of, JSON-ready. Every status and funnel step is present
    (zero when empty) so that the keys are the same for every chapter and every day."""
    by_status = network_breakdown(chapter_ids, as_of).by_status
    quarter = reproduction_rate(chapter_ids, as_of, quarters=1)[-1]
    organized = organized_share(chapter_ids, as_of)
    generations = networks_per_generation(chapter_ids, as_of)
    funnel = followup_funnel(chapter_ids, as_of)
    return {
        "schema": SCHEMA,
        "active_networks": active_network_count(chapter_ids, as_of),
        "networks_total": sum(by_status.values()),
        "networks_by_status": {s: by_status.get(s, 0) for s in Network.Status.values},
        "quarter_start": quarter.start.isoformat(),
        "quarter_end": quarter.end.isoformat(),
        "quarter_seeded": quarter.seeded,
        "quarter_active_at_start": quarter.active_at_start,
        "reproduction_rate": quarter.rate,
        "seeding_share": seeding_share(chapter_ids, as_of).share,
        "active_people": organized.active_people,
        "organized_people": organized.organized,
        "organized_share": organized.share,
        "isolated_people": isolated_count(chapter_ids, as_of),
        "deepest_generation": max((g.generation for g in generations if g.networks), default=0),
        "funnel": {step.step: step.people for step in funnel.total},
    }


def growth_points(
    chapter_ids: list[int], as_of: date, months: int = GROWTH_MONTHS
) -> list[tuple[date, float]]:
    """(month end, networks started by then) for the last `months` months, from the first month
    with a network on. Leading empty months are dropped: months before a chapter's first
    network would make any start look like a hockey stick and bias the verdict to "geometric".
    The count is dated at the month's end (as_of for the current month), where it was taken."""
    counts = [p.started_total for p in networks_over_time(chapter_ids, as_of, months)]
    points = list(zip(month_ends(as_of, months), counts, strict=True))
    first = next((i for i, (_, n) in enumerate(points) if n), len(points))
    return [(end, float(n)) for end, n in points[first:]]


def headline_growth(
    chapter_ids: list[int], as_of: date, months: int = GROWTH_MONTHS
) -> dict[str, Any]:
    """The growth verdict on the monthly cumulative networks, JSON-ready."""
    verdict = growth_verdict(growth_points(chapter_ids, as_of, months))
    return {
        "verdict": verdict.kind,
        "doubling_time_days": verdict.doubling_time_days,
        "points": verdict.n_points,  # monthly points fitted (leading empty months dropped)
        "evidence": list(verdict.evidence),
    }
