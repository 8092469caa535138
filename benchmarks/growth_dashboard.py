"""How long the chapter growth dashboard takes on a movement at the issue's scale.

    .venv/bin/python benchmarks/growth_dashboard.py [--database-url URL | --reuse PATH_OR_URL]
        [--people 1000000] [--networks 100000] [--ledger 5000000] [--chapters 10]
        [--repeat 10] [--component-repeat 5] [--explain 5] [--sql-chars 1500]
        [--only largest|all|both] [--add-indexes] [--no-jit]
        [--as-of YYYY-MM-DD]

Generates the movement with netweave.scale (into its own SQLite file in a temporary folder, or
into the empty PostgreSQL database given with --database-url), or reuses one already generated
(--reuse: a SQLite file, or a database URL, e.g. after `netweave generate`). Then, as an
administrator (a superuser created in that database if none is there), times
metrics.dashboard.growth_dashboard_for for (a) the chapter with the most networks and (b) all
chapters together: cold (the first call, on a fresh connection) and warm (median and p95 of
--repeat calls). Each metric the dashboard reads is then timed on its own, with its query
count and the share spent in SQL, and the slowest queries of a warm call are printed with
their plans (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL).
Beside each wall-clock time it prints the CPU time spent by this process and, on a local
PostgreSQL, by its server process: on a machine shared with other work the wall-clock time
includes waiting for a core. The bar is 1 s (issue 3).

The generated SQLite file is kept (its path is printed) so that later runs can --reuse it;
delete its folder when done.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from _setup import add_size_arguments, django_on

BAR_MS = 1000.0
ADMIN = "bench-growth-admin"


@dataclass
class Query:
    sql: str
    params: Any
    ms: float


@dataclass
class Run:
    """Timings of one thing called repeatedly, and the queries of its last call."""

    label: str
    timings: list[float]  # ms, in call order
    queries: list[Query] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU ms of each call (see _cpu_ms)

    @property
    def cold(self) -> float:
        return self.timings[0]

    @property
    def warm(self) -> list[float]:
        return sorted(self.timings[1:]) or self.timings

    @property
    def median(self) -> float:
        return statistics.median(self.warm)

    @property
    def p95(self) -> float:
        warm = self.warm
        return warm[max(0, round(len(warm) * 0.95) - 1)]

    @property
    def cpu_median(self) -> float:
        return statistics.median(sorted(self.cpu[1:]) or self.cpu)

    @property
    def sql_ms(self) -> float:
        return sum(q.ms for q in self.queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="",
                        help="an empty database to generate into (default: a SQLite file)")
    parser.add_argument("--reuse", default="",
                        help="a SQLite file or database URL already holding a movement")
    add_size_arguments(parser)
    parser.add_argument("--repeat", type=int, default=10, help="warm dashboard calls")
    parser.add_argument("--component-repeat", type=int, default=5,
                        help="calls of each component metric (the first is reported as cold)")
    parser.add_argument("--explain", type=int, default=5,
                        help="plans of this many slowest queries per dashboard (0: none)")
    parser.add_argument("--sql-chars", type=int, default=1500,
                        help="print at most this much of each slow query's SQL")
    parser.add_argument("--only", choices=("largest", "all", "both"), default="both",
                        help="which dashboards to time: the largest chapter, all chapters")
    parser.add_argument("--add-indexes", action="store_true",
                        help="first add the indexes proposed for the dashboard (PROPOSED "
                             "below) to the benchmark database, to measure what they change; "
                             "the schema has none of them")
    parser.add_argument("--no-jit", action="store_true",
                        help="PostgreSQL: SET jit = off on every connection, to measure what "
                             "JIT compilation costs these queries")
    parser.add_argument("--check", action="store_true",
                        help="also compute each dashboard from the tables (the definitions, "
                             "growth_dashboard_from_tables), time it, and check that both "
                             "give the same numbers")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="the day the dashboard is for (default: today)")
    args = parser.parse_args()
    engine = django_on(_url(args.reuse) if args.reuse else args.database_url)

    from django.db import connection
    from django.utils import timezone

    if args.reuse:
        print(f"reusing {args.reuse} on {engine}")
    else:
        _generate(args, engine)
    if args.add_indexes:
        _add_indexes()
    if args.no_jit and engine == "postgresql":
        _no_jit()
    as_of = args.as_of or timezone.localdate()
    chapters = _chapter_sizes()
    largest = max(chapters, key=lambda c: (c[1], c[2]))
    every = [c[0] for c in chapters]
    print(f"{len(chapters)} chapters, {sum(c[1] for c in chapters):,} networks, "
          f"{sum(c[2] for c in chapters):,} people; as of {as_of}")
    print(f"largest chapter: id {largest[0]} with {largest[1]:,} networks and "
          f"{largest[2]:,} people\n")

    admin = _admin()
    results = []
    wanted = [(f"largest chapter ({largest[0]})", [largest[0]]),
              (f"all {len(every)} chapters", every)]
    wanted = {"largest": wanted[:1], "all": wanted[1:]}.get(args.only, wanted)
    for label, ids in wanted:
        connection.close()  # cold: a new connection, its page cache empty (SQLite)
        dash = _time_dashboard(label, admin, ids, as_of, args.repeat)
        parts = _time_components(ids, as_of, args.component_repeat)
        results.append((dash, parts))
        _print_dashboard(dash, parts)
        if args.explain:
            _print_plans(dash.queries, args.explain, engine, args.sql_chars)
        if args.check:
            _check(label, ids, as_of)
    _verdict([dash for dash, _ in results])


# --- Setting up --------------------------------------------------------------------------------


def _url(reuse: str) -> str:
    """A database URL for --reuse: a URL as given, a file path as a SQLite URL."""
    if "://" in reuse:
        return reuse
    path = Path(reuse).resolve()
    if not path.exists():
        raise SystemExit(f"--reuse: no such file {path}")
    return f"sqlite:///{path}"


def _generate(args: argparse.Namespace, engine: str) -> None:
    from django.conf import settings

    from netweave.scale import Size, generate

    size = Size(people=args.people, networks=args.networks, ledger=args.ledger,
                months=args.months, chapters=args.chapters, seeding_rate=args.seeding_rate)
    started = time.perf_counter()
    done = generate(size, report=lambda _line: None)
    print(f"generated {done.rows:,} rows ({args.people:,} people, {args.networks:,} networks, "
          f"{args.ledger:,} ledger entries, {args.chapters} chapters) in "
          f"{time.perf_counter() - started:.1f} s on {engine}")
    if engine == "sqlite3":
        name = settings.DATABASES["default"]["NAME"]
        print(f"kept at {name}: reuse with --reuse {name}, then delete {Path(name).parent}")


# Indexes the dashboard's queries would use (see the report with the benchmark's figures):
# "active network" probes the ledger by network and date; the funnel's cohort is a chapter's
# sign-ups in a date range; health counts a network's memberships by join date.
PROPOSED = (
    ("bench_contribution_network_at", "core_contribution", "network_id, occurred_at"),
    ("bench_person_chapter_joined", "people_person", "chapter_id, joined_at"),
    ("bench_membership_network_joined", "networks_membership", "network_id, joined_on"),
)


def _add_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for name, table, columns in PROPOSED:
            started = time.perf_counter()
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
            cursor.execute(f"ANALYZE {table}")
            print(f"added index {name} on {table} ({columns}) in "
                  f"{time.perf_counter() - started:.1f} s")


def _no_jit() -> None:
    from django.db import connection
    from django.db.backends.signals import connection_created

    def off(sender: Any, connection: Any, **kwargs: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")

    connection_created.connect(off, weak=False)
    connection.close()  # the next connection gets it
    print("JIT off on every connection")


def _chapter_sizes() -> list[tuple[int, int, int]]:
    """(chapter id, networks, people) for every chapter."""
    from django.db.models import Count

    from netweave.core.models import Chapter
    from netweave.networks.models import Network
    from netweave.people.models import Person

    def per_chapter(model: Any) -> dict[int, int]:
        rows = model.objects.order_by().values("chapter_id").annotate(n=Count("pk"))
        return {r["chapter_id"]: r["n"] for r in rows}

    networks, people = per_chapter(Network), per_chapter(Person)
    ids = Chapter.objects.order_by("pk").values_list("pk", flat=True)
    return [(cid, networks.get(cid, 0), people.get(cid, 0)) for cid in ids]


def _admin() -> Any:
    """The benchmark's administrator: a superuser, made here if the database has none."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=ADMIN, defaults={"is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


