"""`netweave purge_stale`: forget the contacts who never took a step, past each chapter's
retention period (the daily job does the same; docs/privacy.md).

    netweave purge_stale --dry-run     who would be forgotten (public ids only), nothing changed
    netweave purge_stale               forget them now (audited, as the system)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from netweave.people.privacy import retention_purge


class Command(BaseCommand):
    help = "Forget contacts who never took a step, past their chapter's retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="list who would be forgotten, change nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        results = retention_purge(today=timezone.localdate(), dry_run=dry_run)
        verb = "would forget" if dry_run else "forgot"
        total = 0
        for r in results:
            total += len(r.people)
            self.stdout.write(f"{r.chapter.slug}: {verb} {len(r.people)} "
                              f"(kept {r.retention_days} days)")
            if dry_run:
                # Public ids only: a terminal's scrollback is no place for names.
                for person in r.people:
                    self.stdout.write(f"  {person.public_id}  came in "
                                      f"{person.joined_at.date().isoformat()}")
        self.stdout.write(self.style.SUCCESS(f"Total: {verb} {total}."))
