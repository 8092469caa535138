"""The exports page, its downloads (streamed, audited) and the `netweave export` command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from netweave.core.models import AuditEntry
from netweave.exports.files import STREAM_FROM
from netweave.exports.models import FeedToken


def download(client, table: str, fmt: str, query: str = ""):  # noqa: ANN001, ANN201
    return client.get(reverse("export_table", args=[table, fmt]) + query)


def body(response) -> str:  # noqa: ANN001
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def exports_audited() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="export").order_by("id"))


# --- the page ----------------------------------------------------------------------------------


def test_an_organizer_sees_every_table_and_the_calendar(ew, client, django_assert_max_num_queries):
    client.force_login(ew.w.alice)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("exports")).content.decode()
    for label in ("People", "Networks", "Memberships", "Tasks", "Events", "Ledger",
                  "Lineage (generation table)", "CSV with contact details", "Your calendar"):
        assert label in page
    assert reverse("calendar_public", args=["riverside"]) in page


def test_a_member_sees_the_tables_they_may_export_but_not_people(ew, client):
    client.force_login(ew.w.bob)
    page = client.get(reverse("exports")).content.decode()
    assert reverse("export_table", args=["tasks", "csv"]) in page
    assert reverse("export_table", args=["people", "csv"]) not in page


def test_the_page_narrows_to_a_chapter_of_ones_own_and_refuses_another(ew, client):
    client.force_login(ew.w.charlie)
    assert client.get(reverse("exports") + f"?chapter={ew.w.chapter.public_id}").status_code == 404
    page = client.get(reverse("exports") + f"?chapter={ew.w.other_chapter.public_id}")
    assert page.status_code == 200


# --- downloads ---------------------------------------------------------------------------------


def test_a_small_csv_download_is_audited(ew, client):
    w = ew.w
    client.force_login(w.alice)
    response = download(client, "people", "csv", f"?chapter={w.chapter.public_id}")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="riverside-people-' in response["Content-Disposition"]
    assert not response.streaming  # a few rows go in one piece
    entry = exports_audited()[-1]
    assert entry.detail == {"table": "people", "format": "csv", "rows": 7, "origin": "web",
                            "filters": {"chapter": "riverside"}}
    assert entry.via == "web" and entry.actor == w.alice
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 7 and "Dina" not in [r["display_name"] for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_big_download_is_streamed_and_audited_before_its_first_row(ew, client, fmt):
    from netweave.people.models import Person

    w = ew.w
    Person.objects.bulk_create(Person(chapter=w.chapter, display_name=f"Signer {n:04}")
                               for n in range(STREAM_FROM))
    client.force_login(w.alice)
    before = len(exports_audited())
    response = download(client, "people", fmt)
    assert response.streaming
    # Audited before a single row was read: a download cut short is audited too.
    assert len(exports_audited()) == before + 1
    entry = exports_audited()[-1]
    assert entry.detail["rows"] == STREAM_FROM + 7 and entry.detail["format"] == fmt
    text = body(response)
    if fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(text)))) == STREAM_FROM + 7
    else:
        assert len(json.loads(text)["rows"]) == STREAM_FROM + 7
    assert len(exports_audited()) == before + 1


def test_a_json_download_of_the_lineage(ew, client):
    client.force_login(ew.w.carol)
    doc = json.loads(body(download(client, "lineage", "json")))
    assert doc["table"] == "lineage"
    assert [r["network"] for r in doc["rows"]] == [
        "Eastside distribution", "Eastside youth", "Eastside school table"]
    assert exports_audited()[-1].detail["rows"] == 3


def test_a_discreet_person_by_name_from_the_web(ew, client):
    client.force_login(ew.w.alice)
    rows = list(csv.DictReader(io.StringIO(body(
        download(client, "people", "csv", f"?person={ew.dina.public_id}")))))
    assert [r["display_name"] for r in rows] == ["Dina"]
    entry = exports_audited()[-1]
    assert entry.detail["filters"] == {"chapter": "riverside", "person": ew.dina.public_id}
    assert entry.chapter_id == ew.w.chapter.pk  # on Riverside's audit log


def test_contact_details_from_the_web_are_read_through_the_audited_channel(ew, client):
    client.force_login(ew.w.alice)
    text = body(download(client, "people", "csv", "?contacts=1"))
    assert "bob@example.org" in text
    read = AuditEntry.objects.filter(action="contacts.read").last()
    assert read.target == ew.w.bob_person.public_id and read.detail["purpose"] == "export"


def test_a_member_is_refused_the_people_export_and_nothing_is_audited(ew, client):
    client.force_login(ew.w.bob)
    before = AuditEntry.objects.count()
    assert download(client, "people", "csv").status_code == 403
    assert download(client, "people", "xlsx").status_code == 404
    assert download(client, "secrets", "csv").status_code == 404
    assert AuditEntry.objects.count() == before


def test_anonymous_is_sent_to_log_in(ew, client):
    response = download(client, "tasks", "csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the feed address from the page ------------------------------------------------------------


def test_making_and_turning_off_the_calendar_address_from_the_page(ew, client):
    client.force_login(ew.w.bob)
    page = client.post(reverse("export_feed_new"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    start = text.index('<code id="feed-url">') + len('<code id="feed-url">')
    url = text[start:text.index("</code>", start)]
    assert "/calendar/feed/" in url
    path = url[url.index("/calendar/"):]
    client.logout()
    assert client.get(path).status_code == 200
    client.force_login(ew.w.bob)
    assert client.get(reverse("exports")).content.decode().count("/calendar/feed/") == 0
    client.post(reverse("export_feed_revoke"))
    client.logout()
    assert client.get(path).status_code == 404
    assert not FeedToken.objects.filter(user=ew.w.bob, revoked_at__isnull=True).exists()


# --- the command line (netweave export) ------------------------------------------------------


def test_the_command_exports_as_the_user_and_audits_it(ew, tmp_path):
    out = tmp_path / "people.csv"
    call_command("export", "people", "--format", "csv", "--as", "alice",
                 "--chapter", "riverside", "--output", str(out), stderr=io.StringIO())
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 7
    entry = exports_audited()[-1]
    assert entry.actor == ew.w.alice and entry.via == "system"
    assert entry.detail["origin"] == "cli" and entry.detail["filters"] == {"chapter": "riverside"}


def test_the_command_writes_json_to_standard_output(ew):
    out = io.StringIO()
    call_command("export", "tasks", "--format", "json", "--as", "bob", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["chapter"] == "riverside"  # the user's own chapter, when none is named
    assert [r["task_id"] for r in doc["rows"]] == [ew.bob_task.public_id]


@pytest.mark.parametrize(("args", "message"), [
    (["people", "--as", "bob"], "may not export people"),
    (["people", "--as", "charlie", "--chapter", "riverside"], "no chapter"),
    (["tasks", "--as", "nobody"], "No active user"),
])
def test_the_command_refuses_clearly_and_audits_nothing(ew, args, message):
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("export", *args)
    assert AuditEntry.objects.count() == before


def test_the_command_refuses_a_folder_that_is_not_there(ew, tmp_path):
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="No folder"):
        call_command("export", "tasks", "--as", "bob", "--output",
                     str(tmp_path / "missing" / "tasks.csv"))
    assert AuditEntry.objects.count() == before
