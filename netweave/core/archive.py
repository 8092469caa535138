"""The encrypted, compressed container that `netweave backup` writes (core/backup.py fills it).

Layout of a file:

    b"NWBACKUP"  u16 length  prefix (JSON, in clear: format, cipher, kdf, salt, key check)
    then chunks: u8 final flag, u32 length, AES-256-GCM ciphertext of up to CHUNK bytes

Inside the ciphertext is one zlib stream of frames (u8 kind, u32 length, payload).

Why this shape:
- A fresh random salt per archive gives a fresh file key (HKDF from the master key, or scrypt
  from a passphrase), so chunk nonces can simply count up from zero without ever repeating
  under one key.
- Every chunk authenticates the prefix, its own index and whether it is the last one (the
  STREAM construction), so a chunk that is changed, moved, dropped or cut off fails to decrypt.
- The key check (derived from the key, not the data) tells a wrong key from a damaged file.
- Compression comes before encryption: ciphertext does not compress.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"NWBACKUP"
FORMAT = 1
CHUNK = 1 << 20  # compressed bytes per encrypted chunk: memory stays bounded on both sides
KEY_ENV = "NETWEAVE_BACKUP_KEY"
# scrypt at n=2**15, r=8: 32 MiB and ~0.1 s per derivation, the cost the scrypt paper suggests
# for interactive use; a backup derives once.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class ArchiveError(Exception):
    """The archive cannot be read; the message says why in words an operator can act on."""


class WrongKey(ArchiveError):
    pass


class Tampered(ArchiveError):
    pass


@dataclass(frozen=True)
class Secret:
    """What the archive key comes from: a 32-byte key, or a passphrase stretched with scrypt."""

    kind: str  # "key" or "passphrase"
    value: bytes = b""

    def __repr__(self) -> str:  # never print the secret itself
        return f"Secret({self.kind})"


def secret_from_environment(passphrase_env: str | None = None,
                            environ: Any = os.environ) -> Secret:
    """The passphrase in the variable named by `passphrase_env`, else NETWEAVE_BACKUP_KEY."""
    if passphrase_env:
        passphrase = environ.get(passphrase_env, "")
        if not passphrase:
            raise ArchiveError(f"The variable {passphrase_env} is empty or not set.")
        return Secret("passphrase", passphrase.encode())
    raw = environ.get(KEY_ENV, "")
    if not raw:
        raise ArchiveError(f"Set {KEY_ENV} (32 random bytes in base64, e.g. from "
                           "`openssl rand -base64 32`) or give --passphrase-env VAR.")
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ArchiveError(f"{KEY_ENV} is not valid base64.") from exc
    if len(key) != 32:
        raise ArchiveError(f"{KEY_ENV} must decode to 32 bytes, not {len(key)}.")
    return Secret("key", key)


def _keys(secret: Secret, salt: bytes, scrypt: dict[str, int]) -> tuple[bytes, bytes]:
    """(file key, key check) for this archive's salt."""
    master = secret.value
    if secret.kind == "passphrase":
        master = Scrypt(salt=salt, length=32, **scrypt).derive(secret.value)

    def derive(info: bytes, length: int) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(master)

    return derive(b"netweave backup file key", 32), derive(b"netweave backup key check", 16)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _nonce(index: int) -> bytes:
    return struct.pack(">4xQ", index)


def _aad(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">QB", index, int(final))


