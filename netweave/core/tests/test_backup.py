"""`netweave backup` and `netweave restore`: every table comes back as it was stored.

The round trip backs up a small demo movement, restores it into a second, freshly migrated
database (a second SQLite file, or a second PostgreSQL database made and dropped here), and
compares every row of every table, column by column, as stored (encrypted values included).
"""

from __future__ import annotations

import base64
import copy
import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from netweave.core import backup as bk
from netweave.core.archive import Secret, Tampered, WrongKey
from netweave.core.models import Chapter
from netweave.core.testing import build_world
from netweave.demo import build
from netweave.networks.models import NetworkKind
from netweave.people import contacts
from netweave.people.models import Person
from netweave.work.catalog import sync
from netweave.work.models import Playbook

TARGET = "restored"
KEY = base64.b64encode(os.urandom(32)).decode()
EMAIL = "zephyrine.quillfeather@example.org"
NAME = "Zephyrine Quillfeather"


def rows_of(using: str, table: bk.Table) -> list[tuple[Any, ...]]:
    """Every row of a table as stored, ordered by all its columns."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(bk._select(connection, table))
        return sorted((tuple(r) for r in cursor.fetchall()), key=repr)


def every_table(using: str) -> dict[str, list[tuple[Any, ...]]]:
    return {t.name: rows_of(using, t) for t in bk.tables()}


@pytest.fixture(scope="module")
def second_database(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:  # noqa: ANN001
    """A second, migrated database of the same kind as the test database.

    Module-scoped, so that it is known before a test starts: Django's test case allows only the
    databases it is told about. Each transactional test empties it again at its end.
    """
    source = connections["default"].settings_dict
    target = copy.deepcopy(source)
    postgres = connections["default"].vendor == "postgresql"
    if postgres:
        target["NAME"] = f"{source['NAME']}_restored"
        _admin_sql(source, f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        _admin_sql(source, f'CREATE DATABASE "{target["NAME"]}"')
    else:
        target["NAME"] = str(tmp_path_factory.mktemp("restore") / "restored.sqlite3")
    connections.settings[TARGET] = target
    try:
        with django_db_blocker.unblock():
            call_command("migrate", database=TARGET, verbosity=0)
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]
        if postgres:
            _admin_sql(source, f'DROP DATABASE IF EXISTS "{target["NAME"]}"')


def _admin_sql(settings: dict[str, Any], sql: str) -> None:
    """CREATE/DROP DATABASE cannot run inside a transaction: a connection of its own."""
    import psycopg

    with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                         user=settings["USER"], password=settings["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> Secret:
    monkeypatch.setenv("NETWEAVE_BACKUP_KEY", KEY)
    return Secret("key", base64.b64decode(KEY))


def a_movement() -> Person:
    """A small demo movement, plus one person with a known name and email."""
    # A transactional test before this one may have emptied the tables, catalog included.
    sync(NetworkKind, Playbook)
    build(people=60)
    person = Person.objects.create(chapter=Chapter.objects.first(), display_name=NAME)
    contacts.channel_add(person=person, kind="email", value=EMAIL)
    return person


@pytest.mark.django_db(transaction=True, databases=["default", TARGET])
def test_a_restored_database_has_every_row_of_every_table_as_stored(
        second_database, key, tmp_path):  # noqa: ANN001
    a_movement()
    archive = tmp_path / "movement.nwb"
    call_command("backup", str(archive), verbosity=0)
    call_command("restore", str(archive), database=second_database, verbosity=0)

    source, restored = every_table("default"), every_table(second_database)
    filled = [name for name, rows in source.items() if rows]
    assert len(filled) >= 30, f"the demo should fill most tables, filled only {filled}"
    for table in bk.tables():
        assert restored[table.name] == source[table.name], f"{table.name} differs"


@pytest.mark.django_db(transaction=True, databases=["default", TARGET])
def test_ids_carry_on_after_the_highest_restored_one(second_database, key):  # noqa: ANN001
    build_world()
    archive = io.BytesIO()
    bk.backup(archive, key)
    archive.seek(0)
    bk.restore(archive, key, using=second_database)
    highest = max(Chapter.objects.values_list("pk", flat=True))
    fresh = Chapter.objects.using(second_database).create(name="New", slug="new")
    assert fresh.pk > highest


@pytest.mark.django_db
def test_the_archive_holds_no_plaintext_of_a_name_or_an_email(key):  # noqa: ANN001
    a_movement()
    archive = io.BytesIO()
    bk.backup(archive, key)
    data = archive.getvalue()
    for secret in (EMAIL, NAME, "Riverside", "alice"):
        assert secret.encode() not in data
        assert secret.encode("utf-16-le") not in data


@pytest.mark.django_db
def test_it_refuses_a_wrong_key_and_changes_nothing(key):  # noqa: ANN001
    build_world()
    archive = io.BytesIO()
    bk.backup(archive, key)
    before = every_table("default")
    archive.seek(0)
    with pytest.raises(WrongKey, match="Wrong key"):
        bk.restore(archive, Secret("key", os.urandom(32)), force=True)
    assert every_table("default") == before


@pytest.mark.django_db
def test_it_refuses_a_passphrase_archive_without_the_passphrase(key):  # noqa: ANN001
    build_world()
    archive = io.BytesIO()
    bk.backup(archive, Secret("passphrase", b"long walks by the river"))
    archive.seek(0)
    with pytest.raises(WrongKey, match="passphrase"):
        bk.restore(archive, key, force=True)
    archive.seek(0)
    with pytest.raises(WrongKey, match="Wrong key or passphrase"):
        bk.restore(archive, Secret("passphrase", b"short walks"), force=True)
    archive.seek(0)
    summary = bk.restore(archive, Secret("passphrase", b"long walks by the river"), force=True)
    assert summary.counts["people_person"] == Person.objects.count()


@pytest.mark.parametrize("where", ["first chunk", "last chunk", "cut short", "trailing data"])
@pytest.mark.django_db
def test_it_refuses_a_tampered_archive_and_changes_nothing(key, where):  # noqa: ANN001
    build_world()
    archive = io.BytesIO()
    # Small chunks, so that a change near the end is found after most tables were loaded:
    # the restore must roll all of it back.
    bk.backup(archive, key, chunk=1024)
    data = bytearray(archive.getvalue())
    assert len(data) > 10 * 1024
    if where == "first chunk":
        data[300] ^= 1
    elif where == "last chunk":
        data[-20] ^= 1
    elif where == "cut short":
        data = data[:-1500]
    else:
        data += b"\0"
    before = every_table("default")
    with pytest.raises(Tampered):
        bk.restore(io.BytesIO(bytes(data)), key, force=True)
    assert every_table("default") == before


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_data_unless_forced(key, tmp_path):  # noqa: ANN001
    build_world()
    archive = tmp_path / "world.nwb"
    call_command("backup", str(archive), verbosity=0)
    Person.objects.filter(display_name="Erin").update(display_name="Erin changed")
    with pytest.raises(CommandError, match="already holds data.*Nothing was changed"):
        call_command("restore", str(archive), verbosity=0)
    assert Person.objects.filter(display_name="Erin changed").exists()
    call_command("restore", str(archive), force=True, verbosity=0)
    assert Person.objects.filter(display_name="Erin").exists()


@pytest.mark.django_db
def test_it_refuses_an_archive_from_other_migrations(key):  # noqa: ANN001
    archive = io.BytesIO()
    bk.backup(archive, key)
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder.Migration.objects.create(app="core", name="9999_from_the_future")
    archive.seek(0)
    with pytest.raises(bk.RestoreRefused, match="different migrations"):
        bk.restore(archive, key, force=True)


def test_it_asks_for_a_key_of_32_bytes(monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("NETWEAVE_BACKUP_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(CommandError, match="32 bytes"):
        call_command("backup", "unused.nwb")
    monkeypatch.delenv("NETWEAVE_BACKUP_KEY")
    with pytest.raises(CommandError, match="NETWEAVE_BACKUP_KEY"):
        call_command("backup", "unused.nwb")


@pytest.mark.django_db
def test_a_backup_is_audited_as_an_export(key, tmp_path):  # noqa: ANN001
    from netweave.core.models import AuditEntry

    call_command("backup", str(tmp_path / "nightly.nwb"), verbosity=0)
    row = AuditEntry.objects.get(action="export.backup")
    assert row.target == "nightly.nwb" and row.actor is None
