"""`generate`: a synthetic movement of a given size, for benchmarks and trying the app at scale.

    netweave generate --people 1000000 --networks 100000 --ledger 5000000

Loads only into a database without chapters, people, networks, memberships or ledger rows
(ids are assigned by the generator); nothing is ever deleted.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.scale import Size, generate
from netweave.scale.generate import NotEmpty

DEFAULT = Size()


class Command(BaseCommand):
    help = "Generate a synthetic movement of a given size into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=DEFAULT.people)
        parser.add_argument("--networks", type=int, default=DEFAULT.networks)
        parser.add_argument("--months", type=int, default=DEFAULT.months,
                            help="how long the movement has been growing")
        parser.add_argument("--seeding-rate", type=float, default=DEFAULT.seeding_rate,
                            help="networks seeded per active network per quarter in a "
                                 "geometric chapter (incremental chapters: a fifth of it)")
        parser.add_argument("--ledger", type=int, default=DEFAULT.ledger,
                            help="ledger rows in all (sign-ups, lineage, joins, activity)")
        parser.add_argument("--chapters", type=int, default=DEFAULT.chapters)
        parser.add_argument("--seed", type=int, default=DEFAULT.seed)
        parser.add_argument("--batch", type=int, default=DEFAULT.batch,
                            help="rows per executemany / COPY call")

    def handle(self, *args: Any, **options: Any) -> None:
        size = Size(
            people=options["people"], networks=options["networks"], months=options["months"],
            seeding_rate=options["seeding_rate"], ledger=options["ledger"],
            chapters=options["chapters"], seed=options["seed"], batch=options["batch"],
        )
        call_command("migrate", interactive=False, verbosity=0)
        try:
            done = generate(size, report=self.stdout.write)
        except (NotEmpty, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Generated {done.rows:,} rows in {done.seconds:.1f} s "
            f"({done.rows / done.seconds:,.0f} rows/s overall)."))
        for t in done.timings:
            self.stdout.write(f"  {t.table:<24} {t.rows:>10,} rows {t.seconds:7.1f} s "
                              f"{t.rate:>10,.0f} rows/s")
