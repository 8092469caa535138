"""Identifiers that appear in URLs.

Rows are addressed in URLs by a random public id, never by their sequential primary key, so that
nobody can walk the database by counting (`/people/1`, `/people/2`, ...).
"""

import secrets

# Crockford-style alphabet: no I, L, O, U, so a code read aloud or from paper is not mistaken.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_public_id() -> str:
    """A 16-character id: 80 random bits, far beyond guessing."""
    return "".join(secrets.choice(ALPHABET) for _ in range(16))


REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_referral_code(length: int = 7) -> str:
    """A short code to print under a QR code and type by hand; no 0/O, 1/I/L confusion."""
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(length))
