"""`netweave rebuild_activity`: recompute the ledger's indexes (metrics.activity) from the ledger.

    netweave rebuild_activity                      every chapter
    netweave rebuild_activity --chapter riverside  one chapter
    netweave rebuild_activity --counts-only        only the dashboard's counts (metrics.facts)

The dashboard's counts (metrics.facts), computed from those indexes, are rebuilt after them.
Both are kept as each entry is written; this is for data loaded in bulk around the services, a
database from before they existed, or a check (`--verify` compares without writing).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.metrics import activity, facts
from netweave.metrics.management.commands._chapters import chapters_by_slug


class Command(BaseCommand):
    help = "Recompute the activity spells and funnel milestones from the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chapter", action="append", dest="chapters", metavar="SLUG",
                            help="only this chapter (repeatable; default: all)")
        parser.add_argument("--verify", action="store_true",
                            help="only compare the stored indexes with the ledger; exit 1 if "
                                 "they differ")
        parser.add_argument("--counts-only", action="store_true",
                            help="only rebuild the dashboard's counts from the indexes (after "
                                 "an upgrade that added them)")

    def handle(self, *args: Any, chapters: list[str] | None, verify: bool, counts_only: bool,
               **_: Any) -> None:
        ids = [c.pk for c in chapters_by_slug(chapters)] if chapters else None
        started = time.perf_counter()
        if verify:
            differences = activity.verify(ids)
            if ids is None:
                from netweave.core.models import Chapter

                ids = list(Chapter.objects.values_list("pk", flat=True))
            differences += facts.verify(ids)
            if differences:
                raise CommandError(f"{differences} rows differ from the ledger; run "
                                   "`netweave rebuild_activity` to fix them.")
            self.stdout.write("The activity indexes match the ledger.")
            return
        if not counts_only:
            done = activity.rebuild(ids)
            self.stdout.write(
                f"Rebuilt {done.network_spells:,} network spells, {done.person_spells:,} "
                f"person spells and {done.milestones:,} milestones in "
                f"{time.perf_counter() - started:.1f} s."
            )
            started = time.perf_counter()
        counted = facts.rebuild(ids)
        self.stdout.write(
            f"Rebuilt the dashboard's counts: facts of {counted.networks:,} networks and "
            f"{counted.people:,} people, {counted.counts:,} day counts, in "
            f"{time.perf_counter() - started:.1f} s."
        )

