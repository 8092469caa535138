"""Every write about people: recording, signing up, following up, inviting."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import Kind, audit, record
from netweave.core.models import Chapter, Invite, Place
from netweave.core.scope import forget_scope, scope_of
from netweave.people import contacts
from netweave.people.ladder import refresh_stage
from netweave.people.models import Constraint, FollowUp, Person, Source

FOLLOWUP_DAYS = 3
SITUATION_FIELDS = (
    "hours_per_week", "availability", "constraints", "languages", "interests", "discreet",
    "visibility", "place", "social_grouping",
)


def _check_situation(chapter: Chapter, values: dict[str, Any]) -> None:
    unknown = set(values.get("constraints") or []) - set(Constraint.values)
    if unknown:
        raise ValidationError({"constraints": _("Unknown constraint: %s") % ", ".join(unknown)})
    place = values.get("place")
    if place is not None and place.chapter_id != chapter.id:
        raise ValidationError({"place": _("That place belongs to another chapter.")})
    hours = values.get("hours_per_week")
    if hours is not None and not (0 <= float(hours) <= 80):
        raise ValidationError({"hours_per_week": _("Hours a week must be between 0 and 80.")})


@transaction.atomic
def person_create(
    *, actor: Any, chapter: Chapter, display_name: str, email: str = "", phone: str = "",
    notes: str = "", followup_owner: Any = None, **situation: Any,
) -> Person:
    """An organizer records someone they met (who may never log in)."""
    require(scope_of(actor).organizes(chapter.id))
    name = display_name.strip()
    if not name:
        raise ValidationError({"display_name": _("Enter a name or a pseudonym.")})
    _check_situation(chapter, situation)
    _check_channels(email=email, phone=phone)
    person = Person.objects.create(
        chapter=chapter, display_name=name, notes=notes, source=Source.RECORDED,
        followup_owner=followup_owner or actor,
        followup_due=timezone.localdate() + timedelta(days=FOLLOWUP_DAYS),
        **{k: v for k, v in situation.items() if k in SITUATION_FIELDS},
    )
    _add_channels(person, email=email, phone=phone)
    record(kind=Kind.SIGNED_UP, chapter_id=chapter.id, actor=actor, person=person,
           data={"source": Source.RECORDED})
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    scope = scope_of(actor)
    is_self = scope.person is not None and scope.person.id == person.id
    require(scope.organizes(person.chapter_id) or is_self)
    allowed = set(SITUATION_FIELDS) | {"display_name"}
    if scope.organizes(person.chapter_id):
        allowed |= {"notes"}
    fields = {k: v for k, v in fields.items() if k in allowed}
    if "display_name" in fields:
        fields["display_name"] = fields["display_name"].strip()
        if not fields["display_name"]:
            raise ValidationError({"display_name": _("Enter a name or a pseudonym.")})
    _check_situation(person.chapter, fields)
    for key, value in fields.items():
        setattr(person, key, value)
    person.save()
    audit(actor=actor, action="person.update", chapter_id=person.chapter_id,
          target=person.public_id, fields=sorted(fields))
    return person


def _check_channels(*, email: str, phone: str) -> None:
    errors = {}
    for field, kind, raw in (("email", contacts.Kind.EMAIL, email),
                             ("phone", contacts.Kind.PHONE, phone)):
        if raw and raw.strip():
            try:
                contacts.normalise(kind, raw)
            except ValidationError as exc:
                errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


def _add_channels(person: Person, *, email: str, phone: str, phone_kind: str = "phone") -> None:
    if email and email.strip():
        contacts.channel_add(person=person, kind=contacts.Kind.EMAIL, value=email)
    if phone and phone.strip():
        contacts.channel_add(person=person, kind=phone_kind, value=phone)


def find_duplicate(*, chapter_id: int, email: str = "", phone: str = "") -> Person | None:
    """The person who already gave this email or phone in this chapter, if any."""
    ids: list[int] = []
    if email:
        ids += contacts.people_matching(chapter_id=chapter_id, kind="email", value=email)
    if phone:
        ids += contacts.people_matching(chapter_id=chapter_id, kind="phone", value=phone)
    return Person.objects.filter(id__in=ids).order_by("joined_at").first() if ids else None


@transaction.atomic
def person_signup(
    *, code: Any, display_name: str, email: str = "", phone: str = "", phone_kind: str = "phone",
    contact_ok: bool = True, place: Place | None = None, language: str = "",
    hours_per_week: float | None = None, discreet: bool = False, arrived: bool = True,
) -> tuple[Person, bool]:
    """A newcomer signs up through a referral code, with no account.

    Returns (person, created). Someone who signs up again with an email or phone already known
    in the chapter is recognised and updated, never doubled. `arrived=False` is for an RSVP
    from an event's public page: signing up through the event's code, but not at the event.
    """
    name = (display_name or "").strip()
    if not name:
        raise ValidationError({"display_name": _("Tell us what to call you.")})
    if contact_ok and not (email.strip() or phone.strip()):
        raise ValidationError(
            {"email": _("Leave an email or a phone number, or choose not to be contacted.")}
        )
    _check_channels(email=email, phone=phone)
    chapter = code.chapter
    existing = find_duplicate(chapter_id=chapter.id, email=email, phone=phone)
    if existing is not None:
        _add_channels(existing, email=email, phone=phone, phone_kind=phone_kind)
        if not contact_ok and existing.followup_status != FollowUp.DO_NOT_CONTACT:
            existing.followup_status = FollowUp.DO_NOT_CONTACT
            existing.save(update_fields=["followup_status"])
        if arrived:
            _note_arrival(existing, code, first_time=False)
        return existing, False

    owner_person = code.person
    person = Person.objects.create(
        chapter=chapter, display_name=name[:120], place=place, discreet=discreet,
        languages=[language] if language else [],
        hours_per_week=hours_per_week if hours_per_week is not None else 1,
        referral_code=code, brought_by=owner_person,
        source_network=code.network, source_event=code.event, source_outreach=code.outreach,
        source=_source_of(code),
        followup_status=FollowUp.NEW if contact_ok else FollowUp.DO_NOT_CONTACT,
        followup_owner=_default_owner(code),
        followup_due=timezone.localdate() + timedelta(days=FOLLOWUP_DAYS),
    )
    _add_channels(person, email=email, phone=phone, phone_kind=phone_kind)
    record(kind=Kind.SIGNED_UP, chapter_id=chapter.id, person=person,
           data={"code": code.code, "source": person.source})
    if owner_person is not None or code.network_id:
        # Credit whoever brought them in: this is how "who builds whom" is measured.
        record(kind=Kind.BROUGHT_IN, chapter_id=chapter.id, person=owner_person,
               network=code.network, subject_person=person, data={"code": code.code})
        refresh_stage(owner_person)
    if arrived:
        _note_arrival(person, code, first_time=True)
    return person, True


def _source_of(code: Any) -> str:
    if code.person_id:
        return Source.PERSON
    if code.network_id:
        return Source.NETWORK
    if code.event_id:
        return Source.EVENT
    if code.outreach_id:
        return Source.OUTREACH
    return Source.REFERRAL


def _default_owner(code: Any) -> Any:
    """Whoever brought them in follows them up, if they have an account; else the organizers."""
    if code.person_id and code.person.user_id:
        return code.person.user
    if code.network_id:
        from netweave.networks.models import Membership

        convener = (
            Membership.objects.filter(network_id=code.network_id, role="convener",
                                      left_on__isnull=True, person__user__isnull=False)
            .select_related("person__user").first()
        )
        if convener is not None:
            return convener.person.user
    return code.created_by


def _note_arrival(person: Person, code: Any, *, first_time: bool) -> None:
    """Signing up through an event's code means they are at the event: count them."""
    if not code.event_id:
        return
    from netweave.events.models import Attendance

    attendance, _created = Attendance.objects.get_or_create(event=code.event, person=person)
    if not attendance.attended:
        attendance.attended = True
        attendance.checked_in_at = timezone.now()
        attendance.met_here = attendance.met_here or first_time
        attendance.save()
        record(kind=Kind.EVENT_ATTENDED, chapter_id=person.chapter_id, person=person,
               event=code.event, network=code.event.host_network)
        refresh_stage(person)


