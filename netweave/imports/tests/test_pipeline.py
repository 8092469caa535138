"""The run's second thread (rows checked while the batch before them is written), its
collector settings and its multi-row inserts: same outcomes as one row at a time, reasons
in the run's language, a failure that stops the run where it was, nothing left behind."""

from __future__ import annotations

import gc
import threading

import pytest
from django.db import connection
from django.utils import translation

from netweave.core import crypto, sqlite_insert
from netweave.imports import bulk, engine
from netweave.imports.models import ImportRun
from netweave.imports.tests.helpers import outcomes, run_file
from netweave.people import contacts
from netweave.people.models import ContactChannel, Person

# With two rows a batch (the first batch is a tenth of that: one row), the batches are rows
# 2 | 3-4 | 5-6 | 7-8: Ann's second row (6) is two batches after her first (2), and merges.
FILE = (b"Name,Email,Phone,Notes\n"
        b"Ann,ann@example.org,,\n"
        b"Bo,bo@example.org,+1 555 000 0002,Met at the table\n"
        b"Cy,not-an-email,,\n"
        b"Di,,+1 555 000 0004,\n"
        b"Ann Again,ann@example.org,+1 555 000 0001,Second sighting\n"
        b",,,\n"
        b"Ed,ed@example.org,,\n")


