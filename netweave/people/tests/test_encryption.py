"""Contact details and notes are encrypted at rest: proven on the raw SQLite file (and its
write-ahead log) and on a text dump of every PostgreSQL table; rotation and rehashing keep
them readable and findable (docs/security.md, "Encryption at rest")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.models.functions import Cast
from django.test import override_settings

from netweave.core import crypto
from netweave.core.models import AuditEntry
from netweave.people import contacts
from netweave.people.models import ContactChannel, Person
from netweave.people.tests import secrets_plant as plant
from netweave.work.models import Task

ROOT = Path(__file__).resolve().parents[3]
OLD = "old:" + "A" * 43 + "="
NEW = "new:" + "B" * 43 + "="


def stored(model: type[models.Model], pk: int, name: str) -> str:
    """The column as it is in the database, not decrypted."""
    return model.objects.filter(pk=pk).values_list(Cast(name, models.TextField()), flat=True)[0]


def scan(data: bytes) -> list[str]:
    return [n for n in plant.NEEDLES if n.encode() in data]


def test_the_sqlite_file_and_its_wal_hold_no_contact_detail_or_note_in_plain_text(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass proves the SQLite file")
    database, snapshot = tmp_path / "proof.sqlite3", tmp_path / "snapshot"
    snapshot.mkdir()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
           "NETWEAVE_DATA_DIR": str(tmp_path)}
    run = [sys.executable, "-m", "netweave.cli"]
    subprocess.run([*run, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    code = f"from netweave.people.tests.secrets_plant import main; main({str(snapshot)!r})"
    done = subprocess.run([*run, "shell", "-c", code], cwd=ROOT, env=env, check=True,  # noqa: S603
                          capture_output=True, text=True, timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The app itself reads everything back, and finds the person by a differently typed number.
    assert plant.PERSON_NOTE in result["notes"] and plant.FOLLOWUP_NOTE in result["notes"]
    assert sorted(result["read"]) == sorted([plant.EMAIL, plant.PHONE, plant.SIGNAL])
    assert result["found"] == [result["person"]]
    # The log was captured with the planted writes in it (the name is written in clear).
    assert plant.CONTROL.encode() in (snapshot / "proof.sqlite3-wal").read_bytes()
    files = [*snapshot.iterdir(), *tmp_path.glob("proof.sqlite3*")]
    for path in files:
        data = path.read_bytes()
        assert scan(data) == [], path.name
    everything = b"".join(p.read_bytes() for p in files)
    assert plant.CONTROL.encode() in everything  # the scan does see text written in clear


def test_no_postgresql_table_holds_a_contact_detail_or_note_in_plain_text(world):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pass proves the PostgreSQL tables")
    person = plant.plant(world)
    dump = bytearray()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            # Table names come from the database's own catalogue, not from input.
            sql = f"COPY (SELECT * FROM {quoted}) TO STDOUT"  # noqa: S608  # nosec B608
            with cursor.cursor.copy(sql) as copy:
                for block in copy:
                    dump += bytes(block)
    assert scan(bytes(dump)) == []
    assert plant.CONTROL.encode() in dump  # the dump does see text written in clear
    assert contacts.people_matching(chapter_id=world.chapter.id, kind="signal",
                                    value=plant.PHONE) == [person.pk]


def test_values_are_stored_encrypted_and_read_back_plain(world):
    person = plant.plant(world)
    channel = person.channels.get(kind="email")
    assert stored(ContactChannel, channel.pk, "value").startswith("enc1:")
    assert stored(Person, person.pk, "notes").startswith("enc1:")
    task = Task.objects.get(person=person)
    assert stored(Task, task.pk, "report_note").startswith("enc1:")
    assert channel.value == plant.EMAIL and task.note == plant.TASK_NOTE
    assert plant.FOLLOWUP_NOTE in Person.objects.get(pk=person.pk).notes


def test_duplicate_detection_finds_the_person_by_keyed_hash(world):
    person = plant.plant(world)
    assert contacts.people_matching(chapter_id=world.chapter.id, kind="email",
                                    value=" Maria.Secret-7731@EXAMPLE.org") == [person.pk]
    assert contacts.people_matching(chapter_id=world.other_chapter.id, kind="email",
                                    value=plant.EMAIL) == []


def test_bulk_added_channels_are_encrypted_too(world):
    contacts.channels_bulk_add([
        contacts.NewChannel(person=world.erin, kind="email", value="erin.bulk@example.org"),
    ])
    channel = world.erin.channels.get()
    assert stored(ContactChannel, channel.pk, "value").startswith("enc1:")
    assert channel.value == "erin.bulk@example.org"


def test_it_refuses_to_filter_on_an_encrypted_column(world):
    with pytest.raises(Exception, match="encrypted"):
        list(ContactChannel.objects.filter(value=plant.EMAIL))
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(Person.objects.filter(notes__icontains="eviction"))
    assert Person.objects.filter(notes="").exists()  # "no note" stays queryable


def test_rotation_reencrypts_rows_on_the_old_key_and_a_second_run_changes_nothing(world):
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=OLD):
        person = plant.plant(world)
        channel = person.channels.get(kind="phone")
    assert crypto.key_id_of(stored(ContactChannel, channel.pk, "value")) == "old"
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        # Readable on the old key before rotation, written under the new one after.
        assert ContactChannel.objects.get(pk=channel.pk).value == plant.PHONE
        out = StringIO()
        call_command("rotate_keys", stdout=out)
        assert "people.ContactChannel: " in out.getvalue()
        assert crypto.key_id_of(stored(ContactChannel, channel.pk, "value")) == "new"
        assert crypto.key_id_of(stored(Person, person.pk, "notes")) == "new"
        assert AuditEntry.objects.filter(action="keys.rotated").count() == 1
        again = contacts.keys_rotate()
        assert sum(c["changed"] for c in again.values()) == 0
        assert AuditEntry.objects.filter(action="keys.rotated").count() == 1
    with override_settings(NETWEAVE_ENCRYPTION_KEYS=NEW):  # the old key can now be dropped
        assert ContactChannel.objects.get(pk=channel.pk).value == plant.PHONE
        assert plant.PERSON_NOTE in Person.objects.get(pk=person.pk).notes


def test_rotation_encrypts_values_written_before_encryption_was_turned_on(world):
    # As the migration finds them: plain text, written past the field.
    ContactChannel.objects.create(person=world.erin, kind="email", value="x",
                                  lookup_hash=contacts.lookup_hash("email", "erin@example.org"))
    ContactChannel.objects.filter(person=world.erin).update(
        value=models.Value("erin@example.org", output_field=models.TextField()))
    channel = world.erin.channels.get()
    assert stored(ContactChannel, channel.pk, "value") == "erin@example.org"
    crypto.rotate_model(ContactChannel, ["value"], chunk=2)
    assert stored(ContactChannel, channel.pk, "value").startswith("enc1:")
    assert ContactChannel.objects.get(pk=channel.pk).value == "erin@example.org"
    # And the migration's reverse puts it back in plain text.
    crypto.decrypt_model(ContactChannel, ["value"], chunk=2)
    assert stored(ContactChannel, channel.pk, "value") == "erin@example.org"


def test_a_changed_hash_key_keeps_finding_people_until_and_after_the_rehash(world):
    with override_settings(NETWEAVE_HASH_KEY="the old hash key"):
        person = plant.plant(world)
    with override_settings(NETWEAVE_HASH_KEY="the new hash key",
                           NETWEAVE_HASH_KEY_PREVIOUS="the old hash key"):
        found = contacts.people_matching(chapter_id=world.chapter.id, kind="email",
                                         value=plant.EMAIL)
        assert found == [person.pk]  # the previous key still matches before the rehash
        contacts.channel_add(person=person, kind="email", value=plant.EMAIL)
        assert person.channels.filter(kind="email").count() == 1  # no duplicate row
        out = StringIO()
        call_command("rotate_keys", "--rehash", stdout=out)
        assert "lookup_hash: 3 of 3 rows rewritten" in out.getvalue()
        assert AuditEntry.objects.filter(action="keys.rotated").exists()
        assert contacts.keys_rotate(rehash=True)["lookup_hash"]["changed"] == 0
    with override_settings(NETWEAVE_HASH_KEY="the new hash key"):
        assert contacts.people_matching(chapter_id=world.chapter.id, kind="phone",
                                        value=plant.PHONE_TYPED) == [person.pk]


def test_the_rehash_merges_a_channel_given_again_while_the_hash_key_was_changing(world):
    with override_settings(NETWEAVE_HASH_KEY="the old hash key"):
        contacts.channel_add(person=world.erin, kind="email", value="erin@example.org")
    with override_settings(NETWEAVE_HASH_KEY="the new hash key",
                           NETWEAVE_HASH_KEY_PREVIOUS="the old hash key"):
        # A bulk import does not look under the previous key: the same email, twice.
        contacts.channels_bulk_add([contacts.NewChannel(person=world.erin, kind="email",
                                                        value="erin@example.org")])
        assert world.erin.channels.count() == 2
        contacts.keys_rotate(rehash=True)
        assert [c.value for c in world.erin.channels.all()] == ["erin@example.org"]
        assert contacts.keys_rotate(rehash=True)["lookup_hash"]["changed"] == 0


def test_rotate_keys_prints_a_fresh_key_entry_that_the_settings_accept():
    out = StringIO()
    call_command("rotate_keys", "--new-key", "k2027", stdout=out)
    entry = out.getvalue().strip()
    assert entry.startswith("k2027:")
    assert crypto.parse_keys(entry)[0][0] == "k2027"
