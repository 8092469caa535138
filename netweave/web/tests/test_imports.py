"""The import pages, driven as an organizer would: upload a CSV (and the ways an upload goes
wrong), map its columns, preview, start, follow the progress, read the report and download the
rejected rows. Who may is in routes_imports.py; here, what each page does."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.core.models import AuditEntry
from netweave.imports import services
from netweave.imports.models import ImportRun
from netweave.people.models import Person
from netweave.web.forms.imports import column_field_name, tag_field_name

pytestmark = pytest.mark.django_db

HEADER = "Name,Email,Phone,Neighbourhood,Tags\n"
# 25 rows (lines 2 to 26 of the file): the preview shows 20. The third is empty (skipped), the
# fifth has a broken email and the seventh a place the chapter does not have (both rejected).
ROWS = [f"Person {i},person{i}@example.org,,Eastside,film\n" for i in range(1, 26)]
ROWS[2] = ",,,,\n"
ROWS[4] = "Person 5,not-an-email,,,\n"
ROWS[6] = "Person 7,person7@example.org,,Nowhere,\n"
ROWS[24] = "Person 25,person25@example.org,,Eastside,film; youth\n"  # past the preview
CREATED, REJECTED = 22, 2
SAMPLE = (HEADER + "".join(ROWS)).encode()


def upload(client: Any, data: bytes, name: str = "people.csv", chapter: Any = None) -> Any:
    url = reverse("imports") + (f"?chapter={chapter.public_id}" if chapter else "")
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def page_text(response: Any) -> str:
    return response.content.decode()


def counts(text: str) -> dict[str, int]:
    """The report's table of outcomes: label -> number."""
    return {label: int(n) for label, n in
            re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', text)}


def uploaded(world: Any, data: bytes = SAMPLE) -> ImportRun:
    return services.import_upload(actor=world.alice, chapter=world.chapter,
                                  filename="people.csv", data=data)


def posted_mapping(run: ImportRun, action: str = "preview", **changes: str) -> dict[str, str]:
    """The map form as the browser sends it: the current choice of each column, with
    `changes` ({column: target}) applied."""
    mapping = {**run.mapping, **changes}
    data = {column_field_name(i): mapping.get(h, "") for i, h in enumerate(run.headers)}
    return {**data, "action": action}


def finished(world: Any) -> ImportRun:
    run = uploaded(world)
    services.import_start(actor=world.alice, run=run)
    return services.import_execute(run_id=run.pk)


# --- Upload --------------------------------------------------------------------------------------


def test_an_organizer_uploads_a_csv_and_goes_on_to_map_it(client, world):
    client.force_login(world.alice)
    response = upload(client, SAMPLE)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import", kwargs={"public_id": run.public_id})
    assert (run.chapter, run.created_by, run.filename) == (world.chapter, world.alice,
                                                           "people.csv")
    assert run.headers == ["Name", "Email", "Phone", "Neighbourhood", "Tags"]


def test_an_admin_uploads_into_the_chapter_they_chose(client, world):
    client.force_login(world.admin)
    upload(client, SAMPLE, chapter=world.other_chapter)
    assert ImportRun.objects.get().chapter == world.other_chapter


@pytest.mark.parametrize(("data", "message"), [
    (b"", "This file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\xff\xfe\x00\x00", "CSV"),
    (b"Name,Email\n", "row"),  # a header and no one in it
])
def test_a_file_that_is_not_a_usable_csv_is_refused_with_a_message(client, world, data,
                                                                   message):
    client.force_login(world.alice)
    response = upload(client, data, name="people.csv")
    assert response.status_code == 400
    assert message in page_text(response)
    assert 'role="alert"' in page_text(response)
    assert not ImportRun.objects.exists()


def test_no_file_chosen_says_so(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("imports"), {})
    assert response.status_code == 400
    assert "Choose a CSV file to upload." in page_text(response)
    assert not ImportRun.objects.exists()


def test_a_file_over_the_limit_is_refused_without_keeping_it(client, world, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 200)
    client.force_login(world.alice)
    response = upload(client, SAMPLE)  # over 1 KB
    assert response.status_code == 400
    assert "larger than" in page_text(response)
    assert not ImportRun.objects.exists()


def test_an_upload_never_goes_to_a_temporary_file(client, world, settings, tmp_path):
    """Django writes uploads past FILE_UPLOAD_MAX_MEMORY_SIZE to a plain temporary file; the
    people's contact details must not land on the disk that way."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(world.alice)
    assert upload(client, SAMPLE).status_code == 302
    assert list(tmp_path.iterdir()) == []


def test_the_upload_still_checks_the_csrf_token(world):
    """The upload view sets its own upload handler, which needs the token checked by hand."""
    from netweave.core.testing import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)
    response = strict.post(reverse("imports"), {"file": SimpleUploadedFile("p.csv", SAMPLE)})
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_the_list_shows_the_chapters_runs_with_status_counts_and_who(client, world):
    finished(world)
    uploaded(world)
    services.import_upload(actor=world.charlie, chapter=world.other_chapter,
                           filename="hilltop.csv", data=SAMPLE)
    client.force_login(world.alice)
    response = client.get(reverse("imports"))
    text = page_text(response)
    assert text.count("people.csv") == 2 and "hilltop.csv" not in text
    assert "alice" in text and "Done" in text and "To map" in text
    assert "rejected" in text


def test_the_list_page_takes_the_same_queries_for_many_runs(client, world):
    client.force_login(world.alice)
    uploaded(world)
    client.get(reverse("imports"))  # warm the scope cache
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("imports"))
    for _ in range(5):
        uploaded(world)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("imports"))
    assert len(six) == len(one)


# --- Mapping and preview -------------------------------------------------------------------------


def test_the_map_page_has_a_select_per_column_with_the_proposed_target(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    response = client.get(reverse("import", kwargs={"public_id": run.public_id}))
    assert response.status_code == 200
    form = response.context["form"]
    assert [form[column_field_name(i)].label for i in range(5)] == run.headers
    assert form[column_field_name(0)].value() == "display_name"
    assert form[column_field_name(1)].value() == "email"
    text = page_text(response)
    assert text.count("<select") >= 5
    assert 'value="display_name" selected' in text


def test_the_preview_shows_the_first_twenty_rows_with_outcome_and_reason(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    response = client.get(reverse("import", kwargs={"public_id": run.public_id}))
    rows = response.context["preview_rows"]
    assert len(rows) == 20
    # Numbered as lines of the file (the header is line 1); the empty line 4 is skipped.
    assert [r["row_number"] for r in rows][:4] == [2, 3, 5, 6]
    outcomes = {r["row_number"]: r["outcome"] for r in rows}
    assert outcomes[2] == "create" and outcomes[6] == "reject" and outcomes[8] == "reject"
    assert all(r["reason"] for r in rows if r["outcome"] == "reject")
    text = page_text(response)
    assert "person1@example.org" in text and "Rejected" in text and "New person" in text
    assert not Person.objects.filter(display_name="Person 1").exists()  # only a preview


def test_changing_the_mapping_and_previewing_keeps_the_choices(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    response = client.post(url, posted_mapping(run, Tags="", Neighbourhood="notes"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form[column_field_name(3)].value() == "notes"
    assert form[column_field_name(4)].value() == ""
    run.refresh_from_db()
    assert run.mapping["Neighbourhood"] == "notes" and run.mapping["Tags"] == ""
    assert "Notes" in response.context["preview_headers"]
    # Back on the page later, the saved choice is what is selected.
    again = client.get(url).context["form"]
    assert again[column_field_name(3)].value() == "notes"


def test_a_mapping_without_a_name_is_refused_and_keeps_the_choices(client, world):
    run = uploaded(world)
    before = dict(run.mapping)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    # Nothing left that tells people apart: no name, email or phone.
    response = client.post(url, posted_mapping(run, Name="notes", Email="", Phone="", Tags=""))
    assert response.status_code == 400
    assert 'role="alert"' in page_text(response)
    form = response.context["form"]
    assert form.non_field_errors()
    assert form[column_field_name(0)].value() == "notes"
    assert form[column_field_name(1)].value() == ""
    assert form[column_field_name(4)].value() == ""
    run.refresh_from_db()
    assert run.mapping == before and run.status == "ready"


def test_an_unknown_target_is_refused_and_nothing_is_saved(client, world):
    run = uploaded(world)
    before = dict(run.mapping)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    response = client.post(url, posted_mapping(run, Phone="password"))
    assert response.status_code == 400
    assert response.context["form"][column_field_name(2)].errors
    run.refresh_from_db()
    assert run.mapping == before


def test_tag_rules_and_defaults_are_offered_saved_and_applied(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    page = client.get(url)
    rules = page.context["rules_form"]
    assert rules.tags == ["film", "youth"]  # the whole file's tags, "youth" past the preview
    film = tag_field_name("film")
    assert "network:Eastside distribution" in dict(rules.fields[film].choices)
    data = {**posted_mapping(run), "rules-tags": ["film"], f"rules-{film}":
            "network:Eastside distribution", "rules-source": "event"}
    response = client.post(url, data)
    assert response.status_code == 200
    run.refresh_from_db()
    assert run.defaults == {"tags": {"film": "network:Eastside distribution"},
                            "source": "event"}
    again = response.context["rules_form"]  # the page shows what was saved
    assert again[film].value() == "network:Eastside distribution"
    assert again["source"].value() == "event"
    client.post(url, {**data, "action": "start"})
    services.import_execute(run_id=run.pk)
    person = Person.objects.get(chapter=world.chapter, display_name="Person 1")
    assert person.memberships.filter(network=world.network).exists()
    assert person.source == "event"


def test_a_rule_that_is_not_offered_is_refused_and_keeps_the_choices(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    film = tag_field_name("film")
    response = client.post(url, {**posted_mapping(run, Tags="notes"), "rules-tags": ["film"],
                                 f"rules-{film}": "network:Hilltop tables"})
    assert response.status_code == 400
    assert response.context["rules_form"][film].errors
    assert response.context["form"][column_field_name(4)].value() == "notes"
    run.refresh_from_db()
    assert run.defaults == {} and run.mapping["Tags"] == "tags"


# --- Start, progress, report ---------------------------------------------------------------------


def test_start_saves_the_mapping_queues_the_run_and_shows_the_progress(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    response = client.post(url, posted_mapping(run, "start", Tags=""))
    progress = reverse("import_progress", kwargs={"public_id": run.public_id})
    assert response.status_code == 302 and response["Location"] == progress
    run.refresh_from_db()
    assert run.status in {"queued", "running", "done"} and run.mapping["Tags"] == ""


def test_a_bad_mapping_does_not_start(client, world):
    run = uploaded(world)
    client.force_login(world.alice)
    url = reverse("import", kwargs={"public_id": run.public_id})
    response = client.post(url, posted_mapping(run, "start", Name="", Email="", Phone=""))
    assert response.status_code == 400
    run.refresh_from_db()
    assert run.status == "ready"


def test_the_progress_page_polls_a_fragment_and_works_without_scripts(client, world):
    run = uploaded(world)
    services.import_start(actor=world.alice, run=run)
    ImportRun.objects.filter(pk=run.pk).update(status="running", processed_rows=10)
    client.force_login(world.alice)
    url = reverse("import_progress", kwargs={"public_id": run.public_id})
    text = page_text(client.get(url))
    assert '<progress id="import-bar" class="goal" max="100" value="40"' in text
    assert f'hx-get="{url}"' in text and 'hx-trigger="every' in text
    assert '<meta http-equiv="refresh"' in text  # inside <noscript>
    assert f'href="{url}"' in text  # the refresh link
    assert reverse("import_resume", kwargs={"public_id": run.public_id}) in text
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and b'id="import-progress"' in fragment.content
    assert "HX-Request" in fragment["Vary"]


def test_when_the_run_is_done_the_progress_page_goes_to_the_report(client, world):
    run = finished(world)
    client.force_login(world.alice)
    url = reverse("import_progress", kwargs={"public_id": run.public_id})
    report = reverse("import_report", kwargs={"public_id": run.public_id})
    assert client.get(url)["Location"] == report
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"] == report


def test_the_report_counts_outcomes_and_reasons(client, world):
    run = finished(world)
    assert run.status == "done"
    client.force_login(world.alice)
    response = client.get(reverse("import_report", kwargs={"public_id": run.public_id}))
    text = page_text(response)
    assert (run.created_count, run.rejected_count) == (CREATED, REJECTED)
    assert counts(text) == {"New people created": CREATED, "Merged into people already here": 0,
                            "Already here, unchanged": 0, "Rejected": REJECTED}
    assert response.context["reasons"] == [("Email address not valid", 1),
                                           ("Place not found in the chapter", 1)]
    assert "1 empty row was skipped." in text
    assert reverse("import_rejected", kwargs={"public_id": run.public_id}) in text


def test_importing_the_same_file_again_reports_unchanged_rows(client, world):
    finished(world)
    run = finished(world)
    client.force_login(world.alice)
    text = page_text(client.get(reverse("import_report", kwargs={"public_id": run.public_id})))
    got = counts(text)
    assert got["Already here, unchanged"] == CREATED and got["New people created"] == 0


def test_the_rejected_rows_download_has_the_reasons_and_is_audited(client, world):
    run = finished(world)
    client.force_login(world.alice)
    response = client.get(reverse("import_rejected", kwargs={"public_id": run.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Name", "Email", "Phone", "Neighbourhood", "Tags"]
    assert rows[0][-1].lower() == "reason"
    assert [r[0] for r in rows[1:]] == ["Person 5", "Person 7"]
    assert AuditEntry.objects.filter(action__contains="export", actor=world.alice,
                                     target__contains=run.public_id).exists()


def test_stopping_an_import_goes_to_its_report(client, world):
    run = uploaded(world)
    services.import_start(actor=world.alice, run=run)
    client.force_login(world.alice)
    response = client.post(reverse("import_cancel", kwargs={"public_id": run.public_id}),
                           follow=True)
    run.refresh_from_db()
    assert run.status == "cancelled"
    assert "Import stopped" in page_text(response)


def test_a_failed_run_shows_its_error_and_can_go_on_from_where_it_stopped(client, world):
    run = uploaded(world)
    services.import_start(actor=world.alice, run=run)
    # What import_execute records when the worker dies on an error.
    ImportRun.objects.filter(pk=run.pk).update(status="failed", error="OperationalError: gone")
    client.force_login(world.alice)
    report = client.get(reverse("import_report", kwargs={"public_id": run.public_id}))
    assert "OperationalError: gone" in page_text(report)
    response = client.post(reverse("import_resume", kwargs={"public_id": run.public_id}))
    assert response["Location"] == reverse("import_progress", kwargs={"public_id": run.public_id})
    run.refresh_from_db()
    assert run.status == "queued" and run.error == ""


def test_another_chapters_organizer_cannot_see_a_run(client, world):
    run = uploaded(world)
    client.force_login(world.charlie)
    for name in ("import", "import_progress", "import_report", "import_rejected"):
        assert client.get(reverse(name, kwargs={"public_id": run.public_id})).status_code == 404


def test_the_pages_have_no_inline_script_or_style(client, world):
    """The content security policy would block them: progress is a <progress> element."""
    run = finished(world)
    client.force_login(world.alice)
    for url in (reverse("imports"), reverse("import_report", kwargs={"public_id": run.public_id})):
        text = page_text(client.get(url))
        assert "style=" not in text and "<style" not in text
        assert "<script>" not in text and "onclick" not in text

