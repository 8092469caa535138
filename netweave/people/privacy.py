"""Forgetting a person, their requests to be deleted, and the retention purge (docs/privacy.md).

Forgetting removes who someone is and keeps what happened: the person's row stays (with a
neutral name and `forgotten_at` set) so the ledger, the funnel and every metric keep counting
them, anonymously; their name, contact channels, notes, situation, free text and account go.
`core.scope` then leaves forgotten people out of every list, search and page.

Retention forgets, on a schedule, the contacts who never took a step (see `stale_contacts`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require, require_login
from netweave.core.ledger import Kind, audit
from netweave.core.models import Chapter, Contribution, Invite
from netweave.core.scope import forget_scope, scope_of
from netweave.people.models import (
    ActionLink,
    ChapterSettings,
    CoachingPair,
    DeletionRequest,
    FollowUp,
    Person,
    Stage,
)

# The neutral name a forgotten person's row keeps. Stored in the database, so not translated.
FORGOTTEN_NAME = "Forgotten person"

# Follow-up states that mean nobody ever got further than a first contact: "met" and later
# mean a conversation happened, and such people are kept. "Not now" and "do not contact" are
# answers that ask for nothing more to be done with their details.
NEVER_ENGAGED = [FollowUp.NEW, FollowUp.CONTACTED, FollowUp.NOT_NOW, FollowUp.DO_NOT_CONTACT]


# --- Forgetting ----------------------------------------------------------------------------


@transaction.atomic
def person_forget(*, actor: Any, person: Person) -> Person:
    """An organizer of the person's chapter forgets them (the person asked, or the chapter
    decided to). Nothing identifying remains; the anonymous row stays for the counts."""
    require(scope_of(actor).organizes(person.chapter_id))
    if person.forgotten_at is not None:
        raise ValidationError(_("This person was already forgotten."))
    return forget(person, actor=actor, why="organizer")


def forget(person: Person, *, actor: Any, why: str) -> Person:
    """The forgetting itself, for `person_forget` and the retention job (actor None). Called
    inside the caller's transaction; the caller has decided that it may."""
    _drop_identity(person)
    _drop_account(person)
    _drop_links_and_text(person)
    DeletionRequest.objects.filter(person=person, status=DeletionRequest.Status.OPEN).update(
        status=DeletionRequest.Status.DONE, handled_at=timezone.now(),
        handled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Nothing identifying in the audit row either: the public id is a random string.
    audit(actor=actor, action="person.forget", chapter_id=person.chapter_id,
          target=person.public_id, why=why)
    return person


def _drop_identity(person: Person) -> None:
    from netweave.imports.models import ImportKey  # imports depend on people, not the reverse

    person.channels.all().delete()
    # The keyed hash of their name an import kept to recognise them on a second run.
    ImportKey.objects.filter(person=person).delete()
    person.display_name = FORGOTTEN_NAME
    person.notes = ""
    person.social_grouping = person.availability = ""
    person.constraints, person.languages, person.interests = [], [], []
    person.place = None
    # Never contacted again, and off every follow-up list.
    person.followup_status = FollowUp.DO_NOT_CONTACT
    person.followup_owner = person.followup_assigned_by = None
    person.followup_due = person.followup_accepted_at = person.asked_to_convene_at = None
    person.forgotten_at = timezone.now()
    person.save()


def _drop_account(person: Person) -> None:
    """Their login stops working and no longer names them. The user row itself stays: the
    ledger and the audit log point at it as who recorded what."""
    user = person.user
    if user is None:
        return
    user.username = f"forgotten-{secrets.token_hex(6)}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    Person.objects.filter(pk=person.pk).update(user=None)
    person.user = None
    forget_scope(user)


def _drop_links_and_text(person: Person) -> None:
    """Invites and no-login links stop working; free text written about them goes."""
    from netweave.outreach.models import ReferralCode
    from netweave.work.models import Task

    Invite.objects.filter(person=person).delete()
    ActionLink.objects.filter(person=person).delete()
    ReferralCode.objects.filter(person=person).update(label="")
    # One save per task: the notes are encrypted fields, written through the model.
    for task in Task.objects.filter(person=person):
        if task.note or task.report_note:
            task.note = task.report_note = ""
            task.save(update_fields=["note", "report_note"])
    CoachingPair.objects.filter(Q(coach=person) | Q(coached=person),
                                ended_on__isnull=True).update(ended_on=timezone.localdate())


# --- Deletion requests -----------------------------------------------------------------------


@transaction.atomic
def deletion_request_create(*, actor: Any) -> DeletionRequest:
    """The signed-in person asks for what is held about them to be deleted. Their chapter's
    organizers see the request (deletion_requests_for) and act on it."""
    require_login(actor)
    person = scope_of(actor).person
    require(person is not None)
    assert person is not None  # for the type checker: require() raised otherwise
    if DeletionRequest.objects.filter(person=person, status=DeletionRequest.Status.OPEN).exists():
        raise ValidationError(_("You already asked; an organizer will act on it."))
    request = DeletionRequest.objects.create(chapter_id=person.chapter_id, person=person)
    audit(actor=actor, action="deletion.request", chapter_id=person.chapter_id,
          target=person.public_id, request=request.public_id)
    return request


@transaction.atomic
def deletion_request_decline(*, actor: Any, request: DeletionRequest,
                             reason: str) -> DeletionRequest:
    """An organizer declines a request, saying why (the person reads it on their data page)."""
    require(scope_of(actor).organizes(request.chapter_id))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so that they know.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("At most 300 characters.")})
    if request.status != DeletionRequest.Status.OPEN:
        raise ValidationError(_("This request was already handled."))
    request.status = DeletionRequest.Status.DECLINED
    request.handled_by, request.handled_at, request.reason = actor, timezone.now(), reason
    request.save()
    audit(actor=actor, action="deletion.decline", chapter_id=request.chapter_id,
          target=request.person.public_id, request=request.public_id)
    return request


