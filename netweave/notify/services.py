"""Sending what is due and writing down what was sent.

These writes are made by the system (a background job), not by a user, so they take no
`actor` and check no permission: who may be contacted is decided by the consent rules in
recipients.py before a message is planned. Each message is first claimed by inserting its
Notification row under a unique dedupe key, in a short transaction of its own; it is sent
after that transaction has committed, so no database lock is held while a mail server or SMS
gateway answers, and a second run (or a second worker) finds the key taken and sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.scope import scope_of
from netweave.notify.channels import ACCOUNT_EMAIL, DeliveryResult, OutgoingMessage, channel_for
from netweave.notify.compose import compose
from netweave.notify.models import JobRun, Mute, Notification, Reason
from netweave.notify.recipients import Recipient
from netweave.notify.selectors import Planned
from netweave.people.contacts import channel_value_for_sending

# A message that failed this often is not tried again (a bad address stays bad).
MAX_ATTEMPTS = 3
Status = Notification.Status


@dataclass
class Counts:
    sent: int = 0
    skipped: int = 0  # already sent, being sent, or given up on
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.skipped} already done, {self.failed} failed"


def notifications_send(*, planned: Iterable[Planned]) -> Counts:
    counts = Counts()
    for item in planned:
        row = notification_send(planned=item)
        if row is None:
            counts.skipped += 1
        elif row.status == Status.SENT:
            counts.sent += 1
        else:
            counts.failed += 1
    return counts


def notification_send(*, planned: Planned) -> Notification | None:
    """Send one planned message unless it was sent already; None when there was nothing to do."""
    row = _claim(planned)
    if row is None:
        return None
    try:
        result = _deliver(planned, row.public_id)
    except Exception as error:  # noqa: BLE001 - recorded on the row, retried, and the rest go on
        result = DeliveryResult(False, f"{type(error).__name__}: {error}")
    return _finish(row, result)


def _deliver(planned: Planned, notification_id: str) -> DeliveryResult:
    subject, body, short = compose(planned, notification_id)
    address = _address(planned.recipient, planned.reason)
    if address is None:
        return DeliveryResult(False, "the channel was removed")
    return channel_for(planned.recipient.channel).send(OutgoingMessage(
        to=address, subject=subject, body=body, short=short,
        language=planned.recipient.language,
    ))


@transaction.atomic
def _claim(planned: Planned) -> Notification | None:
    recipient = planned.recipient
    row, created = Notification.objects.get_or_create(
        dedupe_key=planned.dedupe_key,
        defaults={"reason": planned.reason, "chapter_id": recipient.chapter_id,
                  "person": recipient.person, "user": recipient.user,
                  "channel": recipient.channel, "language": recipient.language,
                  "day": planned.day, "attempts": 1},
    )
    if created:
        return row
    if row.status != Status.FAILED or row.attempts >= MAX_ATTEMPTS:
        return None
    # A failed message is retried: the conditional update lets only one worker take it.
    taken = Notification.objects.filter(pk=row.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=F("attempts") + 1, channel=recipient.channel,
        language=recipient.language, error="",
    )
    if not taken:
        return None
    row.refresh_from_db()
    return row


def _address(recipient: Recipient, reason: str) -> str | None:
    if recipient.channel == ACCOUNT_EMAIL:
        # The account's own email, which the user gave to use netweave; not a person's contact
        # channel, so not behind people.contacts (and not in its audit).
        return str(recipient.user.email) or None
    assert recipient.person is not None
    return channel_value_for_sending(person=recipient.person, kind=recipient.channel,
                                     reason=reason)


def _finish(row: Notification, result: DeliveryResult) -> Notification:
    row.status = Status.SENT if result.ok else Status.FAILED
    row.sent_at = timezone.now() if result.ok else None
    row.error = "" if result.ok else result.detail[:200]
    row.save(update_fields=["status", "sent_at", "error"])
    return row


def jobrun_record(*, job: str, day: date, summary: str) -> JobRun:
    row, _created = JobRun.objects.update_or_create(
        job=job, day=day, defaults={"summary": summary[:200], "finished_at": timezone.now()},
    )
    return row


# --- What people asked not to get -----------------------------------------------------------
@transaction.atomic
def mutes_set(*, actor: Any, muted: Iterable[str]) -> set[str]:
    """The kinds of message the actor does not want (on their person, else their account);
    every other kind is theirs again."""
    require(bool(getattr(actor, "is_authenticated", False)))
    reasons = set(muted)
    if reasons - set(Reason.values):
        raise ValidationError({"muted": _("That is not a kind of message netweave sends.")})
    person = scope_of(actor).person
    subject: dict[str, Any] = {"person": person} if person else {"user": actor, "person": None}
    Mute.objects.filter(**subject).exclude(reason__in=reasons).delete()
    for reason in reasons:
        Mute.objects.get_or_create(**subject, reason=reason)
    audit(actor=actor, action="notify.mutes", chapter_id=person.chapter_id if person else None,
          target=person.public_id if person else "", muted=sorted(reasons))
    return reasons


@transaction.atomic
def notification_stop(*, actor: Any, notification: Notification) -> None:
    """Stop messages of this one's kind for whoever it was sent to: the link in every message,
    which works without logging in (having the message is the permission, as the link's id
    is unguessable)."""
    if notification.person_id:
        subject: dict[str, Any] = {"person_id": notification.person_id}
    elif notification.user_id:
        subject = {"user_id": notification.user_id, "person": None}
    else:
        return  # the recipient was deleted: nobody left to send to
    Mute.objects.get_or_create(**subject, reason=notification.reason)
    audit(actor=actor, action="notify.stop", chapter_id=notification.chapter_id,
          target=notification.public_id, reason=notification.reason)
