"""`netweave deliver_webhooks`: send the webhook deliveries due now, then stop.

Run it every minute from cron (`* * * * * netweave deliver_webhooks`): retries fall due a
minute after a failure, and the worker only wakes hourly. Safe to overlap with itself and with
the worker: each delivery is claimed before it is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from netweave.api.webhooks import BATCH, deliver_due


class Command(BaseCommand):
    help = "Send the webhook deliveries due now (run every minute from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=BATCH,
                            help=f"send at most this many (default {BATCH})")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deliver_due(limit=options["limit"])
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