def deletion_requests_for(actor: Any, *, chapter_id: int | None = None,
                          ) -> QuerySet[DeletionRequest]:
    """Open requests in the chapters the actor organizes, oldest first."""
    scope = scope_of(actor)
    qs = DeletionRequest.objects.filter(status=DeletionRequest.Status.OPEN,
                                        person__forgotten_at__isnull=True)
    if not scope.is_admin:
        qs = qs.filter(chapter_id__in=scope.organizer_chapters)
    if chapter_id:
        qs = qs.filter(chapter_id=chapter_id)
    return qs.select_related("person", "chapter").order_by("requested_at", "id")


def access_deletion_request(actor: Any, public_id: str) -> DeletionRequest:
    """An open request in a chapter the actor organizes; anyone else gets 404."""
    from django.http import Http404

    row = deletion_requests_for(actor).filter(public_id=public_id).first()
    if row is None:
        raise Http404
    return row


# --- Retention -------------------------------------------------------------------------------


def stale_contacts(chapter_id: int, cutoff: datetime) -> QuerySet[Person]:
    """Contacts who never took a step, in for longer than the chapter keeps them:

    - still at the ladder's first stage (contact), with no account of their own;
    - no ledger entry of their own but signing up (no task, RSVP, attendance, network, no one
      brought in, no outreach or engagement: each of those is a ledger entry);
    - follow-up never past a first contact (NEVER_ENGAGED);
    - came in before the cutoff, and nobody touched their record (follow-up step or note)
      since then either, so a contact someone is working on right now is kept.
    """
    own_step = Contribution.objects.filter(person_id=OuterRef("pk")).exclude(
        kind=Kind.SIGNED_UP)
    return (
        Person.objects.filter(chapter_id=chapter_id, forgotten_at__isnull=True,
                              stage=Stage.CONTACT, user__isnull=True,
                              followup_status__in=NEVER_ENGAGED, joined_at__lt=cutoff)
        .filter(Q(touched_at__isnull=True) | Q(touched_at__lt=cutoff))
        .exclude(Exists(own_step))
        .order_by("joined_at", "id")
    )


@dataclass(frozen=True)
class PurgeResult:
    chapter: Chapter
    retention_days: int
    people: list[Person]  # forgotten (or, in a dry run, that would be)


def retention_cutoff(today: date, days: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))


def retention_purge(*, today: date, dry_run: bool = False) -> list[PurgeResult]:
    """Forget every chapter's stale contacts (the system does it: actor None, audited).
    A chapter with `retention_days` 0 keeps everyone. One transaction per chapter."""
    chapters = list(Chapter.objects.order_by("name"))
    rules = ChapterSettings.for_chapters([c.pk for c in chapters])
    results = []
    for chapter in chapters:
        days = rules[chapter.pk].retention_days
        if not days:
            continue
        people = list(stale_contacts(chapter.pk, retention_cutoff(today, days)))
        if people and not dry_run:
            with transaction.atomic():
                for person in people:
                    forget(person, actor=None, why="retention")
        results.append(PurgeResult(chapter, days, people))
    if not dry_run:
        audit(actor=None, action=PURGE_ACTION, day=today.isoformat(),
              forgotten=sum(len(r.people) for r in results))
    return results


PURGE_ACTION = "retention.purge"