@transaction.atomic
def followup_update(
    *, actor: Any, person: Person, status: str, owner: Any = None, due: date | None = None,
    note: str = "",
) -> Person:
    """Record a follow-up step. Organizers and the follow-up's owner may do it."""
    scope = scope_of(actor)
    require(scope.organizes(person.chapter_id) or person.followup_owner_id == actor.id)
    if status not in FollowUp.values:
        raise ValidationError({"status": _("Choose a follow-up state.")})
    if owner is not None and owner != person.followup_owner:
        require(scope.organizes(person.chapter_id))
        person.followup_owner = owner
    previous = person.followup_status
    person.followup_status = status
    person.followup_due = due
    if note.strip():
        stamp = timezone.localdate().isoformat()
        person.notes = (person.notes + "\n" if person.notes else "") + f"{stamp}: {note.strip()}"
    person.save()
    if status != previous:
        record(kind=Kind.FOLLOWED_UP, chapter_id=person.chapter_id, actor=actor,
               subject_person=person, person=scope.person,
               data={"from": previous, "to": status})
    return person


# --- Invites ---------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def invite_create(*, actor: Any, person: Person) -> str:
    """A link that lets a person recorded by an organizer take an account. Returns the token."""
    require(scope_of(actor).organizes(person.chapter_id))
    if person.user_id:
        raise ValidationError(_("%s already has an account.") % person.display_name)
    token = secrets.token_urlsafe(24)
    Invite.objects.create(
        token_hash=_token_hash(token), person=person, created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITE_MAX_AGE_DAYS),
    )
    audit(actor=actor, action="invite.create", chapter_id=person.chapter_id,
          target=person.public_id)
    return token


def invite_lookup(token: str) -> Invite | None:
    """The invite if the token is valid, unused and unexpired."""
    invite = Invite.objects.select_related("person").filter(token_hash=_token_hash(token)).first()
    if invite is None or invite.used_at or invite.expires_at < timezone.now():
        return None
    if invite.person.user_id:
        return None
    return invite


@transaction.atomic
def invite_accept(*, token: str, username: str, password: str) -> Any:
    invite = invite_lookup(token)
    if invite is None:
        raise PermissionDenied(_("This invite link has expired or was already used."))
    user_model = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Choose a username.")})
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken.")})
    candidate = user_model(username=username)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user = user_model.objects.create_user(username=username, password=password)
    Person.objects.filter(pk=invite.person_id).update(user=user)
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    audit(actor=user, action="invite.accept", chapter_id=invite.person.chapter_id,
          target=invite.person.public_id)
    forget_scope(user)
    return user


# --- Who may do what, for pages that offer the action (the services above still decide) -----


def may_follow_up(scope: Any, person: Person) -> bool:
    """The rule `followup_update` enforces: the chapter's organizers and the follow-up's owner."""
    return scope.organizes(person.chapter_id) or (
        scope.user is not None and person.followup_owner_id == scope.user.id
    )


def may_invite(scope: Any, person: Person) -> bool:
    """The rule `invite_create` enforces: organizers, for someone who has no account yet."""
    return scope.organizes(person.chapter_id) and not person.user_id
