"""`netweave notify`: see what reminders and digests are due today, or send them now.

    netweave notify --dry-run                what would be sent today (no contact is read)
    netweave notify                          send what is due now (each message at most once)
    netweave notify --only task_due          one kind: digest, task_due, event_soon, followup
    netweave notify --dry-run --today 2026-03-02 --digest    as of a day; digest on any weekday

The worker (`netweave worker`) does the same every day by itself; this command is for
checking the configuration and for a first run by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from netweave.metrics.management.commands._chapters import parse_day
from netweave.notify import selectors
from netweave.notify.models import Reason
from netweave.notify.selectors import Planned
from netweave.notify.services import notifications_send


def _event_plan(today: date) -> list[Planned]:
    start = selectors.day_bounds(today, today)[0]
    return selectors.event_reminders_due(max(timezone.now(), start))


PLANS: dict[str, Callable[[date], list[Planned]]] = {
    Reason.TASK_DUE: selectors.task_reminders_due,
    Reason.EVENT_SOON: _event_plan,
    Reason.FOLLOWUP: selectors.followup_reminders_due,
    Reason.DIGEST: selectors.digests_due,
}


class Command(BaseCommand):
    help = "Show (--dry-run) or send the reminders and digests due today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="list what would be sent; send nothing")
        parser.add_argument("--only", action="append", choices=list(PLANS), metavar="KIND",
                            help="only this kind (repeatable): " + ", ".join(PLANS))
        parser.add_argument("--today", type=parse_day, help="as of this day (default: today)")
        parser.add_argument("--digest", action="store_true",
                            help="include the weekly digest even if today is not its day")

    def handle(self, *args: Any, dry_run: bool, only: list[str] | None, today: date | None,
               digest: bool, **options: Any) -> None:
        day = today or timezone.localdate()
        kinds = only or [k for k in PLANS if k != Reason.DIGEST or digest
                         or day.weekday() == settings.NETWEAVE_DIGEST_WEEKDAY]
        for kind in kinds:
            planned = PLANS[kind](day)
            if dry_run:
                self._list(kind, planned)
            else:
                counts = notifications_send(planned=planned)
                self.stdout.write(self.style.SUCCESS(f"{kind}: {counts}"))

    def _list(self, kind: str, planned: list[Planned]) -> None:
        self.stdout.write(f"{kind}: {len(planned)} due")
        for item in planned:
            self.stdout.write(f"  {describe(item)}")


def describe(item: Planned) -> str:
    """Who and how, without a contact value; a discreet person by their id only."""
    recipient = item.recipient
    if recipient.person is not None:
        person = recipient.person
        who = person.public_id if person.discreet else f"{person.display_name} ({person.public_id})"
    else:
        who = f"user {recipient.user.get_username()}"
    return f"{who} by {recipient.channel} [{recipient.language}] {item.dedupe_key}"


