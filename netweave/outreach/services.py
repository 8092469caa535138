"""Every write about outreach: logging sessions and issuing referral codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netweave.core.access import require
from netweave.core.ledger import Kind, audit, record
from netweave.core.models import Chapter, Place
from netweave.core.scope import scope_of
from netweave.networks.models import Network
from netweave.outreach.models import OutreachSession, ReferralCode
from netweave.people.ladder import refresh_stage
from netweave.people.models import Person

COUNT_FIELDS = ("flyers", "posters", "other_materials", "conversations", "contacts_made")


@transaction.atomic
def outreach_log(
    *, actor: Any, chapter: Chapter, started_at: datetime, minutes: int = 60,
    place: Place | None = None, location: str = "", network: Network | None = None,
    participants: list[Person] | None = None, notes: str = "", **counts: int,
) -> OutreachSession:
    """Log a stint of outreach: where, when, who, materials out, contacts made."""
    scope = scope_of(actor)
    allowed = scope.organizes(chapter.id) or (
        network is not None and network.id in scope.member_networks
    ) or (network is None and scope.person is not None and scope.person.chapter_id == chapter.id)
    require(allowed)
    participants = list(participants or [])
    if not participants and scope.person is not None:
        participants = [scope.person]
    errors: dict[str, str] = {}
    if not location.strip() and place is None:
        errors["location"] = _("Say where it happened.")
    if place is not None and place.chapter_id != chapter.id:
        errors["place"] = _("That place belongs to another chapter.")
    if network is not None and network.chapter_id != chapter.id:
        errors["network"] = _("That network belongs to another chapter.")
    if started_at > timezone.now() + timedelta(hours=1):
        errors["started_at"] = _("Log outreach after it happened.")
    if not 1 <= minutes <= 24 * 60:
        errors["minutes"] = _("Minutes must be between 1 and 1440.")
    for field in COUNT_FIELDS:
        if not 0 <= int(counts.get(field, 0) or 0) <= 1_000_000:
            errors[field] = _("Enter a number between 0 and 1,000,000.")
    if any(p.chapter_id != chapter.id for p in participants):
        errors["participants"] = _("Everyone must be in this chapter.")
    if errors:
        raise ValidationError(errors)
    session = OutreachSession.objects.create(
        chapter=chapter, started_at=started_at, minutes=minutes, place=place,
        location=location.strip(), network=network, notes=notes, logged_by=actor,
        **{f: int(counts.get(f, 0) or 0) for f in COUNT_FIELDS},
    )
    session.participants.set(participants)
    for person in participants:
        record(kind=Kind.OUTREACH, chapter_id=chapter.id, actor=actor, person=person,
               network=network, outreach=session, occurred_at=started_at,
               data={f: getattr(session, f) for f in COUNT_FIELDS})
        refresh_stage(person)
    if not participants:
        record(kind=Kind.OUTREACH, chapter_id=chapter.id, actor=actor, network=network,
               outreach=session, occurred_at=started_at,
               data={f: getattr(session, f) for f in COUNT_FIELDS})
    ReferralCode.objects.create(chapter=chapter, outreach=session, created_by=actor,
                                label=str(session)[:120])
    return session


@transaction.atomic
def code_create(
    *, actor: Any, chapter: Chapter, label: str = "", person: Person | None = None,
    network: Network | None = None,
) -> ReferralCode:
    """A referral code for a person (their personal link), a network, or the whole chapter."""
    require(_may_make_code(actor, chapter, person=person, network=network))
    if person is not None and network is not None:
        raise ValidationError(_("A code belongs to a person or a network, not both."))
    for owner in (person, network):
        if owner is not None and owner.chapter_id != chapter.id:
            raise ValidationError(_("That belongs to another chapter."))
    code = ReferralCode.objects.create(
        chapter=chapter, label=label.strip()[:120], person=person, network=network,
        created_by=actor,
    )
    audit(actor=actor, action="code.create", chapter_id=chapter.id, target=code.code)
    return code


def _may_make_code(actor: Any, chapter: Chapter, *, person: Person | None = None,
                   network: Network | None = None) -> bool:
    scope = scope_of(actor)
    is_self = person is not None and scope.person is not None and scope.person.id == person.id
    return scope.organizes(chapter.id) or is_self or (
        network is not None and scope.convenes(network.id)
    )


def code_for_person(*, actor: Any, person: Person) -> ReferralCode:
    """A person's personal code, made the first time they ask for it."""
    # Checked before looking up an existing code too, so nobody learns another person's code.
    require(_may_make_code(actor, person.chapter, person=person))
    existing = person.codes.filter(active=True).first()
    if existing is not None:
        return existing
    return code_create(actor=actor, chapter=person.chapter, person=person)


def code_for_network(*, actor: Any, network: Network) -> ReferralCode:
    require(_may_make_code(actor, network.chapter, network=network))
    existing = network.codes.filter(active=True).first()
    if existing is not None:
        return existing
    return code_create(actor=actor, chapter=network.chapter, network=network)


def code_mine(*, actor: Any, network: Network | None = None) -> ReferralCode:
    """The code the actor hands out: their own, or (for a convener) their network's."""
    if network is not None:
        return code_for_network(actor=actor, network=network)
    person = scope_of(actor).person
    if person is None:
        raise PermissionDenied(_("Only people in a chapter have a personal code."))
    return code_for_person(actor=actor, person=person)
