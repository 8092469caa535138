"""`netweave snapshot`: store today's headline metrics, or rebuild past days.

    netweave snapshot                                   today, every chapter
    netweave snapshot --chapter riverside               today, one chapter
    netweave snapshot --backfill --since 2025-01-01     each missing day since, until yesterday
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.metrics.management.commands._chapters import chapters_by_slug, parse_day
from netweave.metrics.services import snapshot_backfill, snapshot_take


class Command(BaseCommand):
    help = "Take today's metric snapshot, or backfill missing past days from the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chapter", action="append", dest="chapters", metavar="SLUG",
                            help="only this chapter (repeatable; default: all)")
        parser.add_argument("--backfill", action="store_true",
                            help="rebuild missing past days instead of taking today's")
        parser.add_argument("--since", type=parse_day, help="first day to backfill "
                            "(default: the chapters' first ledger entry or network)")
        parser.add_argument("--until", type=parse_day,
                            help="last day to backfill (default: yesterday)")
        parser.add_argument("--every", type=int, default=1, metavar="DAYS",
                            help="backfill every N days (default: 1)")

    def handle(self, *args: Any, chapters: list[str] | None, backfill: bool,
               since: date | None, until: date | None, every: int, **options: Any) -> None:
        if not backfill and (since or until or every != 1):
            raise CommandError("--since, --until and --every go with --backfill.")
        if every < 1:
            raise CommandError("--every must be at least 1.")
        if since and until and since > until:
            raise CommandError("--since is after --until.")
        ids = [c.pk for c in chapters_by_slug(chapters)]
        if backfill:
            rows = snapshot_backfill(chapter_ids=ids, since=since, until=until, every_days=every)
            self.stdout.write(self.style.SUCCESS(f"Backfilled {rows} snapshots."))
        else:
            rows = snapshot_take(chapter_ids=ids)
            self.stdout.write(self.style.SUCCESS(f"Took {rows} snapshots."))
