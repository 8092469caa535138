"""`netweave report`: the headline metrics and growth verdict per chapter, on the terminal.

    netweave report                                  every chapter, as of today, a text table
    netweave report --chapter riverside --as-of 2025-06-30
    netweave report --json | --csv                   the same data for other programs
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from netweave.metrics.headline import GROWTH_MONTHS
from netweave.metrics.management.commands._chapters import chapters_by_slug, parse_day
from netweave.metrics.report import build_report, render_csv, render_json, render_text


class Command(BaseCommand):
    help = "Print the headline metrics and the growth verdict per chapter (text, JSON or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chapter", action="append", dest="chapters", metavar="SLUG",
                            help="this chapter (repeatable; default: all)")
        parser.add_argument("--as-of", type=parse_day, dest="as_of",
                            help="the day to report on, YYYY-MM-DD (default: today)")
        parser.add_argument("--months", type=int, default=GROWTH_MONTHS,
                            help=f"months of history for the growth verdict "
                                 f"(default: {GROWTH_MONTHS})")
        form = parser.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_const", dest="form", const="json")
        form.add_argument("--csv", action="store_const", dest="form", const="csv")

    def handle(self, *args: Any, chapters: list[str] | None, as_of: date | None, months: int,
               form: str | None, **options: Any) -> None:
        if months < 1:
            raise CommandError("--months must be at least 1.")
        as_of = as_of or timezone.localdate()
        reports = build_report(chapters_by_slug(chapters), as_of, months)
        render = {"json": render_json, "csv": render_csv}.get(form or "", render_text)
        self.stdout.write(render(reports, as_of, months), ending="")
