"""Passwords are hashed with Argon2id at the cost the settings give (OWASP's minimum by
default); hashes made at another cost (Django's defaults, before) still verify and are made
again at this cost when their user next signs in."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.test import RequestFactory, override_settings

from netweave.core.auth import Argon2Hasher

HASHERS = ["netweave.core.auth.Argon2Hasher",
           "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _parameters(encoded: str) -> str:
    # argon2$argon2id$v=19$m=19456,t=2,p=1$salt$hash
    return encoded.split("$")[3]


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_a_new_password_is_argon2id_at_the_configured_cost() -> None:
    encoded = make_password("a long enough secret")
    assert encoded.startswith("argon2$argon2id$")
    assert _parameters(encoded) == "m=19456,t=2,p=1"
    assert check_password("a long enough secret", encoded)
    assert not check_password("another secret", encoded)


@override_settings(PASSWORD_HASHERS=HASHERS, NETWEAVE_ARGON2_MEMORY_KIB=65536,
                   NETWEAVE_ARGON2_TIME_COST=3, NETWEAVE_ARGON2_PARALLELISM=4)
def test_the_cost_comes_from_the_settings() -> None:
    assert _parameters(make_password("a long enough secret")) == "m=65536,t=3,p=4"


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=HASHERS)
def test_a_hash_at_djangos_default_cost_still_signs_in_and_is_redone_at_ours() -> None:
    before = Argon2PasswordHasher().encode("a long enough secret", Argon2PasswordHasher().salt())
    assert _parameters(before) == "m=102400,t=2,p=8"
    user = get_user_model().objects.create_user("ada")
    user.password = before
    user.save(update_fields=["password"])
    assert Argon2Hasher().must_update(before)

    request = RequestFactory().post("/login/", REMOTE_ADDR="192.0.2.1")
    assert authenticate(request, username="ada", password="a long enough secret") == user
    user.refresh_from_db()
    assert user.password != before
    assert _parameters(user.password) == "m=19456,t=2,p=1"
    assert not Argon2Hasher().must_update(user.password)
