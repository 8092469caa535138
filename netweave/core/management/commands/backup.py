"""`netweave backup FILE`: an encrypted archive of every table (docs/backups.md).

The key comes from NETWEAVE_BACKUP_KEY (32 random bytes, base64), or a passphrase from the
variable named by --passphrase-env. The archive is written beside FILE and renamed into place
when complete, so FILE is never a half-written archive.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from netweave.core.archive import ArchiveError, secret_from_environment
from netweave.core.backup import backup
from netweave.core.ledger import audit


class Command(BaseCommand):
    help = "Write an encrypted archive of the whole database to FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--passphrase-env", metavar="VAR",
                            help="encrypt with the passphrase in this environment variable "
                                 "instead of NETWEAVE_BACKUP_KEY")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secret = secret_from_environment(options["passphrase_env"])
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        target = Path(options["file"])
        # An archive holds everyone: it is an export like any other, and audited before the
        # snapshot is read, so the archive carries its own audit row.
        audit(actor=None, action="export.backup", target=target.name,
              database=options["database"])
        partial = target.with_name(target.name + ".partial")
        # Owner-only from the first byte: the archive is encrypted, but its size and dates are not.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                summary = backup(out, secret, using=options["database"])
                out.flush()
                os.fsync(out.fileno())
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {summary.rows:,} rows of {summary.tables} tables to {target} "
            f"in {summary.seconds:.1f} s ({target.stat().st_size:,} bytes)."))
