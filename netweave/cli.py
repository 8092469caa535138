"""The `netweave` command: netweave's own commands plus all of Django's.

    netweave demo          fresh demo database, demo logins printed, app served
    netweave serve         serve the app (gunicorn, several workers)
    netweave createadmin   create an administrator account
    netweave worker        daily jobs in a loop (snapshots, reminders, digests); --once for cron
    netweave notify        reminders and digests due today: --dry-run lists them, else sends
    netweave rqworker netweave   run queued jobs (production, with NETWEAVE_QUEUE_URL set)
    netweave snapshot      store today's headline metrics; --backfill rebuilds past days
    netweave report        headline metrics and growth verdict per chapter (text, --json, --csv)
    netweave purge_stale   forget contacts who never took a step, past retention; --dry-run lists
    netweave deliver_webhooks   send webhook deliveries due now (cron, every minute)
    netweave rotate_keys   re-encrypt values on an old key; --rehash after a hash key change
    netweave import FILE --chapter SLUG --as USER   import people from a CSV export
    netweave export TABLE --as USER   a table within that user's scope, as CSV or JSON
    netweave backup FILE / restore FILE   an encrypted archive of every table, and back
    netweave <django command> ...   e.g. migrate, shell, check --deploy
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.settings")
    args = list(sys.argv if argv is None else ["netweave", *argv])
    if len(args) > 1 and args[1] == "demo" and "DATABASE_URL" not in os.environ:
        # The demo never touches the real database: it gets a file of its own.
        from pathlib import Path

        data = Path(os.environ.get("NETWEAVE_DATA_DIR", Path.cwd() / "data"))
        os.environ["NETWEAVE_DATA_DIR"] = str(data)
        os.environ["DATABASE_URL"] = f"sqlite:///{data / 'demo.sqlite3'}"
        os.environ.setdefault("NETWEAVE_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
