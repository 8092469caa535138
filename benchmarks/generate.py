"""How long generating a movement at the issue's scale takes, per table.

    .venv/bin/python benchmarks/generate.py [--database-url URL] [--people 1000000]
        [--networks 100000] [--ledger 5000000] [--months 24] [--chapters 10]

Into its own SQLite file in a temporary folder, or into the empty PostgreSQL database given.
Prints seconds and rows/s for each table (the load includes rebuilding the table's indexes).
"""

from __future__ import annotations

import argparse
import time

from _setup import add_size_arguments, django_on


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    add_size_arguments(parser)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args()
    engine = django_on(args.database_url)

    from netweave.scale import Size, generate

    size = Size(people=args.people, networks=args.networks, ledger=args.ledger,
                months=args.months, chapters=args.chapters, seeding_rate=args.seeding_rate,
                batch=args.batch)
    started = time.perf_counter()
    done = generate(size, report=(lambda _line: None) if args.quiet else print)
    seconds = time.perf_counter() - started
    print(f"\n{engine}: {done.rows:,} rows in {seconds:.1f} s "
          f"({done.rows / seconds:,.0f} rows/s overall, planning included)")
    print(f"{'table':<22} {'rows':>10} {'seconds':>8} {'rows/s':>10}")
    for t in done.timings:
        print(f"{t.table:<22} {t.rows:>10,} {t.seconds:>8.1f} {t.rate:>10,.0f}")


if __name__ == "__main__":
    main()
