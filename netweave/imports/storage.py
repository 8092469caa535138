"""An uploaded file kept encrypted, in chunks, and read back as a stream.

Each chunk is sealed with AES-GCM under the current field-encryption key (core/crypto.py), the
run's public id and the chunk's number bound in as associated data, so chunks cannot be swapped
between runs or reordered. Reading decrypts one chunk at a time: memory stays bounded whatever
the file's size.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

from netweave.core import crypto

CHUNK_BYTES = 1 << 20
_NONCE = 12


def _aad(public_id: str, seq: int, key_id: str) -> bytes:
    return f"import:{public_id}:{seq}:{key_id}".encode()


def seal(public_id: str, seq: int, plain: bytes) -> bytes:
    ring = crypto.keyring()
    nonce = os.urandom(_NONCE)
    key_id = ring.current_id.encode()
    body = ring.keys[ring.current_id].encrypt(nonce, plain,
                                              _aad(public_id, seq, ring.current_id))
    # key id length, key id, nonce, ciphertext: the key id lets an old chunk be read after a
    # key change.
    return bytes([len(key_id)]) + key_id + nonce + body


def unseal(public_id: str, seq: int, sealed: bytes) -> bytes:
    ring = crypto.keyring()
    size = sealed[0]
    key_id = sealed[1:1 + size].decode()
    nonce = sealed[1 + size:1 + size + _NONCE]
    key = ring.keys.get(key_id)
    if key is None:
        raise crypto.DecryptionError(f"no key {key_id!r}")
    return key.decrypt(nonce, sealed[1 + size + _NONCE:], _aad(public_id, seq, key_id))


def store(run: Any, data: bytes) -> int:
    """Write the file as encrypted chunks of the run. Returns how many."""
    from netweave.imports.models import ImportChunk

    chunks = [
        ImportChunk(run=run, seq=seq,
                    data=seal(run.public_id, seq, data[start:start + CHUNK_BYTES]))
        for seq, start in enumerate(range(0, max(len(data), 1), CHUNK_BYTES))
    ]
    ImportChunk.objects.bulk_create(chunks)
    return len(chunks)


def _plain_chunks(run: Any) -> Iterator[bytes]:
    from netweave.imports.models import ImportChunk

    seqs = list(ImportChunk.objects.filter(run=run).order_by("seq").values_list("id", "seq"))
    for chunk_id, seq in seqs:
        sealed = ImportChunk.objects.filter(id=chunk_id).values_list("data", flat=True).first()
        if sealed is not None:
            yield unseal(run.public_id, seq, bytes(sealed))


class _ChunkReader(io.RawIOBase):
    """A readable byte stream over decrypted chunks, for io.TextIOWrapper and csv.reader."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def open_bytes(run: Any) -> io.BufferedReader:
    """The run's file as a binary stream: the stored chunks, or the file on the server's disk."""
    if run.source_path:
        return open(run.source_path, "rb")  # noqa: SIM115 - the caller closes it
    return io.BufferedReader(_ChunkReader(_plain_chunks(run)), buffer_size=CHUNK_BYTES)


def open_text(run: Any) -> io.TextIOWrapper:
    """Decoded text, newline="" as the csv module wants; a byte-order mark is dropped."""
    return io.TextIOWrapper(open_bytes(run), encoding=run.encoding or "utf-8-sig",
                            errors="replace", newline="")
