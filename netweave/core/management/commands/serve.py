"""`netweave serve`: migrate, then serve with gunicorn and several workers."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and serve netweave with gunicorn (several worker processes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("NETWEAVE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1)),
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, bind: str, workers: int, no_migrate: bool, **opts: Any) -> None:
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        self.stdout.write(f"netweave on http://{bind}/ with {workers} workers")
        sys.stdout.flush()
        # exec (fixed argv, no shell): gunicorn takes over this process, so signals reach it.
        os.execv(sys.executable, [  # noqa: S606  # nosec B606
            sys.executable, "-m", "gunicorn", "netweave.wsgi:application",
            "--config", "python:netweave.gunicorn_conf",
            "--bind", bind, "--workers", str(workers),
        ])
