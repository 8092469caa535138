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
from netweave.core.models import AuditEntry, Chapter, Invite, Place
from netweave.core.scope import forget_scope, scope_of
from netweave.people import contacts
from netweave.people.ladder import rank, refresh_action_stages, refresh_stage, stage_of
from netweave.people.models import (
    ChapterSettings,
    CoachingPair,
    Constraint,
    FollowUp,
    Person,
    Source,
    Stage,
)

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
    owner = followup_owner or actor
    if owner != actor:
        _check_owner(chapter.id, owner, discreet=bool(situation.get("discreet")))
    person = Person.objects.create(
        chapter=chapter, display_name=name, notes=notes, source=Source.RECORDED,
        followup_owner=owner, followup_assigned_by=actor,
        followup_accepted_at=timezone.now() if owner == actor else None,
        followup_due=first_followup_due(chapter.id),
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
        # Nobody assigned it (followup_assigned_by stays empty): a decline goes to the
        # organizers' shared list. The owner still has to accept it.
        followup_owner=_default_owner(code, discreet=discreet),
        followup_due=first_followup_due(chapter.id),
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


def first_followup_due(chapter_id: int) -> date:
    """A new person's first follow-up is due the chapter's `followup_days` from today."""
    return timezone.localdate() + timedelta(days=ChapterSettings.for_chapter(chapter_id)
                                            .followup_days)


def _default_owner(code: Any, *, discreet: bool = False) -> Any:
    """Whoever brought them in follows them up, if they have an account; else the convener of
    the code's network; else whoever made the code. Only an active user who may still own
    follow-ups in the chapter; for a discreet newcomer only an organizer (discreet people are
    listed to organizers only). None leaves them to the organizers' shared list."""
    candidates = []
    if code.person_id and code.person.user_id:
        candidates.append(code.person.user)
    if code.network_id:
        from netweave.networks.models import Membership

        convener = (
            Membership.objects.filter(network_id=code.network_id, role="convener",
                                      left_on__isnull=True, person__user__is_active=True)
            .select_related("person__user").order_by("joined_on", "id").first()
        )
        if convener is not None:
            candidates.append(convener.person.user)
    if code.created_by_id:
        candidates.append(code.created_by)
    for user in candidates:
        if _may_own(code.chapter_id, user, discreet=discreet):
            return user
    return None


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


# --- Follow-up -------------------------------------------------------------------------------

# The follow-up pipeline, in order. Steps move forward (skipping is fine: someone met at a table
# was contacted and met at once); "not now" pauses it, and "do not contact" ends it for good:
# only the person can lift that (by asking an organizer, who edits it in the back office).
PIPELINE = [FollowUp.NEW, FollowUp.CONTACTED, FollowUp.MET, FollowUp.FIRST_TASK,
            FollowUp.IN_NETWORK]


def followup_may_move(current: str, to: str) -> bool:
    """Whether a follow-up may go from `current` to `to` (staying put is always fine)."""
    if current == to:
        return True
    if current == FollowUp.DO_NOT_CONTACT:
        return False
    if to in (FollowUp.DO_NOT_CONTACT, FollowUp.NOT_NOW):
        return True
    if current == FollowUp.NOT_NOW:
        return to != FollowUp.NEW  # picking it up again means someone got in touch
    return PIPELINE.index(to) > PIPELINE.index(current)  # type: ignore[arg-type]


def _refused_move_message(current: str, to: str) -> str:
    if current == FollowUp.DO_NOT_CONTACT:
        return _("They asked not to be contacted; that cannot be changed here.")
    return _("Follow-up moves forward: from “%(from)s” it cannot go back to “%(to)s”.") % {
        "from": FollowUp(current).label, "to": FollowUp(to).label}


def _may_own(chapter_id: int, user: Any, *, discreet: bool) -> bool:
    """Who may own a follow-up in a chapter: its organizers and its people with an account
    (people.selectors.followup_owners_for); for a discreet person only organizers."""
    if user is None or not user.is_active:
        return False
    scope = scope_of(user)
    if scope.organizes(chapter_id):
        return True
    return not discreet and scope.person is not None and scope.person.chapter_id == chapter_id


def _check_owner(chapter_id: int, owner: Any, *, discreet: bool) -> None:
    if not _may_own(chapter_id, owner, discreet=False):
        raise ValidationError({"owner": _("Choose someone of this chapter with an account.")})
    if discreet and not _may_own(chapter_id, owner, discreet=True):
        raise ValidationError(
            {"owner": _("Only organizers follow up discreet people.")})


def _stamp_note(person: Person, text: str) -> None:
    stamp = timezone.localdate().isoformat()
    person.notes = (person.notes + "\n" if person.notes else "") + f"{stamp}: {text}"


def _hand_to(person: Person, owner: Any, *, by: Any) -> None:
    """Give the follow-up to `owner`, handed over by `by`: pending until the owner accepts,
    unless they took it themselves."""
    person.followup_owner = owner
    person.followup_assigned_by = by
    person.followup_accepted_at = timezone.now() if owner is not None and owner == by else None


@transaction.atomic
def followup_update(
    *, actor: Any, person: Person, status: str, owner: Any = None, due: date | None = None,
    note: str = "",
) -> Person:
    """Record a follow-up step. Organizers and the follow-up's owner may do it; only
    organizers hand it to someone else."""
    scope = scope_of(actor)
    require(scope.organizes(person.chapter_id) or person.followup_owner_id == actor.id)
    if status not in FollowUp.values:
        raise ValidationError({"status": _("Choose a follow-up state.")})
    previous = person.followup_status
    if not followup_may_move(previous, status):
        raise ValidationError({"status": _refused_move_message(previous, status)})
    handed = owner is not None and owner != person.followup_owner
    if handed:
        require(scope.organizes(person.chapter_id))
        _check_owner(person.chapter_id, owner, discreet=person.discreet)
        _hand_to(person, owner, by=actor)
    person.followup_status = status
    person.followup_due = due
    person.touched_at = timezone.now()
    if note.strip():
        _stamp_note(person, note.strip())
    person.save()
    if status != previous:
        record(kind=Kind.FOLLOWED_UP, chapter_id=person.chapter_id, actor=actor,
               subject_person=person, person=scope.person,
               data={"from": previous, "to": status})
    if handed:
        audit(actor=actor, action="followup.assign", chapter_id=person.chapter_id,
              target=person.public_id, owner=owner.pk)
    return person


@transaction.atomic
def followup_assign(
    *, actor: Any, people: list[Person], owner: Any, due: date | None = None,
) -> int:
    """Organizers hand many people's follow-up to one owner at once. Each assignment is
    pending until the owner accepts it; a decline sends it back to the actor. Returns how many
    people were handed over."""
    if not people:
        raise ValidationError({"people": _("Choose at least one person.")})
    scope = scope_of(actor)
    require(all(scope.organizes(p.chapter_id) for p in people))
    refused = [p.display_name for p in people if p.followup_status == FollowUp.DO_NOT_CONTACT]
    if refused:
        raise ValidationError({"people": _("Asked not to be contacted: %s.") % ", ".join(refused)})
    for chapter_id in {p.chapter_id for p in people}:
        _check_owner(chapter_id, owner, discreet=any(
            p.discreet for p in people if p.chapter_id == chapter_id))
    if due is not None and due < timezone.localdate():
        raise ValidationError({"due": _("The date is in the past.")})
    now = timezone.now()
    for person in people:
        _hand_to(person, owner, by=actor)
        person.followup_due = due or person.followup_due or first_followup_due(person.chapter_id)
        person.touched_at = now
    Person.objects.bulk_update(people, ["followup_owner", "followup_assigned_by",
                                        "followup_accepted_at", "followup_due", "touched_at"])
    # bulk_update skips save(), so the audit rows are written here, in one insert.
    AuditEntry.objects.bulk_create([
        AuditEntry(actor=actor, chapter_id=p.chapter_id, action="followup.assign",
                   target=p.public_id, detail={"owner": owner.pk, "bulk": True})
        for p in people
    ])
    return len(people)


@transaction.atomic
def followup_accept(*, actor: Any, person: Person) -> Person:
    """The owner takes on a follow-up handed to them."""
    require(person.followup_owner_id is not None and person.followup_owner_id == actor.id)
    if person.followup_accepted_at is not None:
        raise ValidationError(_("You already accepted this follow-up."))
    person.followup_accepted_at = person.touched_at = timezone.now()
    person.save(update_fields=["followup_accepted_at", "touched_at"])
    audit(actor=actor, action="followup.accept", chapter_id=person.chapter_id,
          target=person.public_id)
    return person


@transaction.atomic
def followup_decline(*, actor: Any, person: Person, reason: str = "") -> Person:
    """The owner hands back a follow-up they have not accepted: it goes back to whoever
    assigned it (now theirs), or to the organizers' shared list when nobody did."""
    require(person.followup_owner_id is not None and person.followup_owner_id == actor.id)
    if person.followup_accepted_at is not None:
        raise ValidationError(
            _("You accepted this follow-up; ask an organizer to hand it to someone else."))
    back_to = person.followup_assigned_by
    if back_to == actor or not _may_own(person.chapter_id, back_to, discreet=person.discreet):
        back_to = None
    _hand_to(person, back_to, by=back_to)
    person.touched_at = timezone.now()
    text = _("%(who)s declined the follow-up.") % {"who": actor.get_username()}
    _stamp_note(person, f"{text} {reason.strip()}".strip())
    person.save(update_fields=["followup_owner", "followup_assigned_by", "followup_accepted_at",
                               "touched_at", "notes"])
    audit(actor=actor, action="followup.decline", chapter_id=person.chapter_id,
          target=person.public_id, back_to=back_to.pk if back_to else None)
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


# --- The ladder: chapter settings, "ready for more", coaching ---------------------------------


@transaction.atomic
def chapter_settings_update(*, actor: Any, chapter: Chapter, **values: Any) -> ChapterSettings:
    """An organizer sets the chapter's ladder thresholds and follow-up rules. People near the
    contributor threshold move at once when it changes."""
    require(scope_of(actor).organizes(chapter.id))
    values = {k: v for k, v in values.items() if k in ChapterSettings.LIMITS}
    errors = {}
    for field, value in values.items():
        low, high = ChapterSettings.LIMITS[field]
        if not isinstance(value, int) or not low <= value <= high:
            errors[field] = _("Between %(low)d and %(high)d.") % {"low": low, "high": high}
    if errors:
        raise ValidationError(errors)
    rules = ChapterSettings.for_chapter(chapter.id)
    changed = sorted(f for f, v in values.items() if getattr(rules, f) != v)
    for field, value in values.items():
        setattr(rules, field, value)
    rules.updated_at, rules.updated_by = timezone.now(), actor
    rules.save()
    moved = 0
    if {"contributor_actions", "contributor_days"} & set(changed):
        moved = refresh_action_stages(chapter.id, rules=rules)
    audit(actor=actor, action="chapter_settings.update", chapter_id=chapter.id,
          target=chapter.public_id, fields=changed, moved=moved)
    return rules


@transaction.atomic
def convening_ask(*, actor: Any, person: Person) -> Person:
    """The one-click answer to "ready to convene": the organizer notes that they will invite the
    person to convene a network with people they know. The prompt rests for the chapter's
    window; seeding or starting the network is then recorded as usual."""
    require(scope_of(actor).organizes(person.chapter_id))
    if person.discreet:
        raise ValidationError(_("Discreet people are never asked to take on visible work."))
    person.asked_to_convene_at = person.touched_at = timezone.now()
    _stamp_note(person, _("%(who)s will invite them to convene a network with people they "
                          "know.") % {"who": actor.get_username()})
    person.save(update_fields=["asked_to_convene_at", "touched_at", "notes"])
    audit(actor=actor, action="ladder.ask_to_convene", chapter_id=person.chapter_id,
          target=person.public_id)
    return person


def may_coach(person: Person) -> bool:
    """Coaches are conveners and builders (the stage derived now, not the stored one)."""
    return rank(stage_of(person)) >= rank(Stage.CONVENER)


@transaction.atomic
def coaching_start(*, actor: Any, coach: Person, coached: Person) -> CoachingPair:
    """Pair a convener (usually a new one) with an experienced one as their coach."""
    require(scope_of(actor).organizes(coached.chapter_id))
    if coach.chapter_id != coached.chapter_id:
        raise ValidationError({"coach": _("The coach belongs to another chapter.")})
    if coach.pk == coached.pk:
        raise ValidationError({"coach": _("Someone cannot coach themselves.")})
    if not may_coach(coach):
        raise ValidationError({"coach": _("Coaches are conveners or builders.")})
    if CoachingPair.objects.filter(coach=coach, coached=coached, ended_on__isnull=True).exists():
        raise ValidationError(
            {"coach": _("%s already coaches them.") % coach.display_name})
    pair = CoachingPair.objects.create(chapter_id=coached.chapter_id, coach=coach,
                                       coached=coached, started_by=actor)
    audit(actor=actor, action="coaching.start", chapter_id=coached.chapter_id,
          target=coached.public_id, coach=coach.public_id)
    return pair


@transaction.atomic
def coaching_end(*, actor: Any, pair: CoachingPair) -> CoachingPair:
    """Organizers, the coach or the coached person end a pairing."""
    scope = scope_of(actor)
    me = scope.person.pk if scope.person is not None else None
    require(scope.organizes(pair.chapter_id) or me in (pair.coach_id, pair.coached_id))
    if pair.ended_on is None:
        pair.ended_on = timezone.localdate()
        pair.save(update_fields=["ended_on"])
        audit(actor=actor, action="coaching.end", chapter_id=pair.chapter_id,
              target=pair.coached.public_id, coach=pair.coach.public_id)
    return pair
