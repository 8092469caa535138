"""The growth dashboard: a chapter's headline numbers, its growth curve and verdict, and a
forecast of when it reaches a target; and the same few numbers side by side for many chapters.

Everything is read through the metric definitions (netweave.metrics.definitions); this module
only gathers them, for the chapters the actor may see (metrics_chapters_for). The number of
queries is fixed whatever the number of networks or people.

Forecast inputs, estimated simply (and said so on the page):

* seeding rate m (networks seeded per active network per month) = the pooled reproduction rate
  of the last complete quarters, Σ seeded / Σ active at the quarter's start, divided by 3;
* survival s (chance an active network is still active a month later): of the networks that
  started at least SURVIVAL_MONTHS months ago, the share active today, f, spread evenly over
  those months: s = f ** (1 / SURVIVAL_MONTHS). Older networks had longer to stop, so this
  understates survival a little and the forecast errs on the cautious side. With no network
  that old, s = ASSUMED_SURVIVAL and the page says it was assumed.

Each target place still short of its target_networks gets the same question, asked of its own
active networks: when do they reach the place's critical mass, seeding and surviving at the
chapter's rates (forecast.critical_mass)?
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404

from netweave.core.models import Chapter
from netweave.metrics import facts
from netweave.metrics.common import (
    ActiveNetwork,
    active_network_rows,
    active_networks,
    active_spells,
    chapter_networks,
    spells_on,
)
from netweave.metrics.coverage import PlaceCoverage
from netweave.metrics.definitions import (
    Coverage,
    Funnel,
    HealthRollup,
    active_people,
    coverage,
    followup_funnel,
    health_rollup,
    isolated_count,
    isolated_people,
    network_breakdown,
    networks_over_time,
    networks_per_generation,
    organized_share,
    reproduction_rate,
    seeding_share,
)
from netweave.metrics.facts import SURVIVAL_DAYS, SURVIVAL_MONTHS
from netweave.metrics.forecast import (
    Forecast,
    PoissonOffspring,
    Reach,
    critical_mass,
    forecast,
)
from netweave.metrics.growth import Verdict, growth_verdict
from netweave.metrics.health import ELEMENTS as HEALTH_ELEMENTS
from netweave.metrics.networks import (
    REPRODUCTION_QUARTERS,
    GenerationRow,
    MonthPoint,
    NetworkBreakdown,
    QuarterRate,
    SeedingShare,
    complete_quarters,
    month_ends,
)

# The definition of "organized" lives in people.py; the comparison groups it by chapter.
from netweave.metrics.people import OrganizedShare, _in_active_network_q, people_facts
from netweave.networks.models import NetworkKind
from netweave.networks.selectors import LineageNode, chapter_lineage_for

# Months of history fed to the verdict (docs/metrics.md asks for 12-24).
GROWTH_MONTHS = 18
FORECAST_MONTHS = 24
ASSUMED_SURVIVAL = 0.9
FORECAST_RUNS = 1000


# --- Which chapters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthChoice:
    """The chapter a growth page is about, and every chapter the actor may switch to."""

    chapter: Chapter
    chapters: list[Chapter]


def growth_chapters_for(actor: Any) -> list[Chapter]:
    """Chapters whose growth the actor may see: admins every one, organizers their own."""
    ids = _allowed(actor)
    return list(Chapter.objects.filter(pk__in=ids).order_by("name", "pk"))


def access_growth_chapter(actor: Any, public_id: str = "") -> GrowthChoice:
    """The chapter asked for (else the actor's first). Nobody to see: 403; a chapter outside
    the actor's: 404 (outsiders learn nothing)."""
    chapters = growth_chapters_for(actor)
    if not public_id:
        return GrowthChoice(chapters[0], chapters)
    chosen = next((c for c in chapters if c.public_id == public_id), None)
    if chosen is None:
        raise Http404
    return GrowthChoice(chosen, chapters)


def _allowed(actor: Any) -> list[int]:
    from netweave.metrics.selectors import metrics_chapters_for

    ids = metrics_chapters_for(actor)
    if not ids:
        raise PermissionDenied
    return ids


def require_growth_chapters(actor: Any, chapter_ids: list[int]) -> None:
    """PermissionDenied for someone with no chapter to see; Http404 for a chapter outside."""
    allowed = set(_allowed(actor))
    if not chapter_ids or not set(chapter_ids) <= allowed:
        raise Http404


# --- The growth curve and the forecast ---------------------------------------------------------


def curve_points(series: list[MonthPoint], as_of: date) -> list[tuple[date, float]]:
    """(month end, cumulative networks started) from the first month with a network on.

    Months before the chapter's first network say nothing about how it grows, and a run of
    zeros in front would make any later growth look like a sudden exponential. Each count is
    dated at its month's end (as_of for the current month), where it was taken: the same
    points `netweave report` fits, so both say the same thing.
    """
    ends = month_ends(as_of, len(series))
    first = next((i for i, p in enumerate(series) if p.started_total > 0), len(series))
    return [(end, float(p.started_total)) for end, p in zip(ends, series, strict=True)][first:]


def fitted_line(verdict: Verdict, points: list[tuple[date, float]]) -> list[float]:
    """The chosen model (exponential when geometric, else linear) at each point's month."""
    model = verdict.exponential if verdict.kind == "geometric" else verdict.linear
    if model is None or not points:
        return []
    first = points[0][0]
    return [model.predict((d - first).days / verdict.period_days) for d, _ in points]


def pooled_rate(quarters: list[QuarterRate]) -> float | None:
    """Σ seeded / Σ active at the start, over the quarters: weighs each by its exposure."""
    exposure = sum(q.active_at_start for q in quarters)
    return sum(q.seeded for q in quarters) / exposure if exposure else None


def seeding_per_month(quarters: list[QuarterRate]) -> float:
    """The forecasts' seeding rate m: the pooled quarterly rate / 3 (0 with no exposure)."""
    return (pooled_rate(quarters) or 0.0) / 3


@dataclass(frozen=True)
class Survival:
    cohort: int  # networks started at least SURVIVAL_MONTHS months ago
    still_active: int  # of those, active on as_of
    per_month: float
    estimated: bool  # False: no cohort, ASSUMED_SURVIVAL used


def survival_estimate(chapter_ids: list[int], as_of: date, *,
                      active: list[ActiveNetwork] | None = None) -> Survival:
    """Monthly survival s = f ** (1 / SURVIVAL_MONTHS) (see the module doc). Two queries (one
    when the active networks are given)."""
    cutoff = as_of - timedelta(days=SURVIVAL_DAYS)
    cohort = chapter_networks(chapter_ids).filter(started_on__lte=cutoff).count()
    if not cohort:
        return Survival(0, 0, ASSUMED_SURVIVAL, False)
    if active is None:
        active = active_network_rows(chapter_ids, as_of)
    alive = sum(1 for n in active if n.started_on <= cutoff)
    return Survival(cohort, alive, (alive / cohort) ** (1 / SURVIVAL_MONTHS), True)


@dataclass(frozen=True)
class GrowthForecast:
    n0: int  # active networks now
    seeding_per_month: float
    survival: Survival
    target: int
    reach: Reach
    months: list[date]  # first day of each forecast month; months[0] is the current one
    result: Forecast

    def month_of(self, period: int | None) -> date | None:
        """The month a forecast period falls in (None stays None: not within the horizon)."""
        return None if period is None else self.months[period]

    @property
    def median_month(self) -> date | None:
        return self.month_of(self.reach.median_period)

    @property
    def earliest_month(self) -> date | None:
        return self.month_of(self.reach.earliest_period)

    @property
    def latest_month(self) -> date | None:
        return self.month_of(self.reach.latest_period)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def growth_forecast(
    n0: int, quarters: list[QuarterRate], survival: Survival, as_of: date,
    target: int | None = None,
) -> GrowthForecast | None:
    """When do the n0 active networks reach `target` (default: twice as many)? None with no
    active network to grow from."""
    if n0 <= 0:
        return None
    m = seeding_per_month(quarters)
    result = forecast(n0, PoissonOffspring(m), survival.per_month, periods=FORECAST_MONTHS,
                      runs=FORECAST_RUNS)
    goal = target if target and target > 0 else 2 * n0
    start = as_of.replace(day=1)
    return GrowthForecast(
        n0=n0, seeding_per_month=m, survival=survival, target=goal, reach=result.reach(goal),
        months=[add_months(start, k) for k in range(FORECAST_MONTHS + 1)], result=result,
    )


@dataclass(frozen=True)
class PlaceReach:
    """When a target place's own active networks reach its target_networks."""

    place_id: int
    n0: int  # active networks in the place now
    target: int
    reach: Reach
    median_month: date | None  # None: not within FORECAST_MONTHS


def place_reaches(
    places: list[PlaceCoverage], quarters: list[QuarterRate], survival: Survival, as_of: date,
) -> dict[int, PlaceReach]:
    """For each place with a target it has not reached: forecast.critical_mass from its own
    active networks, at the chapter's seeding rate and survival (those of growth_forecast).
    A place with no active network cannot grow by seeding: it never gets there (probability
    0), without simulating. No query."""
    offspring = PoissonOffspring(seeding_per_month(quarters))
    start = as_of.replace(day=1)
    out: dict[int, PlaceReach] = {}
    for p in places:
        if not p.target_networks or p.active_networks >= p.target_networks:
            continue
        if p.active_networks == 0:
            reach = Reach(p.target_networks, None, None, None, 0.0)
        else:
            reach = critical_mass(p.active_networks, offspring, survival.per_month,
                                  p.target_networks, periods=FORECAST_MONTHS,
                                  runs=FORECAST_RUNS)
        month = None if reach.median_period is None else add_months(start, reach.median_period)
        out[p.place_id] = PlaceReach(p.place_id, p.active_networks, p.target_networks, reach,
                                     month)
    return out


# --- The dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthDashboard:
    chapter_ids: list[int]
    as_of: date
    active_networks: int
    breakdown: NetworkBreakdown
    kind_names: dict[str, str]  # kind slug -> name
    reproduction: list[QuarterRate]
    reproduction_pooled: float | None
    seeding: SeedingShare
    organized: OrganizedShare
    isolated: int
    generations: list[GenerationRow]
    funnel: Funnel
    health: HealthRollup
    coverage: Coverage
    place_reach: dict[int, PlaceReach]  # place id -> critical-mass forecast, places short of it
    series: list[MonthPoint]
    points: list[tuple[date, float]]  # what the verdict was fitted to
    verdict: Verdict
    fitted: list[float]  # the verdict's model at each point
    forecast: GrowthForecast | None

    @property
    def coverage_rows(self) -> list[tuple[PlaceCoverage, PlaceReach | None]]:
        """Each target place with its critical-mass forecast (None: no target, or reached)."""
        return [(p, self.place_reach.get(p.place_id)) for p in self.coverage.places]

    @property
    def deepest_generation(self) -> int:
        return max((g.generation for g in self.generations), default=0)

    @property
    def active_by_kind(self) -> list[tuple[str, int]]:
        """(kind name, active networks), most first."""
        rows = [(self.kind_names.get(slug, slug), n) for slug, n in self.breakdown.by_kind.items()]
        return sorted(rows, key=lambda r: (-r[1], r[0]))


def _kind_names(slugs: list[str], chapter_ids: list[int]) -> dict[str, str]:
    kinds = NetworkKind.objects.filter(
        Q(chapter__isnull=True) | Q(chapter_id__in=chapter_ids), slug__in=slugs
    ).order_by(F("chapter_id").asc(nulls_first=True)).only("chapter_id", "slug", "name")
    # The chapter's own kinds come last, so they win over the shared catalog's. str(kind):
    # the shared kinds' names in the viewer's language.
    return {kind.slug: str(kind) for kind in kinds}


def growth_dashboard_for(
    actor: Any, chapter_ids: list[int], as_of: date, *, target: int | None = None,
) -> GrowthDashboard:
    """Every number of the growth dashboard for chapters the actor may see (others: 404).
    Read from the chapters' day counts (metrics.facts) and a few aggregates over their
    networks: about 15 queries, each reading tens to hundreds of rows, not tens of thousands.
    growth_dashboard_from_tables computes the same from the tables (a test holds them equal).
    """
    require_growth_chapters(actor, chapter_ids)
    return growth_dashboard_from_counts(chapter_ids, as_of, target=target)


def growth_dashboard_from_counts(
    chapter_ids: list[int], as_of: date, *, target: int | None = None,
) -> GrowthDashboard:
    """The dashboard read from metrics.facts (no permission check: growth_dashboard_for)."""
    counts = facts.counts_on(chapter_ids, as_of)
    n_active = counts.get("active", 0)
    breakdown = _breakdown_from_counts(chapter_ids, as_of, counts)
    quarters = _reproduction_from_counts(chapter_ids, as_of)
    series = _over_time_from_counts(chapter_ids, as_of)
    points = curve_points(series, as_of)
    verdict = growth_verdict(points)
    cohort = chapter_networks(chapter_ids).filter(
        started_on__lte=as_of - timedelta(days=SURVIVAL_DAYS)).count()
    alive = counts.get("old180", 0)
    survival = (Survival(cohort, alive, (alive / cohort) ** (1 / SURVIVAL_MONTHS), True)
                if cohort else Survival(0, 0, ASSUMED_SURVIVAL, False))
    places = coverage(chapter_ids, as_of)
    people, organized = counts.get("p:active", 0), counts.get("p:organized", 0)
    eligible, seeding = counts.get("old30", 0), counts.get("seeding", 0)
    started = {r["generation"]: r["n"] for r in (
        chapter_networks(chapter_ids).filter(started_on__lte=as_of)
        .values("generation").annotate(n=Count("pk")).order_by("generation"))}
    with_element = {e: counts.get(f"h:{e}", 0) for e in HEALTH_ELEMENTS}
    return GrowthDashboard(
        chapter_ids=list(chapter_ids), as_of=as_of, active_networks=n_active,
        breakdown=breakdown, kind_names=_kind_names(list(breakdown.by_kind), chapter_ids),
        reproduction=quarters, reproduction_pooled=pooled_rate(quarters),
        seeding=SeedingShare(eligible, seeding, seeding / eligible if eligible else None),
        organized=OrganizedShare(people, organized, organized / people if people else None),
        isolated=counts.get("p:isolated", 0),
        generations=[GenerationRow(g, n, counts.get(f"gen:{g}", 0))
                     for g, n in sorted(started.items())],
        funnel=facts.funnel_from_counts(chapter_ids, as_of, counts),
        health=HealthRollup(
            networks=n_active, with_element=with_element,
            share={e: n / n_active if n_active else None for e, n in with_element.items()},
            mean_score=(sum(with_element.values()) / (n_active * len(HEALTH_ELEMENTS))
                        if n_active else None)),
        coverage=places, place_reach=place_reaches(places.places, quarters, survival, as_of),
        series=series, points=points, verdict=verdict, fitted=fitted_line(verdict, points),
        forecast=growth_forecast(n_active, quarters, survival, as_of, target),
    )


def _breakdown_from_counts(chapter_ids: list[int], as_of: date,
                           counts: dict[str, int]) -> NetworkBreakdown:
    """network_breakdown from the counts: kinds are counted by id (a kind's slug is read here,
    so renaming one needs no recount); by place, the networks with no place are the rest."""
    by_id = {int(k[5:]): n for k, n in counts.items() if k.startswith("kind:")}
    by_kind: dict[str, int] = {}
    for pk, slug in NetworkKind.objects.filter(pk__in=list(by_id)).values_list("pk", "slug"):
        by_kind[slug] = by_kind.get(slug, 0) + by_id[pk]
    by_place: dict[int | None, int] = {
        int(k[6:]): n for k, n in counts.items() if k.startswith("place:")}
    unplaced = counts.get("active", 0) - sum(by_place.values())
    if unplaced:
        by_place[None] = unplaced
    statuses = chapter_networks(chapter_ids).filter(started_on__lte=as_of).values("status")
    return NetworkBreakdown(
        by_kind=by_kind, by_place=by_place,
        by_grouping={k[9:]: n for k, n in counts.items() if k.startswith("grouping:")},
        by_status={r["status"]: r["n"] for r in statuses.annotate(n=Count("pk"))},
    )


def _reproduction_from_counts(chapter_ids: list[int], as_of: date) -> list[QuarterRate]:
    """reproduction_rate, with the active networks on each quarter's first day counted."""
    spans = complete_quarters(as_of, REPRODUCTION_QUARTERS)
    row = chapter_networks(chapter_ids).filter(
        seeded_from__isnull=False, started_on__gte=spans[0][0], started_on__lte=spans[-1][1]
    ).aggregate(**{
        f"s{i}": Count("pk", filter=Q(started_on__gte=start, started_on__lte=end))
        for i, (start, end) in enumerate(spans)
    })
    active = facts.series(chapter_ids, "ledger_active", [start for start, _ in spans])
    return [
        QuarterRate(start=start, end=end, seeded=row[f"s{i}"], active_at_start=active[i],
                    rate=row[f"s{i}"] / active[i] if active[i] else None)
        for i, (start, end) in enumerate(spans)
    ]


def _over_time_from_counts(chapter_ids: list[int], as_of: date) -> list[MonthPoint]:
    """networks_over_time(GROWTH_MONTHS), with the active networks at month ends counted."""
    ends = month_ends(as_of, GROWTH_MONTHS)
    row = chapter_networks(chapter_ids).filter(started_on__lte=as_of).aggregate(
        **{f"s{i}": Count("pk", filter=Q(started_on__lte=end)) for i, end in enumerate(ends)}
    )
    active = facts.series(chapter_ids, "ledger_active", ends)
    return [MonthPoint(month=end.replace(day=1), started_total=row[f"s{i}"], active=active[i])
            for i, end in enumerate(ends)]


def growth_dashboard_from_tables(
    chapter_ids: list[int], as_of: date, *, target: int | None = None,
) -> GrowthDashboard:
    """The dashboard computed from the tables by the metric definitions themselves (no
    permission check): the reference the counts are held to."""
    # Read once, counted by every metric that needs them (each would otherwise find them again).
    active = active_network_rows(chapter_ids, as_of)
    crowd = people_facts(chapter_ids, as_of, active)
    breakdown = network_breakdown(chapter_ids, as_of, active=active)
    quarters = reproduction_rate(chapter_ids, as_of, REPRODUCTION_QUARTERS)
    series = networks_over_time(chapter_ids, as_of, GROWTH_MONTHS)
    points = curve_points(series, as_of)
    verdict = growth_verdict(points)
    survival = survival_estimate(chapter_ids, as_of, active=active)
    places = coverage(chapter_ids, as_of)
    return GrowthDashboard(
        chapter_ids=list(chapter_ids), as_of=as_of, active_networks=len(active),
        breakdown=breakdown, kind_names=_kind_names(list(breakdown.by_kind), chapter_ids),
        reproduction=quarters, reproduction_pooled=pooled_rate(quarters),
        seeding=seeding_share(chapter_ids, as_of, active=active),
        organized=organized_share(chapter_ids, as_of, facts=crowd),
        isolated=isolated_count(chapter_ids, as_of, facts=crowd),
        generations=networks_per_generation(chapter_ids, as_of, active=active),
        funnel=followup_funnel(chapter_ids, as_of),
        health=health_rollup(chapter_ids, as_of, active=active),
        coverage=places, place_reach=place_reaches(places.places, quarters, survival, as_of),
        series=series, points=points, verdict=verdict, fitted=fitted_line(verdict, points),
        forecast=growth_forecast(len(active), quarters, survival, as_of, target),
    )


# --- Chapters side by side ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterGrowth:
    chapter: Chapter
    active_networks: int
    reproduction_rate: float | None  # pooled over the last complete quarters
    verdict: Verdict
    organized_share: float | None
    deepest_generation: int

    @property
    def doubling_time_days(self) -> float | None:
        return self.verdict.doubling_time_days


def _network_columns(as_of: date) -> dict[str, Any]:
    """The same definitions as networks.py, as aggregates to group by chapter."""
    columns: dict[str, Any] = {"deepest": Max("generation", filter=Q(started_on__lte=as_of))}
    for i, end in enumerate(month_ends(as_of, GROWTH_MONTHS)):
        columns[f"s{i}"] = Count("pk", filter=Q(started_on__lte=end))
    for i, (start, end) in enumerate(complete_quarters(as_of, REPRODUCTION_QUARTERS)):
        columns[f"q{i}"] = Count(
            "pk", filter=Q(seeded_from__isnull=False, started_on__gte=start, started_on__lte=end)
        )
    return columns


def _by_chapter(ids: list[int], as_of: date) -> dict[int, dict[str, Any]]:
    """chapter id -> its network columns, active networks now ("active") and active on each
    quarter's first day ("e<i>"). Three GROUP BY queries."""
    networks: dict[int, dict[str, Any]] = {
        r["chapter_id"]: dict(r)
        for r in chapter_networks(ids).values("chapter_id").annotate(**_network_columns(as_of))
    }
    for r in active_networks(ids, as_of).values("chapter_id").annotate(n=Count("pk")):
        networks.setdefault(r["chapter_id"], {})["active"] = r["n"]
    starts = [start for start, _ in complete_quarters(as_of, REPRODUCTION_QUARTERS)]
    exposure: Any = (
        active_spells().filter(chapter_id__in=ids, ends_on__gte=min(starts),
                                    starts_on__lte=max(starts))
        .values("chapter_id")
        .annotate(**{f"e{i}": Count("pk", filter=spells_on(d)) for i, d in enumerate(starts)})
    )
    for r in exposure:
        networks.setdefault(r["chapter_id"], {}).update(r)
    return networks


def _series(row: dict[str, Any], as_of: date) -> list[MonthPoint]:
    ends = month_ends(as_of, GROWTH_MONTHS)
    return [MonthPoint(end.replace(day=1), row.get(f"s{i}", 0), 0) for i, end in enumerate(ends)]


def _rate(row: dict[str, Any]) -> float | None:
    exposure = sum(row.get(f"e{i}", 0) for i in range(REPRODUCTION_QUARTERS))
    seeded = sum(row.get(f"q{i}", 0) for i in range(REPRODUCTION_QUARTERS))
    return seeded / exposure if exposure else None


def growth_comparison_for(actor: Any, as_of: date) -> list[ChapterGrowth]:
    """One row per chapter the actor may see, most active networks first. Five queries."""
    chapters = growth_chapters_for(actor)
    ids = [c.pk for c in chapters]
    networks = _by_chapter(ids, as_of)
    people: dict[int, dict[str, Any]] = {
        r["chapter_id"]: dict(r)
        for r in active_people(ids, as_of).values("chapter_id").annotate(
            n=Count("pk"), organized=Count("pk", filter=_in_active_network_q(as_of))
        )
    }
    rows = [_chapter_row(c, networks.get(c.pk, {}), people.get(c.pk, {}), as_of)
            for c in chapters]
    return sorted(rows, key=lambda r: (-r.active_networks, r.chapter.name))


def _chapter_row(
    chapter: Chapter, nets: dict[str, Any], people: dict[str, Any], as_of: date
) -> ChapterGrowth:
    n = people.get("n", 0)
    return ChapterGrowth(
        chapter=chapter, active_networks=nets.get("active", 0), reproduction_rate=_rate(nets),
        verdict=growth_verdict(curve_points(_series(nets, as_of), as_of)),
        organized_share=people["organized"] / n if n else None,
        deepest_generation=nets.get("deepest") or 0,
    )


# --- The generation map ------------------------------------------------------------------------

MAP_MAX_NODES = 500


@dataclass(frozen=True)
class GrowthMap:
    streams: list[LineageNode]  # root networks, each with its descendants nested
    shown: int
    truncated: bool  # more than MAP_MAX_NODES networks: the first ones, whole streams first
    per_generation: list[tuple[int, int]]  # (generation, networks shown)


def growth_map_for(actor: Any, chapter_id: int, *, max_nodes: int = MAP_MAX_NODES) -> GrowthMap:
    """The chapter's lineage as streams, for a chapter the actor may see (others: 404).
    Networks the actor may not see keep their place without a name (lineage logic)."""
    require_growth_chapters(actor, [chapter_id])
    total = chapter_networks([chapter_id]).count()
    streams = chapter_lineage_for(actor, chapter_id, max_nodes=max_nodes)
    counts: dict[int, int] = {}
    stack = list(streams)
    while stack:
        node = stack.pop()
        counts[node.generation] = counts.get(node.generation, 0) + 1
        stack.extend(node.children)
    shown = sum(counts.values())
    return GrowthMap(streams, shown, total > shown, sorted(counts.items()))


# --- Tables, for export ------------------------------------------------------------------------

TABLES = (
    "networks_over_time", "reproduction", "generations", "funnel", "health", "coverage",
    "isolated", "recruiters",
)


@dataclass(frozen=True)
class Table:
    """A dashboard table as plain values: column names are stable identifiers, not
    translated, so that spreadsheets and scripts keep working in every language."""

    name: str
    headers: list[str]
    rows: list[list[Any]]


def _share(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 4)


def dashboard_table(dash: GrowthDashboard, name: str) -> Table:
    """One of the dashboard's tables (any name in TABLES but "isolated" and "recruiters")."""
    builders = {
        "networks_over_time": _over_time_table, "reproduction": _reproduction_table,
        "generations": _generations_table, "funnel": _funnel_table, "health": _health_table,
        "coverage": _coverage_table,
    }
    return builders[name](dash)


def _over_time_table(d: GrowthDashboard) -> Table:
    return Table("networks_over_time", ["month", "networks_started_total", "active"],
                 [[p.month.isoformat(), p.started_total, p.active] for p in d.series])


def _reproduction_table(d: GrowthDashboard) -> Table:
    return Table(
        "reproduction", ["quarter_start", "quarter_end", "seeded", "active_at_start", "rate"],
        [[q.start.isoformat(), q.end.isoformat(), q.seeded, q.active_at_start, _share(q.rate)]
         for q in d.reproduction],
    )


def _generations_table(d: GrowthDashboard) -> Table:
    return Table("generations", ["generation", "networks", "active"],
                 [[g.generation, g.networks, g.active] for g in d.generations])


def _funnel_table(d: GrowthDashboard) -> Table:
    rows = []
    for group, steps in [("", d.funnel.total), *d.funnel.groups.items()]:
        rows += [[group or "all", s.step, s.people, _share(s.conversion), _share(s.median_days)]
                 for s in steps]
    return Table("funnel", ["group", "step", "people", "conversion", "median_days"], rows)


def _health_table(d: GrowthDashboard) -> Table:
    h = d.health
    return Table("health", ["element", "networks_with", "active_networks", "share"],
                 [[e, n, h.networks, _share(h.share[e])] for e, n in h.with_element.items()])


def _coverage_table(d: GrowthDashboard) -> Table:
    """critical_mass_month: the month (its first day) the place's networks reach its target in
    the median future, empty when not within the forecast's two years or when there is nothing
    to reach (no target, or reached); critical_mass_probability: the share of futures that get
    there within two years (empty when there is nothing to reach)."""
    return Table(
        "coverage", ["place", "target_networks", "active_networks", "covered", "progress",
                     "critical_mass_month", "critical_mass_probability"],
        [[p.name, p.target_networks, p.active_networks, p.covered, _share(p.progress),
          r.median_month.isoformat() if r and r.median_month else None,
          _share(r.reach.probability) if r else None]
         for p, r in d.coverage_rows],
    )


def isolated_table(chapter_ids: list[int], as_of: date) -> Table:
    """Isolated individuals by name, longest isolated first: a follow-up list for organizers.
    One query."""
    people: QuerySet[Any] = isolated_people(chapter_ids, as_of)  # annotated with first_action
    rows = people.values_list("public_id", "display_name", "first_action")
    return Table("isolated", ["person_id", "name", "first_action"],
                 [[pid, name, first.isoformat()]
                  for pid, name, first in rows])


def recruiters_table(actor: Any, chapter_id: int) -> Table:
    """Who brings people in (people.selectors.recruiters_for): the people who brought in the
    most, with how many of those are in a network now. Names only of people the actor may see
    (empty otherwise)."""
    from netweave.people.selectors import recruiters_for

    return Table("recruiters", ["person_id", "name", "brought_in", "in_network"],
                 [[r.public_id, r.name, r.brought_in, r.organized]
                  for r in recruiters_for(actor, chapter_id)])
