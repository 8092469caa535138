"""Authenticated encryption of sensitive columns (contact values, notes) with keys from the
environment, never from the database.

Stored form: ``enc1:<keyid>:<base64(nonce || ciphertext+tag)>``. AES-256-GCM with a random 96-bit
nonce; the key id is authenticated too (associated data), so a value cannot be relabelled to
another key. The key id in clear lets `rotate` find the rows still on an old key.

Keys: ``NETWEAVE_ENCRYPTION_KEYS`` = ``keyid:base64key,keyid:base64key,...``; the first encrypts,
all decrypt. Without it (laptop demo, tests) one key is derived from SECRET_KEY with HKDF, and
the deploy check `security.W_NW001` warns.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, IsNull

PREFIX = "enc1"
DERIVED_KEY_ID = "sk"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value that is not ours: tampered, truncated, or under a key we do not hold."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, AESGCM]
    explicit: bool  # False: derived from SECRET_KEY (fine for a laptop, not for production)


def derived_key(secret_key: str) -> bytes:
    """The key used when no explicit keys are set: HKDF of SECRET_KEY, for this purpose only."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"netweave",
                info=b"netweave field encryption v1")
    return hkdf.derive(secret_key.encode())


def parse_keys(spec: str) -> list[tuple[str, bytes]]:
    """``id:base64,id:base64`` into (id, key) pairs, first = current; raises on any bad entry."""
    entries: list[tuple[str, bytes]] = []
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "NETWEAVE_ENCRYPTION_KEYS: each entry is keyid:base64key, keyid of letters, "
                "digits, - or _ (at most 32)."
            )
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"NETWEAVE_ENCRYPTION_KEYS: key {key_id!r} is not "
                                       "valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"NETWEAVE_ENCRYPTION_KEYS: key {key_id!r} must be 32 "
                                       "bytes (44 base64 characters).")
        if key_id in dict(entries):
            raise ImproperlyConfigured(f"NETWEAVE_ENCRYPTION_KEYS: key id {key_id!r} repeats.")
        entries.append((key_id, key))
    if not entries:
        raise ImproperlyConfigured("NETWEAVE_ENCRYPTION_KEYS is set but holds no key.")
    return entries


@functools.lru_cache(maxsize=8)
def _keyring_for(spec: str, secret_key: str) -> Keyring:
    if spec.strip():
        entries = parse_keys(spec)
        return Keyring(entries[0][0], {k: AESGCM(v) for k, v in entries}, explicit=True)
    return Keyring(DERIVED_KEY_ID, {DERIVED_KEY_ID: AESGCM(derived_key(secret_key))},
                   explicit=False)


def keyring() -> Keyring:
    """The keys in force, read from settings on each call (cached per value, so tests that
    override the settings see the new keys at once)."""
    spec = settings.NETWEAVE_ENCRYPTION_KEYS
    # SECRET_KEY only matters (and is only read) when no explicit key is set.
    return _keyring_for(spec, "" if spec else settings.SECRET_KEY)


def derived_key_entry() -> str:
    """The SECRET_KEY-derived key as a ``sk:base64key`` entry: list it after a new explicit key
    so rows written before NETWEAVE_ENCRYPTION_KEYS was set stay readable until rotated."""
    return f"{DERIVED_KEY_ID}:{base64.b64encode(derived_key(settings.SECRET_KEY)).decode()}"


def new_key_entry(key_id: str) -> str:
    """A fresh ``keyid:base64key`` entry for NETWEAVE_ENCRYPTION_KEYS."""
    if not _KEY_ID.match(key_id):
        raise ValueError("key id: letters, digits, - or _ (at most 32)")
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX + ":")  # type: ignore[union-attr]


def key_id_of(stored: str) -> str | None:
    """The key a stored value is under, or None for a value that is not encrypted."""
    if not is_encrypted(stored):
        return None
    return stored.split(":", 2)[1]


def encrypt(plain: str, ring: Keyring | None = None) -> str:
    return _seal(ring or keyring(), os.urandom(_NONCE_BYTES), plain)


def encryptor(ring: Keyring | None = None) -> Callable[[str], str]:
    """`encrypt` for the many values of one bulk write (an import): the same stored form and a
    fresh random nonce per value, the nonces read from the system's randomness 1,024 at a time
    rather than one system call per value."""
    ring = ring or keyring()
    pool: list[bytes] = []

    def encrypt_one(plain: str) -> str:
        if not pool:
            raw = os.urandom(_NONCE_BYTES * 1024)
            pool.extend(raw[i:i + _NONCE_BYTES] for i in range(0, len(raw), _NONCE_BYTES))
        return _seal(ring, pool.pop(), plain)

    return encrypt_one


