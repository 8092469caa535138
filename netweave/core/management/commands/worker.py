"""`netweave worker`: background jobs (metric snapshots, reminders, digests), run in-process,
or put on the queue when NETWEAVE_QUEUE_URL is set (then `netweave rqworker` runs them).

    netweave worker          loop: run due jobs, sleep until the next day, stop on SIGTERM/SIGINT
    netweave worker --once   run the jobs that are due now and exit (cron, tests)
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from netweave.core.worker import Outcome, load_jobs, run_due, run_forever, stop_on_signals


class Command(BaseCommand):
    help = "Run (or enqueue) the daily background jobs in a loop, or once with --once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the due jobs and exit")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        jobs = load_jobs()
        if once:
            outcomes = run_due(jobs, timezone.localdate())
            for outcome in outcomes:
                self._report(outcome)
            if not outcomes:
                self.stdout.write("nothing due")
            if any(not o.ok for o in outcomes):
                raise CommandError("some jobs failed")
            return
        stop = threading.Event()
        self.stdout.write(f"worker started: {', '.join(j.name for j in jobs)}")
        with stop_on_signals(stop):
            run_forever(jobs, stop, self._report)
        self.stdout.write("worker stopped")

    def _report(self, outcome: Outcome) -> None:
        line = f"{timezone.localtime():%Y-%m-%d %H:%M} {outcome.job}: {outcome.summary}"
        self.stdout.write(self.style.SUCCESS(line) if outcome.ok else self.style.ERROR(line))
        self.stdout.flush()
