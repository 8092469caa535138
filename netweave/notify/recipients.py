"""Who may be contacted, by which channel, in which language: the consent rules in one place.

- Only channels the person agreed to: a ContactChannel row exists only for those.
- A person whose follow-up status is "do not contact" gets nothing.
- A discreet person gets messages only by the channel they chose (marked preferred), and
  nothing at all when they chose none or chose one netweave cannot deliver to.
- Anyone else: their preferred channel when netweave can deliver to it, else the first other
  channel they agreed to that it can.
- Users (follow-up owners, organizers) who gave no usable channel on their person row are
  reached at their account's email; a discreet user still only by their chosen channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from netweave.notify.channels import ACCOUNT_EMAIL, deliverable
from netweave.people.models import FollowUp, Person

Choices = list[tuple[str, bool]]  # (kind, preferred), preferred first: contacts.channel_choices_for


@dataclass(frozen=True)
class Recipient:
    person: Person | None
    user: Any
    channel: str  # a ContactChannel kind, or ACCOUNT_EMAIL
    language: str

    @property
    def chapter_id(self) -> int | None:
        return self.person.chapter_id if self.person is not None else None


def person_channel(person: Person, choices: Choices) -> str | None:
    if person.followup_status == FollowUp.DO_NOT_CONTACT:
        return None
    if person.discreet:
        chosen = [kind for kind, preferred in choices if preferred]
        return chosen[0] if chosen and deliverable(chosen[0]) else None
    return next((kind for kind, _preferred in choices if deliverable(kind)), None)


def user_channel(user: Any, person: Person | None, choices: Choices) -> str | None:
    if person is not None:
        kind = person_channel(person, choices)
        if kind or person.discreet or person.followup_status == FollowUp.DO_NOT_CONTACT:
            return kind
    return ACCOUNT_EMAIL if getattr(user, "email", "") else None


def language_of(person: Person | None) -> str:
    """The first of the person's languages that netweave speaks, else the site's language."""
    known = {code for code, _name in settings.LANGUAGES}
    for code in (person.languages if person is not None else []) or []:
        short = str(code).strip().lower().replace("_", "-").split("-")[0]
        if short in known:
            return short
    return str(settings.LANGUAGE_CODE)


def recipient_for_person(person: Person, choices: Choices) -> Recipient | None:
    kind = person_channel(person, choices)
    if kind is None:
        return None
    return Recipient(person=person, user=person.user, channel=kind, language=language_of(person))


def recipient_for_user(user: Any, person: Person | None, choices: Choices) -> Recipient | None:
    kind = user_channel(user, person, choices)
    if kind is None:
        return None
    return Recipient(person=person, user=user, channel=kind, language=language_of(person))
