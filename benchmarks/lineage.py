"""How long "every network this one seeded, at any depth" takes on a 100,000-network forest.

    .venv/bin/python benchmarks/lineage.py [--repeat 30] [--database-url URL]
        [--networks 100000] [--chapters 2] [--seeding-rate 2.0]

Generates the forest with netweave.scale (into its own SQLite file in a temporary folder, or
into the empty PostgreSQL database given), then times networks.selectors.descendants() for the
networks with the largest subtrees (the biggest root and the biggest generation-2 and -3
networks), fetching the ids as a page or a metric would. The defaults make a deep movement (two
chapters seeding fast) so that one subtree holds a large share of the forest; pass
--chapters 10 --seeding-rate 0.3 for the default `generate` shape. The bar is 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING

from _setup import django_on

if TYPE_CHECKING:
    from netweave.scale.forest import Forest

BAR_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--networks", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--chapters", type=int, default=2)
    parser.add_argument("--seeding-rate", type=float, default=2.0)
    parser.add_argument("--chapter-path-index", action="store_true",
                        help="first add an index on (chapter_id, path), to measure what it "
                             "would change (the schema has path alone)")
    args = parser.parse_args()
    engine = django_on(args.database_url)

    from netweave.scale import Size, generate

    # Lineage needs little activity: room for what the services must write (a sign-up per
    # person, an entry per network, at most twelve memberships per network) and some more.
    size = Size(people=args.people, networks=args.networks, chapters=args.chapters,
                seeding_rate=args.seeding_rate, ledger=args.people + args.networks * 13)
    started = time.perf_counter()
    done = generate(size, report=lambda _line: None)
    print(f"{args.networks:,} networks generated in {time.perf_counter() - started:.1f} s "
          f"on {engine}; deepest generation {max(done.forest.generation)}")
    if args.chapter_path_index:
        _add_chapter_path_index()
    rows = [_time(network_id, args.repeat) for network_id in _targets(done.forest)]
    print(f"{'network':>8} {'gen':>4} {'subtree':>8} {'median ms':>10} {'p95 ms':>8}")
    for network_id, generation, count, median, p95 in rows:
        print(f"{network_id:>8} {generation:>4} {count:>8,} {median:>10.1f} {p95:>8.1f}")
    worst = max(r[4] for r in rows)
    print(f"slowest p95: {worst:.1f} ms ({'under' if worst < BAR_MS else 'OVER'} the "
          f"{BAR_MS:.0f} ms bar)")


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


def _time(network_id: int, repeat: int) -> tuple[int, int, int, float, float]:
    from netweave.networks.models import Network
    from netweave.networks.selectors import descendants

    network = Network.objects.get(pk=network_id)
    timings = []
    for _ in range(repeat + 2):
        t0 = time.perf_counter()
        ids = list(descendants(network).values_list("id", flat=True))
        timings.append((time.perf_counter() - t0) * 1000)
    timings = sorted(timings[2:])  # the first two warm caches
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return network_id, network.generation, len(ids), statistics.median(timings), p95


if __name__ == "__main__":
    main()
