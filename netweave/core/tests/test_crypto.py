"""Field encryption (netweave.core.crypto): round trip, authentication, keys, deploy check."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from netweave.core import crypto

KEY_A = "a:" + base64.b64encode(b"\x01" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"\x02" * 32).decode()


def test_it_round_trips_text_including_non_ascii():
    for text in ["+447700900731", "maría@example.org", "Notes\nwith ✊ and 'quotes'", "x"]:
        sealed = crypto.encrypt(text)
        # A one-letter text may turn up in base64 by chance: only longer ones must not show.
        assert sealed.startswith("enc1:") and (len(text) < 4 or text not in sealed)
        assert crypto.decrypt(sealed) == text


def test_it_uses_a_fresh_nonce_so_equal_values_do_not_look_equal():
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_it_refuses_a_tampered_ciphertext():
    sealed = crypto.encrypt("+447700900731")
    head, body = sealed.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{head}:{base64.b64encode(bytes(raw)).decode()}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed[:-8])  # truncated


def test_it_refuses_a_value_under_the_wrong_key():
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=KEY_A):
        sealed = crypto.encrypt("secret")
    wrong = "a:" + base64.b64encode(b"\x03" * 32).decode()  # same id, other key
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=wrong), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed)
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=KEY_B), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed)  # key id unknown


def test_it_refuses_a_value_relabelled_to_another_key_id():
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=f"{KEY_A},{KEY_B}"):
        sealed = crypto.encrypt("secret")
        relabelled = sealed.replace("enc1:a:", "enc1:b:")
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(relabelled)


def test_the_first_key_encrypts_and_the_others_still_decrypt():
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=KEY_A):
        old = crypto.encrypt("secret")
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
        assert crypto.key_id_of(crypto.encrypt("secret")) == "b"
        assert crypto.decrypt(old) == "secret"


def test_without_explicit_keys_the_key_is_derived_from_secret_key():
    with override_settings(NETWEAVE_ENCRYPTION_KEYS="", SECRET_KEY="one secret key for tests"):
        sealed = crypto.encrypt("secret")
        assert crypto.key_id_of(sealed) == crypto.DERIVED_KEY_ID
        entry = crypto.derived_key_entry()
    # Kept as an old key next to a new explicit one, the derived key still decrypts.
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=f"{KEY_A},{entry}"):
        assert crypto.decrypt(sealed) == "secret"
    with override_settings(NETWEAVE_ENCRYPTION_KEYS="", SECRET_KEY="another secret key"), \
            pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed)


@pytest.mark.parametrize("spec", [
    "nokey", "a:not-base64!", "a:" + base64.b64encode(b"short").decode(), f"{KEY_A},{KEY_A}",
    "bad id:" + base64.b64encode(b"\x01" * 32).decode(), " , ",
])
def test_it_refuses_malformed_key_settings(spec):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(spec)


def test_the_deploy_check_warns_when_production_runs_without_explicit_keys():
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=""):
        assert [m.id for m in crypto.check_explicit_keys()] == ["netweave.W001"]
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=KEY_A):
        assert crypto.check_explicit_keys() == []
    with override_settings(NETWEAVE_ENCRYPTION_KEYS="broken"):
        assert [m.id for m in crypto.check_explicit_keys()] == ["netweave.E001"]


def test_the_deploy_check_is_registered_for_check_deploy_only():
    from django.core import checks

    assert crypto.check_explicit_keys in checks.registry.registry.get_checks(
        include_deployment_checks=True)
    assert crypto.check_explicit_keys not in checks.registry.registry.get_checks(
        include_deployment_checks=False)


def test_the_field_keeps_empty_values_empty_and_encrypts_the_rest():
    field = crypto.EncryptedTextField()
    assert field.get_prep_value("") == "" and field.get_prep_value(None) is None
    sealed = field.get_prep_value("a note")
    assert sealed.startswith("enc1:")
    assert field.from_db_value(sealed, None, None) == "a note"
    assert field.from_db_value("written before encryption", None, None) == \
        "written before encryption"
