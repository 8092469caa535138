"""The only module that reads or writes contact values.

Keeping every access here means the encryption of values, the keyed-hash lookup and the audit of
every read are each written once. Callers get plain strings back and never touch
`ContactChannel.value` themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from netweave.core import crypto, sqlite_insert
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


def lookup_hash(kind: str, normalised: str, key: str | None = None) -> str:
    """Keyed hash: equal values collide on purpose, and the key is not in the database."""
    # Phone-like channels share one hash space so a phone and a Signal number match.
    family = "phone" if kind in {Kind.PHONE, Kind.SIGNAL, Kind.WHATSAPP} else kind
    message = f"{family}:{normalised}".encode()
    secret = (key or settings.NETWEAVE_HASH_KEY).encode()
    # hmac.digest: the same HMAC-SHA256 as hmac.new(...).hexdigest(), in one C call (an
    # import hashes every email and phone of the file).
    return hmac.digest(secret, message, hashlib.sha256).hex()


def lookup_hashes(kind: str, normalised: str) -> list[str]:
    """The hash under the current key, and under the previous one while a hash-key change is
    under way (NETWEAVE_HASH_KEY_PREVIOUS set, `rotate_keys --rehash` not yet run), so that
    duplicate detection keeps finding people in between."""
    current = settings.NETWEAVE_HASH_KEY
    hashes = [lookup_hash(kind, normalised, key=current)]
    previous = settings.NETWEAVE_HASH_KEY_PREVIOUS
    if previous and previous != current:
        hashes.append(lookup_hash(kind, normalised, key=previous))
    return hashes


def channel_add(*, person: Person, kind: str, value: str, preferred: bool = False) -> None:
    """Store a channel the person agreed to (called from services, inside their transaction)."""
    clean = normalise(kind, value)
    hashes = lookup_hashes(kind, clean)
    if len(hashes) > 1 and person.channels.filter(kind=kind, lookup_hash__in=hashes).exists():
        return  # they gave it before the hash key changed
    digest = hashes[0]
    ContactChannel.objects.get_or_create(
        person=person, kind=kind, lookup_hash=digest,
        defaults={"value": clean, "preferred": preferred},
    )


@dataclass(frozen=True)
class NewChannel:
    """A channel to store in bulk (`channels_bulk_add`)."""

    person: Person
    kind: str
    value: str
    preferred: bool = False
    consented_at: datetime | None = None


def channels_bulk_add(rows: Iterable[NewChannel]) -> int:
    """Store many channels in one insert (imports, the demo), with `channel_add`'s checks.

    The people must already be saved. A channel a person already has is skipped, as
    `channel_add` does. Returns how many rows were offered to the database.

    Plain tuples and multi-row `INSERT ... ON CONFLICT DO NOTHING` statements, not bulk_create:
    building a model instance and Django's SQL per row is most of an import's time. The value
    is encrypted here exactly as EncryptedTextField.get_prep_value would.
    """
    from django.db import connection
    from django.utils import timezone

    ring = crypto.keyring()
    adapt = connection.ops.adapt_datetimefield_value
    now = timezone.now()
    stamps: dict[Any, Any] = {}
    seen: set[tuple[int, str, str]] = set()
    values = []
    for row in rows:
        clean = normalise(row.kind, row.value)
        digest = lookup_hash(row.kind, clean)
        key = (row.person.pk, row.kind, digest)
        if key in seen:
            continue
        seen.add(key)
        when = row.consented_at or now
        if when not in stamps:
            stamps[when] = adapt(when)
        values.append((row.person.pk, row.kind, crypto.encrypt(clean, ring), digest,
                       row.preferred, stamps[when]))
    return _insert_channels(values)


def hasher() -> Callable[[str, str], list[str]]:
    """`lookup_hashes` for the many values of one import: the keys are read from settings once
    (reading a setting costs more than the hash) and each key's HMAC state is prepared once
    and copied per value, which costs half of keying the HMAC again for every value."""
    current = settings.NETWEAVE_HASH_KEY
    previous = settings.NETWEAVE_HASH_KEY_PREVIOUS
    keys = [current] if not previous or previous == current else [current, previous]
    keyed = [hmac.new(key.encode(), digestmod=hashlib.sha256) for key in keys]
    phone_like = {str(k.value) for k in (Kind.PHONE, Kind.SIGNAL, Kind.WHATSAPP)}

    def hashes(kind: str, normalised: str) -> list[str]:
        message = f"{'phone' if kind in phone_like else kind}:{normalised}".encode()
        out = []
        for state in keyed:
            mac = state.copy()
            mac.update(message)
            out.append(mac.hexdigest())
        return out

    return hashes


def sealer() -> Callable[[str], str]:
    """A normalised contact value as it is stored (encrypted under the current key), for the
    many values of one import: `channels_bulk_add_sealed` takes what it returns."""
    return crypto.encryptor()


def channels_bulk_add_sealed(rows: Iterable[tuple[int, str, str, str]], *,
                             consented_at: datetime) -> int:
    """`channels_bulk_add` for values the caller already passed through `normalise`, hashed
    with `hasher()` (current key first) and encrypted with `sealer()`: (person id, kind,
    sealed value, hash) each. An import does all three while it checks its rows (to find
    duplicates, and in a thread of its own); doing them again here was a fifth of its time."""
    from django.db import connection

    when = connection.ops.adapt_datetimefield_value(consented_at)
    seen: set[tuple[int, str, str]] = set()
    values = []
    for person_id, kind, sealed, digest in rows:
        key = (person_id, kind, digest)
        if key in seen:
            continue
        seen.add(key)
        values.append((person_id, kind, sealed, digest, False, when))
    return _insert_channels(values)


def _insert_channels(values: list[tuple[Any, ...]]) -> int:
    """(person id, kind, encrypted value, hash, preferred, consented at) rows; a channel a
    person already has is skipped."""
    from django.db import connection

    if not values:
        return 0
    table = ContactChannel._meta.db_table
    columns = "person_id, kind, value, lookup_hash, preferred, consented_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement over arrays (one per column) rather than a round trip per row.
            cursor.execute(
                f'INSERT INTO "{table}" ({columns}) SELECT * FROM unnest('  # noqa: S608  # nosec B608
                "%s::bigint[], %s::varchar[], %s::text[], %s::varchar[], %s::boolean[], "
                "%s::timestamptz[]) ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*values, strict=True)],
            )
        else:
            sqlite_insert.insert_many(cursor, table, [c.strip() for c in columns.split(",")],
                                      values, skip_conflicts=True)
    return len(values)


def people_matching(*, chapter_id: int, kind: str, value: str) -> list[int]:
    """Ids of people in the chapter who already gave this contact detail."""
    try:
        hashes = lookup_hashes(kind, normalise(kind, value))
    except ValidationError:
        return []
    return list(
        ContactChannel.objects.filter(person__chapter_id=chapter_id, lookup_hash__in=hashes)
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


def channel_choices_for(person_ids: Iterable[int]) -> dict[int, list[tuple[str, bool]]]:
    """(kind, preferred) of each person's channels, preferred first, without reading any value
    (no audit needed): enough for notify to decide which channel a person agreed to."""
    choices: dict[int, list[tuple[str, bool]]] = {}
    rows = (
        ContactChannel.objects.filter(person_id__in=list(person_ids))
        .order_by("person_id", "-preferred", "consented_at", "id")
        .values_list("person_id", "kind", "preferred")
    )
    for person_id, kind, preferred in rows:
        choices.setdefault(person_id, []).append((kind, preferred))
    return choices


def channel_value_for_sending(*, person: Person, kind: str, reason: str) -> str | None:
    """The value of the person's channel of this kind, read by the system to send them a
    message they agreed to (netweave.notify). Audited like every other read, with no actor:
    the audit log then shows each time a background job read someone's contact details."""
    row = (
        person.channels.filter(kind=kind).order_by("-preferred", "consented_at", "id").first()
    )
    if row is None:
        return None
    audit(
        actor=None, action="contacts.read", chapter_id=person.chapter_id,
        target=person.public_id, purpose=f"notify:{reason}", kinds=[kind],
    )
    return row.value