# --- Timing ------------------------------------------------------------------------------------


def _timed(label: str, call: Callable[[], Any], times: int) -> Run:
    """Call `call` `times` times; keep each duration and the queries of the last call."""
    from django.db import connection

    run = Run(label, [])
    for i in range(times):
        queries: list[Query] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any,
                   queries: list[Query] = queries) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(Query(sql, params, (time.perf_counter() - t0) * 1000))

        last = i == times - 1
        backend = _backend_pid()
        with connection.execute_wrapper(record) if last else _nothing():
            c0, t0 = _cpu_ms(backend), time.perf_counter()
            call()
            run.timings.append((time.perf_counter() - t0) * 1000)
            run.cpu.append(_cpu_ms(backend) - c0)
        if last:
            run.queries = queries
    return run


def _backend_pid() -> int | None:
    """The PostgreSQL server process serving this connection (None on SQLite, which runs in
    this process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu_ms(backend: int | None) -> float:
    """CPU time used so far by this process and, on PostgreSQL, by its server process (read
    from /proc when the server runs on this machine; 10 ms resolution). On a machine shared
    with other work, wall-clock time includes waiting for a core; CPU time is what the
    dashboard itself costs, close to its wall-clock time on an idle machine."""
    used = time.process_time() * 1000
    if backend is not None:
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        used += ticks * 1000 / os.sysconf("SC_CLK_TCK")
    return used


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _time_dashboard(label: str, admin: Any, ids: list[int], as_of: date, repeat: int) -> Run:
    """The whole dashboard as a request computes it: the actor's scope is worked out again
    each call (a request gets a fresh user object). The first call is the cold one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from netweave.core.scope import forget_scope
    from netweave.metrics.dashboard import growth_dashboard_for

    def call() -> Any:
        forget_scope(admin)
        return growth_dashboard_for(admin, ids, as_of)

    run = _timed(label, call, repeat + 1)
    # The same call once more under Django's own query capture, as a cross-check of the count.
    with CaptureQueriesContext(connection) as captured:
        call()
    if len(captured.captured_queries) != len(run.queries):
        print(f"  note: {len(captured.captured_queries)} queries captured by Django, "
              f"{len(run.queries)} by the wrapper")
    return run


