"""Public ids and timestamps for millions of rows, made in bulk.

`netweave.core.ids.new_public_id` draws 16 characters from `secrets` one at a time: right for one
row, ~25 s for a million. Synthetic rows need unique ids in the same alphabet, not secret ones.
"""

from __future__ import annotations

import base64
import random
from datetime import UTC, date, datetime, timedelta

from netweave.core.ids import ALPHABET

_RFC_BASE32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_ALPHABET = bytes.maketrans(_RFC_BASE32, ALPHABET.encode())
_BITS = 80  # 16 characters of 5 bits
_MASK = (1 << _BITS) - 1


class PublicIds:
    """16-character ids in the public-id alphabet, one per row number, never repeating.

    Row number i maps to (i * multiplier + salt) mod 2**80 with an odd multiplier: an invertible
    map, so distinct rows get distinct ids without a set of the ids seen, and neighbouring rows
    do not get neighbouring ids.
    """

    def __init__(self, rng: random.Random) -> None:
        self.multiplier = rng.getrandbits(_BITS) | 1
        self.salt = rng.getrandbits(_BITS)

    def take(self, first: int, count: int) -> list[str]:
        """Ids for rows first .. first+count-1. base32 of 10 bytes is exactly 16 characters, so
        one encode call does a whole batch."""
        m, s = self.multiplier, self.salt
        raw = b"".join(((i * m + s) & _MASK).to_bytes(10, "big")
                       for i in range(first, first + count))
        text = base64.b32encode(raw).translate(_TO_ALPHABET).decode()
        return [text[k:k + 16] for k in range(0, len(text), 16)]


class Clock:
    """Days since the movement began (floats) as the text each database parses for its
    date and timestamp columns: formatting through datetime objects costs ~3x more."""

    def __init__(self, start: date, days: int, *, utc_suffix: str) -> None:
        self.start = start
        self.dates = [(start + timedelta(days=d)).isoformat() for d in range(days + 2)]
        # Every second of a day, formatted once: a lookup instead of three formats per row.
        # SQLite stores Django's aware datetimes as naive UTC text; PostgreSQL is told "+00".
        self.times = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{utc_suffix}"
                      for s in range(86400)]

    def date(self, day: float) -> str:
        return self.dates[int(day)]

    def stamp(self, day: float) -> str:
        whole = int(day)
        return self.dates[whole] + self.times[int((day - whole) * 86400)]

    def datetime(self, day: float) -> datetime:
        start = datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)
        return start + timedelta(days=day)
