"""`netweave export`: one table as CSV or JSON, as a given user sees it (docs/exporting.md).

    netweave export people --format csv --as alice --chapter riverside --output people.csv
    netweave export lineage --format json --as carol            (to standard output)

The same selectors and the same audit row as the web page's downloads; the audit row says the
export came from the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from netweave.exports.access import access_export_chapter
from netweave.exports.files import FORMATS, pieces
from netweave.exports.selectors import TABLES, export_for
from netweave.exports.services import export_audit


class Command(BaseCommand):
    help = "Export a table (people, networks, memberships, tasks, events, ledger, lineage) " \
           "as CSV or JSON, as a given user may see it; audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", choices=TABLES)
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
        parser.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                            help="export what this user may see, in their name")
        parser.add_argument("--chapter", default="", metavar="SLUG",
                            help="the chapter (default: the user's own)")
        parser.add_argument("--person", default="", metavar="PUBLIC_ID",
                            help="only this person, asked for by name (discreet or not)")
        parser.add_argument("--contacts", action="store_true",
                            help="people: add contact details (each read audited)")
        parser.add_argument("--output", default="", metavar="PATH",
                            help="write here (default: standard output)")

    def handle(self, *args: Any, table: str, fmt: str, username: str, chapter: str,
               person: str, contacts: bool, output: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        try:
            where = access_export_chapter(user, slug=chapter)
            export = export_for(user, table, chapter=where, person=person, contacts=contacts)
        except Http404 as exc:
            raise CommandError(f"{username} has no chapter {chapter!r} to export.") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{username} may not export {table}.") from exc
        target = Path(output) if output else None
        if target is not None and not target.parent.is_dir():
            raise CommandError(f"No folder {str(target.parent)!r} to write into.")
        export_audit(actor=user, export=export, fmt=fmt, origin="cli")
        meta = {"table": table, "chapter": where.slug if where else None,
                "exported_at": timezone.now().isoformat(), **export.filters()}
        chunks = pieces(fmt, meta, export.headers, export.rows())
        if target is None:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        with target.open("w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
        self.stderr.write(f"{export.count} rows written to {target}")
