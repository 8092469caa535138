"""How long "every network this one seeded, at any depth" takes on a 100,000-network forest.

    .venv/bin/python benchmarks/lineage.py [--repeat 30] [--database-url URL | --reuse PATH|URL]
        [--networks 100000] [--chapters 2] [--seeding-rate 2.0]

Generates the forest with netweave.scale (into its own SQLite file in a temporary folder, or
into the empty PostgreSQL database given; `--reuse` times a forest generated before), then times
the descendants of the networks with the largest subtrees (the biggest root and the biggest
generation-2 and -3 networks): their ids through networks.selectors.descendant_ids(), as a
metric would, and, for comparison, through the ORM (descendants().values_list("id")). The
defaults make a deep movement (two chapters seeding fast) so that one subtree holds a large
share of the forest; pass --chapters 10 --seeding-rate 0.3 for the default `generate` shape.
The bar is 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from _setup import django_on

if TYPE_CHECKING:
    from netweave.scale.forest import Forest

BAR_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", default="",
                        help="a SQLite file or database URL holding a forest generated before")
    parser.add_argument("--networks", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--chapters", type=int, default=2)
    parser.add_argument("--seeding-rate", type=float, default=2.0)
    parser.add_argument("--chapter-path-index", action="store_true",
                        help="first add an index on (chapter_id, path), to measure what it "
                             "would change (the schema has path alone)")
    args = parser.parse_args()
    if args.reuse:
        engine = django_on(_url(args.reuse))
        targets = _targets_in_database()
        print(f"reusing {args.reuse} on {engine}")
    else:
        engine = django_on(args.database_url)
        targets = _generate(args, engine)
    if args.chapter_path_index:
        _add_chapter_path_index()
    rows = [_time(network_id, args.repeat) for network_id in targets]
    print(f"{'network':>8} {'gen':>4} {'subtree':>8} {'ids: median ms':>15} {'p95 ms':>7} "
          f"{'CPU ms':>7} {'ORM: median ms':>15} {'p95 ms':>7} {'CPU ms':>7}")
    for network_id, generation, count, ids, orm in rows:
        print(f"{network_id:>8} {generation:>4} {count:>8,} {ids[0]:>15.1f} {ids[1]:>7.1f} "
              f"{ids[2]:>7.1f} {orm[0]:>15.1f} {orm[1]:>7.1f} {orm[2]:>7.1f}")
    worst = max(r[3][1] for r in rows)
    print(f"slowest p95: {worst:.1f} ms ({'under' if worst < BAR_MS else 'OVER'} the "
          f"{BAR_MS:.0f} ms bar); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} "
          "cores (CPU ms: this process and the database server's, see growth_dashboard.py)")


def _url(reuse: str) -> str:
    return reuse if "://" in reuse else f"sqlite:///{reuse}"


def _generate(args: argparse.Namespace, engine: str) -> list[int]:
    from netweave.scale import Size, generate

    # Lineage needs little activity: room for what the services must write (a sign-up per
    # person, an entry per network, at most twelve memberships per network) and some more.
    # The ledger's indexes are left unbuilt: descendants read none of them.
    size = Size(people=args.people, networks=args.networks, chapters=args.chapters,
                seeding_rate=args.seeding_rate, ledger=args.people + args.networks * 13)
    started = time.perf_counter()
    done = generate(size, report=lambda _line: None, indexes=False)
    print(f"{args.networks:,} networks generated in {time.perf_counter() - started:.1f} s "
          f"on {engine}; deepest generation {max(done.forest.generation)}")
    return _targets(done.forest)


def _targets_in_database() -> list[int]:
    """_targets, for a forest already in the database: subtree sizes counted from the paths."""
    from collections import Counter

    from netweave.networks.models import PATH_WIDTH, Network

    below: Counter[int] = Counter()
    generation = {}
    for pk, path, gen in Network.objects.values_list("pk", "path", "generation").iterator():
        generation[pk] = gen
        for i in range(0, len(path) - PATH_WIDTH, PATH_WIDTH):
            below[int(path[i:i + PATH_WIDTH])] += 1
    picked = []
    for gen, how_many in ((1, 1), (2, 3), (3, 3)):
        at = [pk for pk, g in generation.items() if g == gen]
        picked += sorted(at, key=lambda pk: (-below[pk], pk))[:how_many]
    return picked


def _add_chapter_path_index() -> None:
    """descendants() filters on chapter and path: with path alone indexed, every row found in
    the range is fetched from the table to check its chapter; (chapter_id, path) covers it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX bench_network_chapter_path "
                       "ON networks_network (chapter_id, path)")
        cursor.execute("ANALYZE networks_network")
    print("added an index on networks_network (chapter_id, path)")


def _targets(forest: Forest) -> list[int]:
    """The biggest root, and the three biggest networks of generations 2 and 3 (ids)."""
    from netweave.scale.forest import subtree_sizes

    sizes = subtree_sizes(forest)
    picked = []
    for generation, how_many in ((1, 1), (2, 3), (3, 3)):
        at = [p for p in range(len(forest)) if forest.generation[p] == generation]
        picked += sorted(at, key=lambda p: -sizes[p])[:how_many]
    return [p + 1 for p in picked]


Timing = tuple[float, float, float]  # median, p95, CPU median (ms)


def _time(network_id: int, repeat: int) -> tuple[int, int, int, Timing, Timing]:
    from netweave.networks.models import Network
    from netweave.networks.selectors import descendant_ids, descendants

    network = Network.objects.get(pk=network_id)
    ids = descendant_ids(network)
    orm = list(descendants(network).values_list("id", flat=True))
    assert sorted(ids) == sorted(orm)  # noqa: S101  # the same networks either way
    return (network_id, network.generation, len(ids),
            _timings(lambda: descendant_ids(network), repeat),
            _timings(lambda: list(descendants(network).values_list("id", flat=True)), repeat))


def _timings(call: Callable[[], object], repeat: int) -> Timing:
    from growth_dashboard import _backend_pid, _cpu_ms

    timings, cpu = [], []
    backend = _backend_pid()
    for _ in range(repeat + 2):
        c0, t0 = _cpu_ms(backend), time.perf_counter()
        call()
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append(_cpu_ms(backend) - c0)
    timings = sorted(timings[2:])  # the first two warm caches
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, statistics.median(cpu[2:])


if __name__ == "__main__":
    main()
