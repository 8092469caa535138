"""`netweave restore FILE`: bring back an archive written by `netweave backup` (docs/backups.md).

Into an empty, migrated database at the archive's migrations; a database that holds accounts,
chapters or people is refused unless --force (then everything in it is replaced). A wrong key
or an altered archive is refused, and nothing is changed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.core.archive import ArchiveError, secret_from_environment
from netweave.core.backup import restore


class Command(BaseCommand):
    help = "Restore an encrypted archive into an empty, migrated database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--passphrase-env", metavar="VAR",
                            help="the archive was encrypted with the passphrase in this variable")
        parser.add_argument("--force", action="store_true",
                            help="replace everything in a database that already holds data")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = secret_from_environment(options["passphrase_env"])
            with open(options["file"], "rb") as src:
                summary = restore(src, secret, using=options["database"], force=options["force"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        except ArchiveError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored {summary.rows:,} rows of {summary.tables} tables in "
            f"{summary.seconds:.1f} s."))