@pytest.mark.django_db
def test_rows_are_checked_in_a_second_thread_and_merge_across_batches(world, monkeypatch):  # noqa: ANN001
    threads: set[str] = set()
    check = engine.check_rows

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        threads.add(threading.current_thread().name)
        return check(*args, **kwargs)

    monkeypatch.setattr(engine, "check_rows", recording)
    run = run_file(world.alice, world.chapter, FILE, batch_rows=2)
    assert run.status == ImportRun.Status.DONE
    assert threads and all(name.startswith("import-check") for name in threads)
    assert outcomes(run) == {2: "create", 3: "create", 4: "reject", 5: "create", 6: "merge",
                             8: "create"}
    assert run.processed_rows == 7  # the blank row counts for the checkpoint
    ann = Person.objects.get(chapter=world.chapter, display_name="Ann")
    values = {c.value for c in contacts.channels_read(actor=world.alice, person=ann)}
    assert values == {"ann@example.org", "+15550000001"}
    # Contact values were encrypted by the checking thread, as channel_add stores them.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {ContactChannel._meta.db_table} "  # noqa: S608
                       "WHERE person_id = %s", [ann.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2 and all(crypto.is_encrypted(v) for v in stored)


@pytest.mark.django_db
def test_reasons_written_by_the_checking_thread_are_in_the_runs_language(world):  # noqa: ANN001
    with translation.override("es"):
        run = run_file(world.alice, world.chapter, FILE, batch_rows=2)
        expected = translation.gettext("The email in “%(column)s” is not a valid address.")
    reason = next(o["reason"] for o in run.sample if o["outcome"] == "reject")
    assert reason == expected % {"column": "Email"}
    assert reason.startswith("El correo")


@pytest.mark.django_db
def test_a_failure_while_checking_stops_the_run_after_the_last_whole_batch(world, monkeypatch):  # noqa: ANN001
    parse = engine.parse

    def failing(rules, chapter_id, number, cells):  # noqa: ANN001, ANN202
        if number == 6:
            raise RuntimeError("the disk went away")
        return parse(rules, chapter_id, number, cells)

    monkeypatch.setattr(engine, "parse", failing)
    assert gc.isenabled()
    run = run_file(world.alice, world.chapter, FILE, batch_rows=2)
    assert run.status == ImportRun.Status.FAILED
    assert "the disk went away" in run.error
    # Rows 2-4 are in, with their checkpoint; nothing of the batch of rows 5-6.
    assert run.processed_rows == 3
    names = set(Person.objects.filter(chapter=world.chapter).values_list("display_name",
                                                                         flat=True))
    assert names & {"Ann", "Bo", "Cy", "Di", "Ann Again", "Ed"} == {"Ann", "Bo"}
    # The collector is on again and the checking thread is gone.
    assert gc.isenabled()
    assert not [t for t in threading.enumerate() if t.name.startswith("import-check")]


@pytest.mark.django_db
def test_columns_no_row_fills_are_left_out_of_the_insert_and_stored_as_null(world):  # noqa: ANN001
    rows = [{"chapter_id": world.chapter.pk, "display_name": f"P{i}", "notes": "n" if i else ""}
            for i in range(3)]
    [(columns, prepared)] = bulk._groups(Person, rows, None)
    assert {"display_name", "notes", "public_id", "hours_per_week"} <= set(columns)
    assert not set(columns) & {"place_id", "user_id", "followup_owner_id", "forgotten_at"}
    assert {len(values) for values in prepared} == {len(columns)}
    ids = bulk.insert_rows(Person, rows)
    people = Person.objects.filter(pk__in=ids).order_by("id")
    assert [p.display_name for p in people] == ["P0", "P1", "P2"]
    assert {p.place_id for p in people} == {None}
    assert [p.notes for p in people] == ["", "n", "n"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own insert path")
def test_multi_row_inserts_stay_under_the_parameter_limit_and_skip_conflicts(monkeypatch):  # noqa: ANN001
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE pairs (a integer UNIQUE, b text, c text)")
        # Three columns and a limit of ten parameters: three rows a statement.
        monkeypatch.setattr(sqlite_insert, "_parameter_limit", lambda cursor: 10)
        statements: list[int] = []
        real = sqlite_insert.sqlite3

        class Counting:  # sqlite3 as insert_many sees it, counting each statement's values
            SQLITE_LIMIT_VARIABLE_NUMBER = real.SQLITE_LIMIT_VARIABLE_NUMBER

            class Cursor:
                @staticmethod
                def execute(raw, sql, params):  # noqa: ANN001, ANN205
                    statements.append(len(params))
                    return real.Cursor.execute(raw, sql, params)

        monkeypatch.setattr(sqlite_insert, "sqlite3", Counting)
        rows = [(i, f"b{i}", None if i % 2 else "c") for i in range(7)]
        sqlite_insert.insert_many(cursor, "pairs", ["a", "b", "c"], rows)
        sqlite_insert.insert_many(cursor, "pairs", ["a", "b", "c"],
                                  [(3, "again", "x"), (9, "new", "y")], skip_conflicts=True)
        monkeypatch.undo()
        cursor.execute("SELECT a, b, c FROM pairs ORDER BY a")
        stored = cursor.fetchall()
    assert statements == [9, 9, 3, 6]
    assert stored == [*rows, (9, "new", "y")]


@pytest.mark.django_db
def test_rows_giving_different_columns_each_get_theirs_and_the_defaults_of_the_rest(world):  # noqa: ANN001
    chapter = world.chapter.pk
    rows = [{"chapter_id": chapter, "display_name": "A", "languages": ["es"]},
            {"chapter_id": chapter, "display_name": "B", "notes": "quiet"},
            {"display_name": "C", "chapter_id": chapter, "languages": ["fr", "en"]}]
    ids = bulk.insert_rows(Person, rows)
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    a, b, c = (people[i] for i in ids)
    assert (a.display_name, a.languages, a.notes) == ("A", ["es"], "")
    assert (b.display_name, b.languages, b.notes) == ("B", [], "quiet")
    assert (c.display_name, c.languages) == ("C", ["fr", "en"])
    assert a.hours_per_week == b.hours_per_week == Person._meta.get_field("hours_per_week").default
    assert len({a.public_id, b.public_id, c.public_id}) == 3


@pytest.mark.django_db
def test_progress_is_told_after_every_batch_and_once_when_nothing_is_left(world):  # noqa: ANN001
    from netweave.imports import services

    run = services.import_upload(actor=world.alice, chapter=world.chapter,
                                 filename="people.csv", data=FILE)
    services.import_start(actor=world.alice, run=run)
    seen: list[int] = []
    run = services.import_execute(run_id=run.id, batch_rows=2,
                                  progress=lambda r: seen.append(r.processed_rows))
    assert seen == [1, 3, 5, 7]  # batches of 1, 2, 2 and 2 rows
    # Run again from its checkpoint (the end): no batch, one word all the same.
    seen.clear()
    engine.execute(run, progress=lambda r: seen.append(r.processed_rows), batch_rows=2)
    assert seen == [7]
