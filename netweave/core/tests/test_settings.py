import netweave.settings as configured


def test_passwords_are_hashed_with_argon2_in_the_settings_module():
    assert configured.PASSWORD_HASHERS[0] == "netweave.core.auth.Argon2Hasher"


def test_sqlite_runs_in_wal_mode_with_full_sync_by_default():
    options = configured.DATABASES["default"].get("OPTIONS", {})
    if configured.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in options["init_command"]
        assert "synchronous=FULL" in options["init_command"]
