"""Only organizers of the chapter (and admins) import; contact values are never stored in
plain text by an import, neither the uploaded file nor the rejected rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from netweave.imports import selectors, services, storage
from netweave.imports.access import access_import
from netweave.imports.models import ImportChunk, ImportRejection, ImportRun
from netweave.imports.tests.helpers import run_file, sample

pytestmark = pytest.mark.django_db

DATA = b"Name,Email,Phone\nZed Secret,zed.secret@example.org,+1 555 0199 123\nBad,bad@@x,\n"


@pytest.mark.parametrize("role", ["member", "convener", "other_convener", "outsider"])
def test_only_organizers_of_the_chapter_may_upload(world, role):  # noqa: ANN001
    with pytest.raises(PermissionDenied):
        services.import_upload(actor=world.user(role), chapter=world.chapter, filename="f.csv",
                               data=DATA)


@pytest.mark.parametrize("role", ["member", "convener", "outsider", "anonymous"])
def test_others_cannot_see_or_run_an_import(world, role):  # noqa: ANN001
    from django.contrib.auth.models import AnonymousUser

    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="f.csv",
                                 data=DATA)
    actor = world.user(role) or AnonymousUser()
    with pytest.raises(Http404):
        access_import(actor, run.public_id)
    assert not selectors.imports_for(actor).exists()
    for call in (lambda: services.import_start(actor=actor, run=run),
                 lambda: services.import_preview(actor=actor, run=run),
                 lambda: services.import_cancel(actor=actor, run=run),
                 lambda: selectors.rejected_rows_csv(actor=actor, run=run),
                 lambda: selectors.import_report(actor, run)):
        with pytest.raises(PermissionDenied):
            call()


def test_organizers_and_admins_see_the_chapters_imports(world):  # noqa: ANN001
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="f.csv",
                                 data=DATA)
    assert access_import(world.alice, run.public_id, for_write=True) == run
    assert access_import(world.admin, run.public_id, for_write=True) == run
    assert list(selectors.imports_for(world.alice)) == [run]
    assert list(selectors.imports_for(world.charlie)) == []
    with pytest.raises(Http404):
        access_import(world.charlie, run.public_id)


def _all_text_in_database() -> str:
    """Every text and blob column of every table, as one string."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the db
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        dump.append(bytes(value).decode("latin-1"))
                    elif isinstance(value, str):
                        dump.append(value)
    return "\n".join(dump)


def test_contact_values_are_never_stored_in_plain_text(world):  # noqa: ANN001
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="f.csv",
                                 data=DATA)
    assert ImportChunk.objects.filter(run=run).exists()
    with storage.open_text(run) as stream:  # the stored file reads back whole
        assert "zed.secret@example.org" in stream.read()
    text = _all_text_in_database()
    for secret in ("zed.secret", "0199", "bad@@x", "Zed Secret"):
        assert secret not in text, secret
    services.import_start(actor=world.alice, run=run)
    run = services.import_execute(run_id=run.id)
    assert run.status == "done" and run.rejected_count == 1
    assert not ImportChunk.objects.filter(run=run).exists()  # the file is gone when done
    assert ImportRejection.objects.filter(run=run).count() == 1
    text = _all_text_in_database()
    for secret in ("zed.secret", "0199", "bad@@x"):
        assert secret not in text, secret
    assert "bad@@x" in selectors.rejected_rows_csv(actor=world.alice, run=run).decode()


def test_cancel_stops_a_run_and_keeps_what_was_imported(world):  # noqa: ANN001
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="f.csv",
                                 data=sample("google_forms.csv"))
    services.import_cancel(actor=world.alice, run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert services.import_execute(run_id=run.id).created_count == 0


def test_start_runs_in_the_background_and_progress_is_readable(world, settings,  # noqa: ANN001
                                                               django_capture_on_commit_callbacks):
    settings.NETWEAVE_IMPORTS_INLINE = True
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="f.csv",
                                 data=sample("mobilize.csv"))
    assert run.progress_percent == 0 and run.total_rows == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.import_start(actor=world.alice, run=run)
    run.refresh_from_db()
    assert run.status == "done" and run.progress_percent == 100
    report = selectors.import_report(world.alice, run)
    assert (report["created"], report["unchanged"]) == (2, 1)
    assert [t for t, _label in selectors.import_targets()][:3] == ["", "display_name",
                                                                   "first_name"]


def test_a_finished_run_cannot_start_again(world):  # noqa: ANN001
    from django.core.exceptions import ValidationError

    run = run_file(world.alice, world.chapter, sample("mobilize.csv"))
    with pytest.raises(ValidationError):
        services.import_start(actor=world.alice, run=run)