def _seal(ring: Keyring, nonce: bytes, plain: str) -> str:
    sealed = ring.keys[ring.current_id].encrypt(nonce, plain.encode(), ring.current_id.encode())
    return f"{PREFIX}:{ring.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, ring: Keyring | None = None) -> str:
    """The plain text of a stored value; raises DecryptionError rather than return garbage."""
    ring = ring or keyring()
    prefix, _sep, rest = stored.partition(":")
    key_id, _sep, body = rest.partition(":")
    if prefix != PREFIX or not body:
        raise DecryptionError("not an encrypted value")
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"no key {key_id!r} in NETWEAVE_ENCRYPTION_KEYS")
    try:
        raw = base64.b64decode(body, validate=True)
        plain = key.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], key_id.encode())
    except (binascii.Error, ValueError, InvalidTag) as exc:
        raise DecryptionError(f"value under key {key_id!r} fails authentication") from exc
    return plain.decode()


class _EncryptedExact(Exact):
    """Only ``field=""`` is meaningful: a random nonce makes every other equality miss."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} is encrypted: it cannot be filtered on.")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; code reads and writes plain strings.

    The empty string stays empty (telling "no note" from "a note" leaks nothing worth a
    ciphertext per row). Values written before encryption was turned on (no ``enc1:`` prefix)
    are read as they are until the migration or `rotate_keys` encrypts them. Filtering is
    refused except ``isnull`` and ``= ""``: search by keyed hash instead.
    """

    description = "Text, encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or not is_encrypted(value):
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None


# -- rotation -------------------------------------------------------------------------------

@dataclass
class RotationCount:
    label: str
    examined: int = 0
    changed: int = 0


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted columns, and their names."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def _stale(stored: str | None, ring: Keyring) -> bool:
    """Needs writing again: still plain (pre-migration) or under a key that is not current."""
    if not stored:
        return False
    return key_id_of(stored) != ring.current_id


def rotate_model(model: type[models.Model], names: list[str], *,
                 chunk: int = 1000) -> RotationCount:
    """Re-encrypt under the current key every value of these columns on another key.

    Reads the stored strings (not the decrypted ones) to pick the rows, so a second run finds
    nothing to do; writes with bulk_update, one chunk of primary keys at a time.
    """
    ring = keyring()
    count = RotationCount(model._meta.label)
    manager = model._base_manager
    last_pk: Any = None
    while True:
        page = manager.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        pks = list(page.values_list("pk", flat=True)[:chunk])
        if not pks:
            return count
        last_pk = pks[-1]
        count.examined += len(pks)
        stale_pks = _stale_pks(model, names, pks, ring)
        if not stale_pks:
            continue
        rows = list(manager.filter(pk__in=stale_pks))  # decrypted by from_db_value
        manager.bulk_update(rows, names)  # re-encrypted under the current key by get_prep_value
        count.changed += len(rows)


def _stale_pks(model: type[models.Model], names: list[str], pks: list[Any],
               ring: Keyring) -> list[Any]:
    # The stored text, bypassing from_db_value, via a cast the field does not decrypt.
    stored = model._base_manager.filter(pk__in=pks).values_list(
        "pk", *[Cast(n, models.TextField()) for n in names]
    )
    return [row[0] for row in stored if any(_stale(v, ring) for v in row[1:])]


def decrypt_model(model: type[models.Model], names: list[str], *, chunk: int = 1000) -> int:
    """Write these columns back in plain text (a migration's reverse). Returns rows written."""
    manager = model._base_manager
    written = 0
    pks = list(manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), chunk):
        rows = list(manager.filter(pk__in=pks[start:start + chunk]))  # decrypted on read
        # Expressions with a plain TextField output skip the field's encryption on the way in.
        updates = {
            name: models.Case(
                *[models.When(pk=row.pk, then=models.Value(getattr(row, name) or "",
                                                           output_field=models.TextField()))
                  for row in rows],
                output_field=models.TextField(),
            )
            for name in names
        }
        if rows:
            written += manager.filter(pk__in=[r.pk for r in rows]).update(**updates)
    return written


def encrypt_rows_operation(app_label: str, columns: dict[str, list[str]]) -> Any:
    """A migration step that encrypts existing rows of these columns, chunked; its reverse
    writes them back in plain text. ``columns``: model name -> encrypted field names."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        for model_name, names in columns.items():
            rotate_model(apps.get_model(app_label, model_name), names)

    def backward(apps: Any, schema_editor: Any) -> None:
        for model_name, names in columns.items():
            decrypt_model(apps.get_model(app_label, model_name), names)

    return migrations.RunPython(forward, backward, elidable=False)


def rotate_all(*, chunk: int = 1000) -> list[RotationCount]:
    """`rotate_model` for every encrypted column in the project."""
    return [rotate_model(model, names, chunk=chunk) for model, names in encrypted_fields()]


# -- deploy check ---------------------------------------------------------------------------

@checks.register(checks.Tags.security, deploy=True)
def check_explicit_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production must hold its encryption keys apart from SECRET_KEY."""
    try:
        ring = keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="netweave.E001")]
    if ring.explicit:
        return []
    return [checks.Warning(
        "NETWEAVE_ENCRYPTION_KEYS is not set: contact details and notes are encrypted with a "
        "key derived from SECRET_KEY.",
        hint="Set NETWEAVE_ENCRYPTION_KEYS (see docs/security.md, 'Encryption at rest').",
        id="netweave.W001",
    )]
