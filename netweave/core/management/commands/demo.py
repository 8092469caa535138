"""`netweave demo`: a fresh demo movement, its logins printed, the app served.

`netweave demo` (see cli.py) points DATABASE_URL at data/demo.sqlite3 before Django starts, and
only that file is ever deleted. On any other database the command refuses unless --force, and even
then it only loads into a database without chapters: a database someone chose is never wiped.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from netweave.core.models import Chapter
from netweave.demo import DEFAULT_PEOPLE, DEFAULT_SEED, MIN_PEOPLE, Demo, build

DEMO_FILE = "demo.sqlite3"


def demo_database() -> Path | None:
    """The demo's own SQLite file, if that is the database in use (as cli.py sets it up)."""
    db = connections["default"].settings_dict
    if os.environ.get("NETWEAVE_DEMO") != "1" or "sqlite" not in db["ENGINE"]:
        return None
    path = Path(str(db["NAME"])).resolve()
    return path if path == (Path(settings.DATA_DIR) / DEMO_FILE).resolve() else None


class Command(BaseCommand):
    help = "Build a fresh demo movement, print the demo logins, and serve the app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE,
                            help=f"about how many people (default {DEFAULT_PEOPLE})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="another seed makes another movement of the same shape")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="only build the demo")
        parser.add_argument("--force", action="store_true",
                            help="load into this database although it is not the demo's own "
                                 "file (it must have no chapters; nothing is deleted)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}: fewer cannot show "
                               "every ladder stage in every chapter.")
        started = time.monotonic()
        self._fresh_database(force=options["force"])
        demo = build(people=options["people"], seed=options["seed"])
        self._print(demo, time.monotonic() - started)
        if not options["no_serve"]:
            # Whitenoise serves from the apps (WHITENOISE_USE_FINDERS) but warns when the
            # collected-files folder is missing.
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
            address = f"{options['host']}:{options['port']}"
            call_command("runserver", address, use_reloader=False)

    def _fresh_database(self, *, force: bool) -> None:
        path = demo_database()
        if path is not None:
            connections["default"].close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not force:
            raise CommandError(
                "This is not the demo's own database, so the demo will not touch it. Run "
                "`netweave demo` without DATABASE_URL, or pass --force to load the demo into "
                "this database (it must have no chapters)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        if Chapter.objects.exists():
            raise CommandError("This database already has chapters: the demo loads only into "
                               "an empty database.")

    def _print(self, demo: Demo, seconds: float) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo movement built in {seconds:.1f} s."))
        for chapter, rows in demo.sizes.items():
            counts = ", ".join(f"{n} {label}" for label, n in rows.items())
            out.write(f"  {chapter}: {counts}")
        out.write("")
        out.write(f"Demo logins (password for all: {demo.password}):")
        width = max(len(login.username) for login in demo.logins)
        for login in demo.logins:
            out.write(f"  {login.username:<{width}}  {login.role} ({login.chapter}): "
                      f"{login.look_at}")
        out.write("")
        self._print_two_factor()

    def _print_two_factor(self) -> None:
        """Organizers and admins must set up two-factor sign-in at their first login, in the
        demo as in production: say so, and how to try the demo without a phone app."""
        from django.conf import settings

        if not settings.NETWEAVE_REQUIRE_2FA:
            return
        self.stdout.write(
            "Organizers and the admin set up two-factor sign-in at their first login: scan the\n"
            "QR code with any authenticator app (FreeOTP, Aegis, Google Authenticator, ...).\n"
            "No app at hand? Start the demo with NETWEAVE_REQUIRE_2FA=0.\n"
        )
