"""The import's own versions of per-value work (the email check, the keyed hashes, the
encryption of notes) give exactly what people.contacts and core.crypto give."""

from __future__ import annotations

import random
import string

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.test import override_settings

from netweave.core import crypto
from netweave.imports import bulk, rows
from netweave.people import contacts
from netweave.people.models import Person

TRICKY = [
    "ann@example.org", "a.b+c_d-e@mail.example.co.uk", "x@y.io", "ann@", "ann@example",
    "@example.org", "ann@@example.org", "ann@-example.org", "ann@example-.org", "ann@exa_mple.org",
    "ann.@example.org", ".ann@example.org", "a..b@example.org", "ann@example.o", "ann@example.123",
    "ann@example.org.", "ann@[127.0.0.1]", '"ann smith"@example.org', "ann@localhost",
    "ann o'neil@example.org", "anna@exämple.org", "ann@xn--exmple-cua.org",
    "ann@" + "a" * 64 + ".org", "ann@" + "a" * 63 + ".org", "ann@ex.a-b", "ann@ex.ab-",
    "ann@ex.-ab", "ann!#$%&'*/=?^`{|}~@ex.org",
]


def _agrees(address: str) -> None:
    fast = rows._PLAIN_EMAIL.fullmatch(address.lower()) is not None
    try:
        validate_email(address.lower())
        valid = True
    except ValidationError:
        valid = False
    assert not fast or valid, address  # never accepts what Django's check refuses


def test_the_quick_email_check_accepts_nothing_that_validate_email_refuses() -> None:
    for address in TRICKY:
        _agrees(address)
    rng = random.Random(3)  # noqa: S311 - test data
    alphabet = string.ascii_lowercase[:4] + "0-._+@"
    for _ in range(20000):
        _agrees("".join(rng.choice(alphabet) for _i in range(rng.randrange(3, 14))))


@pytest.mark.django_db
def test_emails_the_quick_check_cannot_tell_are_checked_as_before(world) -> None:  # noqa: ANN001
    from netweave.imports.tests.helpers import outcomes, run_file

    data = ("Name,Email\nAnn,Ann@Example.org\nBo,bo@[127.0.0.1]\nCy,cy@example\n"
            "Di,di@exämple.org\n").encode()
    run = run_file(world.alice, world.chapter, data)
    assert outcomes(run) == {2: "create", 3: "create", 4: "reject", 5: "create"}
    emails = set()
    for person in Person.objects.filter(chapter=world.chapter):
        emails |= {c.value for c in contacts.channels_read(actor=world.alice, person=person)}
    assert {"ann@example.org", "bo@[127.0.0.1]", "di@exämple.org"} <= emails


def test_the_runs_hasher_gives_the_keyed_hashes_of_people_contacts() -> None:
    hashes = contacts.hasher()
    for kind, value in [("email", "ann@example.org"), ("phone", "+15550001234"),
                        (contacts.Kind.EMAIL, "bo@example.org"), (contacts.Kind.PHONE, "123456")]:
        assert hashes(kind, value) == contacts.lookup_hashes(kind, value)


@override_settings(NETWEAVE_HASH_KEY_PREVIOUS="the-key-before")
def test_the_runs_hasher_also_hashes_under_the_previous_key_during_a_change() -> None:
    hashes = contacts.hasher()("phone", "+15550001234")
    assert len(hashes) == 2
    assert hashes == contacts.lookup_hashes("phone", "+15550001234")


def test_notes_are_encrypted_as_crypto_encrypts_them_each_with_its_own_nonce() -> None:
    encrypt = crypto.encryptor()
    sealed = [encrypt("Met at table 3") for _ in range(3000)]
    assert len(set(sealed)) == 3000
    assert all(crypto.is_encrypted(s) for s in sealed)
    assert {crypto.decrypt(s) for s in sealed} == {"Met at table 3"}
    # An empty note stays empty in the import, as crypto.EncryptedTextField stores it.
    assert bulk._converter(Person._meta.get_field("notes"))("") == ""


def test_bulk_public_ids_are_the_same_five_bit_groups_of_the_same_random_bytes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """base32 of 10 random bytes, in the ids' alphabet, is what reading the 80 bits five at a
    time (first bits first) gives: public ids are made the same way in bulk as one by one."""
    from netweave.core.ids import ALPHABET

    raw = random.Random(5).randbytes(10 * 300)  # noqa: S311 - test data
    monkeypatch.setattr(bulk.secrets, "token_bytes", lambda n: raw[:n])
    ids = bulk.public_ids(300)
    expected = []
    for start in range(0, len(raw), 10):
        number = int.from_bytes(raw[start:start + 10], "big")
        expected.append("".join(ALPHABET[(number >> s) & 31] for s in range(75, -1, -5)))
    assert ids == expected
    assert {len(i) for i in ids} == {16} and set("".join(ids)) <= set(ALPHABET)
    assert len(set(ids)) == 300
