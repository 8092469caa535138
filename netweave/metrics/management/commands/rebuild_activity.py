"""`netweave rebuild_activity`: recompute the ledger's indexes (metrics.activity) from the ledger.

    netweave rebuild_activity                      every chapter
    netweave rebuild_activity --chapter riverside  one chapter

They are kept as each entry is written; this is for data loaded in bulk around the services,
a database from before they existed, or a check (`--verify` compares without writing).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.metrics import activity
from netweave.metrics.management.commands._chapters import chapters_by_slug


class Command(BaseCommand):
    help = "Recompute the activity spells and funnel milestones from the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chapter", action="append", dest="chapters", metavar="SLUG",
                            help="only this chapter (repeatable; default: all)")
        parser.add_argument("--verify", action="store_true",
                            help="only compare the stored indexes with the ledger; exit 1 if "
                                 "they differ")

    def handle(self, *args: Any, chapters: list[str] | None, verify: bool, **_: Any) -> None:
        ids = [c.pk for c in chapters_by_slug(chapters)] if chapters else None
        started = time.perf_counter()
        if verify:
            differences = activity.verify(ids)
            if differences:
                raise CommandError(f"{differences} rows differ from the ledger; run "
                                   "`netweave rebuild_activity` to fix them.")
            self.stdout.write("The activity indexes match the ledger.")
            return
        done = activity.rebuild(ids)
        self.stdout.write(
            f"Rebuilt {done.network_spells:,} network spells, {done.person_spells:,} person "
            f"spells and {done.milestones:,} milestones in {time.perf_counter() - started:.1f} s."
        )

