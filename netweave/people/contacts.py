"""The only module that reads or writes contact values.

Keeping every access here means the encryption of values, the keyed-hash lookup and the audit of
every read are each written once. Callers get plain strings back and never touch
`ContactChannel.value` themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from netweave.core.ledger import audit
from netweave.people.models import ContactChannel, Person

Kind = ContactChannel.Kind


@dataclass(frozen=True)
class Channel:
    kind: str
    value: str
    preferred: bool

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


def normalise(kind: str, raw: str) -> str:
    """The canonical form used for hashing and storage; raises ValidationError if unusable."""
    value = (raw or "").strip()
    if not value:
        raise ValidationError(_("Enter a value."))
    if len(value) > 200:
        raise ValidationError(_("That is too long for a contact detail."))
    if kind == Kind.EMAIL:
        value = value.lower()
        validate_email(value)
        return value
    if kind in {Kind.PHONE, Kind.SIGNAL, Kind.WHATSAPP}:
        digits = re.sub(r"[^\d+]", "", value)
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        if len(re.sub(r"\D", "", digits)) < 6:
            raise ValidationError(_("Enter a phone number with at least 6 digits."))
        return digits
    if kind == Kind.TELEGRAM:
        return value.lstrip("@").lower()
    return value


def lookup_hash(kind: str, normalised: str) -> str:
    """Keyed hash: equal values collide on purpose, and the key is not in the database."""
    # Phone-like channels share one hash space so a phone and a Signal number match.
    family = "phone" if kind in {Kind.PHONE, Kind.SIGNAL, Kind.WHATSAPP} else kind
    message = f"{family}:{normalised}".encode()
    return hmac.new(settings.NETWEAVE_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def channel_add(*, person: Person, kind: str, value: str, preferred: bool = False) -> None:
    """Store a channel the person agreed to (called from services, inside their transaction)."""
    clean = normalise(kind, value)
    digest = lookup_hash(kind, clean)
    ContactChannel.objects.get_or_create(
        person=person, kind=kind, lookup_hash=digest,
        defaults={"value": clean, "preferred": preferred},
    )


def people_matching(*, chapter_id: int, kind: str, value: str) -> list[int]:
    """Ids of people in the chapter who already gave this contact detail."""
    try:
        digest = lookup_hash(kind, normalise(kind, value))
    except ValidationError:
        return []
    return list(
        ContactChannel.objects.filter(person__chapter_id=chapter_id, lookup_hash=digest)
        .values_list("person_id", flat=True)
        .distinct()
    )


def channels_read(*, actor: Any, person: Person, purpose: str = "view") -> list[Channel]:
    """Contact values for someone allowed to see them. Every read is audit-logged."""
    rows = list(person.channels.order_by("-preferred", "kind"))
    if rows:
        audit(
            actor=actor, action="contacts.read", chapter_id=person.chapter_id,
            target=person.public_id, purpose=purpose, kinds=[r.kind for r in rows],
        )
    return [Channel(kind=r.kind, value=r.value, preferred=r.preferred) for r in rows]


def channel_kinds(person: Person) -> list[str]:
    """Which kinds of channel a person has, without reading any value (no audit needed)."""
    return list(person.channels.values_list("kind", flat=True))