def _components(ids: list[int], as_of: date) -> list[tuple[str, Callable[[], Any]]]:
    """Every piece growth_dashboard_for computes (growth_dashboard_from_counts), in its
    order, called the same way."""
    from netweave.metrics import facts
    from netweave.metrics.dashboard import (
        GROWTH_MONTHS,
        _breakdown_from_counts,
        _kind_names,
        _over_time_from_counts,
        _reproduction_from_counts,
        curve_points,
        growth_dashboard_from_counts,
        growth_forecast,
    )
    from netweave.metrics.definitions import coverage
    from netweave.metrics.growth import growth_verdict

    # Inputs of the pure-Python steps, computed once outside their timings.
    counts = facts.counts_on(ids, as_of)
    breakdown = _breakdown_from_counts(ids, as_of, counts)
    points = curve_points(_over_time_from_counts(ids, as_of), as_of)
    whole = growth_dashboard_from_counts(ids, as_of)
    quarters = whole.reproduction
    survival = whole.forecast.survival if whole.forecast else None
    return [
        ("counts_on (every key, one day)", lambda: facts.counts_on(ids, as_of)),
        ("breakdown (+ by status)", lambda: _breakdown_from_counts(ids, as_of, counts)),
        ("reproduction (quarters)", lambda: _reproduction_from_counts(ids, as_of)),
        (f"over time ({GROWTH_MONTHS} months)", lambda: _over_time_from_counts(ids, as_of)),
        ("growth_verdict (Python)", lambda: growth_verdict(points)),
        ("_kind_names", lambda: _kind_names(list(breakdown.by_kind), ids)),
        ("funnel (counts + medians)", lambda: facts.funnel_from_counts(ids, as_of, counts)),
        ("coverage", lambda: coverage(ids, as_of)),
        ("growth_forecast (Python)",
         lambda: survival and growth_forecast(whole.active_networks, quarters, survival, as_of)),
    ]