def rehash_all(*, chunk: int = 1000) -> tuple[int, int]:
    """Recompute every channel's lookup hash under the current NETWEAVE_HASH_KEY, from its
    decrypted value (so it works even if the old hash key is lost). Only rows whose hash
    differs are written, so a second run changes nothing. Returns (examined, changed).

    Run after changing NETWEAVE_HASH_KEY (`netweave rotate_keys --rehash`); audit-logged by
    the command. Values are decrypted here, in memory, and never leave this function.
    """
    examined = changed = 0
    last_pk = 0
    while True:
        rows = list(ContactChannel.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not rows:
            return examined, changed
        last_pk = rows[-1].pk
        examined += len(rows)
        stale = []
        for row in rows:
            # The stored value is already normalised (channel_add stores it so).
            digest = lookup_hash(row.kind, row.value)
            if digest != row.lookup_hash:
                row.lookup_hash = digest
                stale.append(row)
        changed += _write_hashes(stale)


def _write_hashes(stale: list[ContactChannel]) -> int:
    """Save the new hashes. A row whose value the person also gave again under the new key
    (stored while the change was under way) is the same channel twice: drop the old one."""
    existing = set(
        ContactChannel.objects.filter(lookup_hash__in=[r.lookup_hash for r in stale])
        .values_list("person_id", "kind", "lookup_hash")
    )
    twice = {r.pk for r in stale if (r.person_id, r.kind, r.lookup_hash) in existing}
    ContactChannel.objects.filter(pk__in=twice).delete()
    ContactChannel.objects.bulk_update([r for r in stale if r.pk not in twice], ["lookup_hash"])
    return len(stale)


def keys_rotate(*, rehash: bool = False, chunk: int = 1000) -> dict[str, Any]:
    """Re-encrypt every value still on an old key (or still plain) under the current key and,
    with `rehash`, recompute lookup hashes under the current hash key. One audit row when
    anything changed; a second run finds nothing to do. Returns the counts per table.

    Not one transaction: each chunk commits on its own (bulk_update), so a run over millions of
    rows holds no long lock, and a run cut short is finished by running it again.
    """
    counts: dict[str, Any] = {
        c.label: {"examined": c.examined, "changed": c.changed}
        for c in crypto.rotate_all(chunk=chunk)
    }
    if rehash:
        examined, changed = rehash_all(chunk=chunk)
        counts["lookup_hash"] = {"examined": examined, "changed": changed}
    if any(c["changed"] for c in counts.values()):
        audit(actor=None, action="keys.rotated", key=crypto.keyring().current_id,
              rehash=rehash, counts=counts)
    return counts


def people_with(*, kind: str, value: str) -> list[int]:
    """Ids of people, in any chapter, who gave this contact detail (a password reset by
    email finds the account this way, by keyed hash, without reading any value)."""
    try:
        digest = lookup_hash(kind, normalise(kind, value))
    except ValidationError:
        return []
    return list(ContactChannel.objects.filter(lookup_hash=digest)
                .values_list("person_id", flat=True).distinct())
