"""The privacy pages, driven as their users would: a person's own data (see it, download it,
ask to be deleted), the organizers' requests list and forgetting, the audit log with its
filters, pages and CSV, discreet people kept out of exports, and the retention setting."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from netweave.core.ledger import audit
from netweave.core.models import AuditEntry, Contribution
from netweave.core.testing import make_person
from netweave.people.contacts import channel_add
from netweave.people.models import ChapterSettings, DeletionRequest, Person
from netweave.people.privacy import FORGOTTEN_NAME


def csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- A person's own data -----------------------------------------------------------------------


def test_a_person_sees_everything_held_about_them_and_the_read_is_audited(client, world):
    channel_add(person=world.bob_person, kind="email", value="bob@example.org")
    client.force_login(world.bob)
    response = client.get(reverse("my_data"))
    assert response.status_code == 200
    page = response.content.decode()
    for expected in ("Bob", "bob@example.org", "Eastside distribution", "Riverside"):
        assert expected in page
    entry = AuditEntry.objects.get(action="contacts.read")
    assert entry.actor == world.bob and entry.detail["purpose"] == "own data page"


def test_the_download_is_their_own_data_as_json_and_is_audited(client, world):
    channel_add(person=world.bob_person, kind="phone", value="+1 555 0100 22")
    client.force_login(world.bob)
    response = client.get(reverse("my_data_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"] == world.bob_person.public_id
    assert data["profile"][0]["name"] == "Bob"
    assert data["contact_channels"][0]["value"] == "+1555010022"
    assert [m["network"] for m in data["memberships"]] == ["Eastside distribution"]
    assert {"tasks", "events", "ledger", "stage_history", "followup", "notifications",
            "coaching", "reads"} <= set(data)
    export = AuditEntry.objects.get(action="export")
    assert export.target == f"own-data/{world.bob_person.public_id}"


def test_asking_to_be_deleted_reaches_the_chapters_organizers(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("my_data_delete"), follow=True)
    assert "organizers of your chapter" in response.content.decode()
    request = DeletionRequest.objects.get(person=world.bob_person)
    assert request.status == DeletionRequest.Status.OPEN
    assert AuditEntry.objects.filter(action="deletion.request", actor=world.bob).exists()
    client.force_login(world.alice)
    assert "Asked to be deleted" in client.get(reverse("dashboard")).content.decode()
    listed = client.get(reverse("deletion_requests")).context["requests"]
    assert [r.person for r in listed] == [world.bob_person]
    client.force_login(world.charlie)  # organizer of Hilltop
    assert list(client.get(reverse("deletion_requests")).context["requests"]) == []


def test_asking_twice_is_refused_with_a_message(client, world):
    client.force_login(world.bob)
    client.post(reverse("my_data_delete"))
    response = client.post(reverse("my_data_delete"), follow=True)
    assert "You already asked" in response.content.decode()
    assert DeletionRequest.objects.count() == 1


def test_an_organizer_declines_with_a_reason_the_person_reads(client, world):
    request = DeletionRequest.objects.create(chapter=world.chapter, person=world.bob_person)
    client.force_login(world.alice)
    url = reverse("deletion_request_decline", kwargs={"public_id": request.public_id})
    client.post(url, {"reason": ""})
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.OPEN  # no reason: nothing changed
    client.post(url, {"reason": "You convene a network; talk to us first."})
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.DECLINED
    client.force_login(world.bob)
    assert "talk to us first" in client.get(reverse("my_data")).content.decode()


def test_an_organizer_forgets_a_person_from_their_page(client, world):
    client.force_login(world.alice)
    url = reverse("person_forget", kwargs={"public_id": world.erin.public_id})
    assert "cannot be undone" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    world.erin.refresh_from_db()
    assert world.erin.display_name == FORGOTTEN_NAME
    people = client.get(reverse("people") + "?search=Erin").context["page"].object_list
    assert list(people) == []
    person_page = reverse("person", kwargs={"public_id": world.erin.public_id})
    assert client.get(person_page).status_code == 404


# --- The audit log -----------------------------------------------------------------------------


def test_the_audit_log_shows_an_organizer_their_chapters_rows_only(client, world):
    audit(actor=world.alice, action="test.riverside", chapter_id=world.chapter.pk)
    audit(actor=world.charlie, action="test.hilltop", chapter_id=world.other_chapter.pk)
    audit(actor=None, action="test.nowhere")
    client.force_login(world.alice)
    shown = {e.action for e in client.get(reverse("audit_log")).context["page"].object_list}
    assert "test.riverside" in shown and not {"test.hilltop", "test.nowhere"} & shown
    client.force_login(world.admin)
    shown = {e.action for e in client.get(reverse("audit_log")).context["page"].object_list}
    assert {"test.riverside", "test.hilltop", "test.nowhere"} <= shown


def test_the_audit_log_filters_by_action_actor_and_date(client, world):
    audit(actor=world.alice, action="contacts.read", chapter_id=world.chapter.pk)
    audit(actor=world.carol, action="contacts.read", chapter_id=world.chapter.pk)
    audit(actor=None, action="person.forget", chapter_id=world.chapter.pk)
    client.force_login(world.alice)

    def actions(query: str) -> list[tuple[str, str]]:
        page = client.get(reverse("audit_log") + query).context["page"]
        return [(e.action, e.actor.username if e.actor else "system") for e in page]

    assert actions("?action=contacts.read&actor=carol") == [("contacts.read", "carol")]
    assert actions("?actor=system") == [("person.forget", "system")]
    # The word the page showed, typed back by a Spanish reader.
    spanish = client.get(reverse("audit_log") + "?actor=Sistema", HTTP_ACCEPT_LANGUAGE="es")
    assert [e.action for e in spanish.context["page"]] == ["person.forget"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert actions(f"?since={tomorrow}") == []
    today = timezone.localdate().isoformat()
    assert len(actions(f"?action=contacts.read&since={today}&until={today}")) == 2


def test_the_audit_log_refuses_an_end_before_the_start_with_a_message(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("audit_log") + "?since=2026-05-02&until=2026-05-01")
    assert response.status_code == 200
    assert "The end comes before the start." in response.content.decode()


def test_the_audit_log_is_paginated(client, world):
    for i in range(60):
        audit(actor=world.alice, action="test.many", chapter_id=world.chapter.pk, n=i)
    client.force_login(world.alice)
    first = client.get(reverse("audit_log") + "?action=test.many").context["page"]
    second = client.get(reverse("audit_log") + "?action=test.many&page=2").context["page"]
    assert len(first.object_list) == 50 and len(second.object_list) == 10


def test_the_audit_log_download_is_a_csv_and_is_itself_audited(client, world):
    audit(actor=world.alice, action="contacts.read", chapter_id=world.chapter.pk,
          target=world.erin.public_id)
    client.force_login(world.alice)
    response = client.get(reverse("audit_log_download") + "?action=contacts.read",
                          REMOTE_ADDR="198.51.100.4")
    got = csv_rows(response)
    assert got[0][:4] == ["at", "chapter", "actor", "action"]
    assert [row[2:5] for row in got[1:]] == [["alice", "contacts.read", world.erin.public_id]]
    export = AuditEntry.objects.get(action="export", target="audit-log")
    assert export.actor == world.alice and export.ip_address == "198.51.100.4"
    assert export.detail["filters"] == {"action": "contacts.read"} and export.detail["rows"] == 1


def test_the_audit_log_refuses_members_and_another_chapters_organizer(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("audit_log")).status_code == 403
    client.force_login(world.charlie)
    query = f"?chapter={world.chapter.public_id}"
    assert client.get(reverse("audit_log") + query).status_code == 404
    assert client.get(reverse("audit_log_download") + query).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


# --- Discreet people in exports ----------------------------------------------------------------


def isolated(world, name: str, **fields) -> Person:  # noqa: ANN001, ANN003
    person = make_person(world.chapter, name, **fields)
    when = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(40), time(12)))
    Contribution.objects.create(chapter=world.chapter, kind=Contribution.Kind.TASK_DONE,
                                person=person, occurred_at=when)
    return person


def test_a_discreet_person_is_never_exported_unless_asked_for_by_name(client, world):
    loner = isolated(world, "Lone Lou")
    hidden = isolated(world, "Quiet Quinn", discreet=True)
    client.force_login(world.alice)
    names = [r[1] for r in csv_rows(client.get("/growth/export/isolated.csv"))[1:]]
    assert names == ["Lone Lou"]
    data = json.loads(client.get("/growth/export/isolated.json").content)
    assert [r["name"] for r in data["rows"]] == ["Lone Lou"]
    by_name = csv_rows(client.get(f"/growth/export/isolated.csv?person={hidden.public_id}"))
    assert [r[1] for r in by_name[1:]] == ["Quiet Quinn"]
    one = csv_rows(client.get(f"/growth/export/isolated.csv?person={loner.public_id}"))
    assert [r[1] for r in one[1:]] == ["Lone Lou"]
    asked = AuditEntry.objects.filter(action="export", detail__person=hidden.public_id)
    assert asked.count() == 1


def test_a_discreet_recruiter_is_left_out_of_the_recruiters_export(client, world):
    quiet = make_person(world.chapter, "Quiet Quinn", discreet=True)
    for name in ("R1", "R2"):
        make_person(world.chapter, name, brought_by=quiet)
    make_person(world.chapter, "R3", brought_by=world.carol_person)
    client.force_login(world.alice)
    names = [r[1] for r in csv_rows(client.get("/growth/export/recruiters.csv"))[1:]]
    assert names == ["Carol"]
    url = f"/growth/export/recruiters.csv?person={quiet.public_id}"
    assert [r[1] for r in csv_rows(client.get(url))[1:]] == ["Quiet Quinn"]


# --- The retention setting ---------------------------------------------------------------------


def test_an_organizer_sets_the_retention_period_on_the_settings_page(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("chapter_settings")).content.decode()
    assert 'name="retention_days"' in page and 'value="365"' in page
    values = {f: getattr(ChapterSettings(), f) for f in ChapterSettings.LIMITS}
    response = client.post(reverse("chapter_settings"),
                           {**values, "retention_days": 90, "chapter": world.chapter.public_id})
    assert response.status_code == 302
    assert ChapterSettings.for_chapter(world.chapter.pk).retention_days == 90
    bad = client.post(reverse("chapter_settings"),
                      {**values, "retention_days": 99999, "chapter": world.chapter.public_id})
    assert bad.status_code == 400
    assert ChapterSettings.for_chapter(world.chapter.pk).retention_days == 90