def _check(label: str, ids: list[int], as_of: date) -> None:
    """The dashboard from the counts against the dashboard from the tables: every number the
    counts feed (the forecast's Monte Carlo draws aside)."""
    from netweave.metrics.dashboard import (
        growth_dashboard_from_counts,
        growth_dashboard_from_tables,
    )

    def numbers(d: Any) -> tuple[Any, ...]:
        survival = d.forecast.survival if d.forecast else None
        return (d.active_networks, d.breakdown, d.reproduction, d.seeding, d.organized,
                d.isolated, d.funnel, d.generations, d.health, d.series, d.coverage,
                survival and (survival.cohort, survival.still_active))

    counted = numbers(growth_dashboard_from_counts(ids, as_of))
    started = time.perf_counter()
    computed = numbers(growth_dashboard_from_tables(ids, as_of))
    ms = (time.perf_counter() - started) * 1000
    verdict = "the same numbers" if counted == computed else "DIFFERENT numbers"
    print(f"check, {label}: from the tables in {ms:.0f} ms: {verdict}")
    if counted != computed:
        for i, (a, b) in enumerate(zip(counted, computed, strict=True)):
            if a != b:
                print(f"  field {i}: counts {a!r}\n  tables {b!r}")
    print()


def _time_components(ids: list[int], as_of: date, repeat: int) -> list[Run]:
    return [_timed(label, call, max(1, repeat)) for label, call in _components(ids, as_of)]


# --- Reporting ---------------------------------------------------------------------------------


def _print_dashboard(dash: Run, parts: list[Run]) -> None:
    print(f"== growth_dashboard_for, {dash.label}: {len(dash.queries)} queries")
    print(f"{'':<34} {'first ms':>9} {'median ms':>10} {'p95 ms':>9} {'queries':>8} "
          f"{'SQL ms':>8} {'share':>6} {'CPU ms':>7}")
    whole = dash.median
    for run in [dash, *parts]:
        share = f"{run.median / whole:>6.0%}" if run is not dash else f"{'':>6}"
        print(f"{run.label[:34]:<34} {run.cold:>9.1f} {run.median:>10.1f} {run.p95:>9.1f} "
              f"{len(run.queries):>8} {run.sql_ms:>8.1f} {share} {run.cpu_median:>7.0f}")
    summed = sum(r.median for r in parts)
    print(f"{'(sum of the components)':<34} {'':>9} {summed:>10.1f}\n")


def _print_plans(queries: list[Query], how_many: int, engine: str, sql_chars: int) -> None:
    slowest = sorted(queries, key=lambda q: -q.ms)[:how_many]
    print(f"-- the {len(slowest)} slowest queries of the last warm call, with their plans")
    for rank, query in enumerate(slowest, 1):
        sql = query.sql if len(query.sql) <= sql_chars else (
            f"{query.sql[:sql_chars]} ... ({len(query.sql):,} characters)")
        print(f"\n[{rank}] {query.ms:.1f} ms\n{sql}")
        print(f"params: {query.params!r}"[:600])
        try:
            print(_plan(query, engine))
        except Exception as error:  # noqa: BLE001 -- a plan that fails must not stop the run
            print(f"(no plan: {error})")
    print()


def _plan(query: Query, engine: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if engine == "sqlite3":
            cursor.execute(f"EXPLAIN QUERY PLAN {query.sql}", query.params)
            rows = cursor.fetchall()
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * depth[node] + detail)
            return "plan:\n" + "\n".join(lines)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query.sql}", query.params)
        return "plan:\n" + "\n".join(row[0] for row in cursor.fetchall())


def _verdict(dashboards: list[Run]) -> None:
    print("== verdict (bar: 1 s)")
    for run in dashboards:
        worst = max(run.cold, run.p95)
        print(f"{run.label:<30} cold {run.cold:8.1f} ms, warm median {run.median:8.1f} ms, "
              f"p95 {run.p95:8.1f} ms: {'under' if worst < BAR_MS else 'OVER'} the bar; "
              f"CPU median {run.cpu_median:.0f} ms (client and server)")
    print(f"load average while measuring: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