class ArchiveWriter:
    """Frames in, compressed and encrypted chunks out to `out`."""

    def __init__(self, out: IO[bytes], secret: Secret, *, chunk: int = CHUNK) -> None:
        salt = os.urandom(16)
        key, check = _keys(secret, salt, SCRYPT)
        meta: dict[str, Any] = {"format": FORMAT, "cipher": "AES-256-GCM", "compression": "zlib",
                                "kdf": secret.kind, "salt": _b64(salt), "check": _b64(check)}
        if secret.kind == "passphrase":
            meta["scrypt"] = SCRYPT
        self._prefix = json.dumps(meta, sort_keys=True).encode()
        self._out, self._aead, self._index = out, AESGCM(key), 0
        self._zip, self._chunk = zlib.compressobj(3), chunk
        self._pending = bytearray()
        out.write(MAGIC + struct.pack(">H", len(self._prefix)) + self._prefix)

    def frame(self, kind: bytes, payload: bytes) -> None:
        self._push(self._zip.compress(kind + struct.pack(">I", len(payload)) + payload))

    def close(self) -> None:
        self._push(self._zip.flush())
        self._seal(bytes(self._pending), final=True)

    def _push(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) > self._chunk:
            self._seal(bytes(self._pending[:self._chunk]), final=False)
            del self._pending[:self._chunk]

    def _seal(self, plain: bytes, *, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index), plain,
                                    _aad(self._prefix, self._index, final))
        self._out.write(struct.pack(">BI", int(final), len(sealed)) + sealed)
        self._index += 1


def _read_exactly(src: IO[bytes], size: int, what: str) -> bytes:
    data = src.read(size)
    if len(data) != size:
        raise Tampered(f"The archive is cut short ({what} missing): it was not written to the end "
                       "or was damaged.")
    return data


def _read_prefix(src: IO[bytes]) -> tuple[bytes, dict[str, Any]]:
    if src.read(len(MAGIC)) != MAGIC:
        raise ArchiveError("This is not a netweave backup archive.")
    (length,) = struct.unpack(">H", _read_exactly(src, 2, "header"))
    prefix = _read_exactly(src, length, "header")
    try:
        meta = json.loads(prefix)
    except ValueError as exc:
        raise Tampered("The archive's header is damaged.") from exc
    if meta.get("format") != FORMAT:
        raise ArchiveError(f"Archive format {meta.get('format')!r}; this netweave reads format "
                           f"{FORMAT}.")
    return prefix, meta


class ArchiveReader:
    """Opens an archive (checking the key at once) and yields its frames in order."""

    def __init__(self, src: IO[bytes], secret: Secret) -> None:
        self._prefix, meta = _read_prefix(src)
        if meta["kdf"] != secret.kind:
            how = "a passphrase (--passphrase-env VAR)" if meta["kdf"] == "passphrase" else (
                f"a key ({KEY_ENV})")
            raise WrongKey(f"This archive was encrypted with {how}.")
        try:
            salt = base64.b64decode(meta["salt"])
            key, check = _keys(secret, salt, meta.get("scrypt", SCRYPT))
            expected = base64.b64decode(meta["check"])
        except (KeyError, ValueError, TypeError) as exc:
            raise Tampered("The archive's header is damaged.") from exc
        if not hmac.compare_digest(check, expected):
            raise WrongKey("Wrong key or passphrase for this archive.")
        self._src, self._aead = src, AESGCM(key)

    def _chunks(self) -> Iterator[bytes]:
        index = 0
        while True:
            head = self._src.read(5)
            if len(head) < 5:
                raise Tampered("The archive is cut short: its last part is missing.")
            final, length = struct.unpack(">BI", head)
            sealed = _read_exactly(self._src, length, "data")
            try:
                yield self._aead.decrypt(_nonce(index), sealed,
                                         _aad(self._prefix, index, bool(final)))
            except InvalidTag as exc:
                raise Tampered("The archive has been altered or damaged: it fails its "
                               "authentication check.") from exc
            index += 1
            if final:
                if self._src.read(1):
                    raise Tampered("The archive has data after its end: it was altered.")
                return

    def frames(self) -> Iterator[tuple[bytes, bytes]]:
        unzip, buf = zlib.decompressobj(), bytearray()
        for chunk in self._chunks():
            buf += unzip.decompress(chunk)
            while len(buf) >= 5:
                (length,) = struct.unpack(">I", buf[1:5])
                if len(buf) < 5 + length:
                    break
                yield bytes(buf[:1]), bytes(buf[5:5 + length])
                del buf[:5 + length]
        if buf or not unzip.eof:
            raise Tampered("The archive's contents end in the middle of a record.")
