"""The export tables: hand-checked rows on the small world, who may export what, discreet and
forgotten people, contact details, and the audit row of every export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from netweave.core.models import AuditEntry
from netweave.exports.access import access_export_chapter
from netweave.exports.files import csv_pieces, json_pieces
from netweave.exports.selectors import TABLES, export_for, tables_for
from netweave.exports.services import export_audit
from netweave.exports.tests.conftest import rows_of


def names(export, column: str) -> list[str]:  # noqa: ANN001
    return [row[column] for row in rows_of(export)]


# --- who may export what -----------------------------------------------------------------------


def test_only_organizers_may_export_people(ew):
    w = ew.w
    assert tables_for(w.alice) == list(TABLES)
    assert tables_for(w.admin) == list(TABLES)
    assert "people" in tables_for(w.charlie)  # Hilltop's organizer: Hilltop's people
    for member in (w.bob, w.carol, w.dave):
        assert "people" not in tables_for(member)
        with pytest.raises(PermissionDenied):
            export_for(member, "people")


def test_anonymous_may_export_nothing(ew):
    from django.contrib.auth.models import AnonymousUser

    assert tables_for(AnonymousUser()) == []
    with pytest.raises(PermissionDenied):
        export_for(AnonymousUser(), "networks")


def test_an_unknown_table_is_not_found(ew):
    with pytest.raises(Http404):
        export_for(ew.w.alice, "passwords")


def test_another_chapters_organizer_cannot_ask_for_riverside(ew):
    with pytest.raises(Http404):
        access_export_chapter(ew.w.charlie, slug="riverside")
    with pytest.raises(Http404):
        access_export_chapter(ew.w.charlie, public_id=ew.w.chapter.public_id)
    hilltop = access_export_chapter(ew.w.charlie, slug="hilltop")
    assert names(export_for(ew.w.charlie, "networks", chapter=hilltop), "name") == [
        "Hilltop tables"]


# --- people ------------------------------------------------------------------------------------


def test_people_export_lists_the_chapter_without_discreet_or_forgotten_people(ew):
    w = ew.w
    export = export_for(w.alice, "people", chapter=w.chapter)
    assert names(export, "display_name") == [
        '=HYPERLINK("http://evil")', "Alice", "Bob", "Carol", "Dave", "Erin", "Finn"]
    assert export.count == 7
    bob = next(r for r in rows_of(export) if r["display_name"] == "Bob")
    assert bob["person_id"] == w.bob_person.public_id
    assert bob["chapter"] == "riverside" and bob["place"] == "Eastside"
    assert bob["discreet"] is False
    assert "contact_email" not in bob  # contact details only when asked for


def test_a_discreet_person_is_exported_when_asked_for_by_name(ew):
    export = export_for(ew.w.alice, "people", person=ew.dina.public_id)
    assert names(export, "display_name") == ["Dina"]
    assert rows_of(export)[0]["discreet"] is True


def test_a_forgotten_person_is_never_exported_even_by_name(ew):
    assert export_for(ew.w.alice, "people", person=ew.gus.public_id).count == 0
    assert export_for(ew.w.admin, "people", person=ew.gus.public_id).count == 0


def test_contact_details_come_only_when_asked_and_each_read_is_audited(ew):
    w = ew.w
    before = AuditEntry.objects.filter(action="contacts.read").count()
    export = export_for(w.alice, "people", chapter=w.chapter, contacts=True)
    rows = rows_of(export)
    bob = next(r for r in rows if r["display_name"] == "Bob")
    assert bob["contact_email"] == "bob@example.org"
    assert all(r["contact_email"] == "" for r in rows if r["display_name"] != "Bob")
    reads = AuditEntry.objects.filter(action="contacts.read").order_by("id")
    assert reads.count() == before + 1  # Bob is the only one with a channel
    last = reads.last()
    assert last.target == w.bob_person.public_id and last.detail["purpose"] == "export"
    assert last.actor == w.alice


def test_charlie_exports_hilltops_people_only(ew):
    assert names(export_for(ew.w.charlie, "people"), "display_name") == ["Hank"]


# --- networks, memberships ---------------------------------------------------------------------


def test_networks_export_as_organizer(ew):
    rows = {r["name"]: r for r in rows_of(export_for(ew.w.alice, "networks"))}
    assert sorted(rows) == ["Campus discussion", "Eastside distribution",
                            "Eastside school table", "Eastside youth"]
    youth = rows["Eastside youth"]
    assert youth["generation"] == 2 and youth["members"] == 1
    assert youth["seeded_from_id"] == ew.w.network.public_id
    assert rows["Eastside distribution"]["members"] == 4  # counted, discreet and forgotten too


def test_a_member_exports_only_their_own_network(ew):
    assert names(export_for(ew.w.bob, "networks"), "name") == ["Eastside distribution"]


def test_memberships_name_only_people_the_exporter_may_see(ew):
    w = ew.w
    rows = [(r["network"], r["person"], r["role"])
            for r in rows_of(export_for(w.alice, "memberships"))]
    assert rows == [
        ("Campus discussion", "Dave", "convener"),
        ("Eastside distribution", "Bob", "member"),
        ("Eastside distribution", "Carol", "convener"),
        ("Eastside youth", "Finn", "convener"),
    ]
    # Dina (discreet) and Gus (forgotten) are in Eastside distribution, and left out.


def test_a_convener_sees_the_networks_they_seeded_without_their_members(ew):
    rows = [(r["network"], r["person"]) for r in rows_of(export_for(ew.w.carol, "memberships"))]
    assert rows == [("Eastside distribution", "Bob"), ("Eastside distribution", "Carol")]


def test_memberships_of_a_discreet_person_by_name(ew):
    rows = rows_of(export_for(ew.w.alice, "memberships", person=ew.dina.public_id))
    assert [(r["network"], r["person"]) for r in rows] == [("Eastside distribution", "Dina")]
    # A member may not see Dina at all, even by name.
    assert export_for(ew.w.bob, "memberships", person=ew.dina.public_id).count == 0


# --- tasks, events, ledger ---------------------------------------------------------------------


def test_tasks_export_leaves_out_discreet_people_unless_named(ew):
    w = ew.w
    rows = rows_of(export_for(w.alice, "tasks"))
    assert [(r["task_id"], r["person"]) for r in rows] == [(ew.bob_task.public_id, "Bob")]
    assert rows[0]["playbook"] == w.playbook.title and rows[0]["status"] == "offered"
    named = rows_of(export_for(w.alice, "tasks", person=ew.dina.public_id))
    assert [(r["task_id"], r["person"]) for r in named] == [(ew.dina_task.public_id, "Dina")]


def test_a_member_exports_their_own_tasks_and_charlie_none_of_riversides(ew):
    assert names(export_for(ew.w.bob, "tasks"), "task_id") == [ew.bob_task.public_id]
    assert export_for(ew.w.charlie, "tasks").count == 0


def test_events_export_follows_who_may_see_each_event(ew):
    w = ew.w
    assert sorted(names(export_for(w.alice, "events"), "title")) == [
        "Film night", "Reading circle"]
    # Bob: his network's (public) film night; not Campus discussion's private reading circle.
    assert names(export_for(w.bob, "events"), "title") == ["Film night"]
    assert names(export_for(w.dave, "events"), "title") == ["Reading circle", "Film night"]
    assert names(export_for(w.charlie, "events"), "title") == ["Hilltop table"]
    film = next(r for r in rows_of(export_for(w.alice, "events")) if r["title"] == "Film night")
    assert film["host_network"] == "Eastside distribution" and film["public"] is True


def test_ledger_export_leaves_out_entries_of_discreet_people(ew):
    w = ew.w
    rows = rows_of(export_for(w.alice, "ledger"))
    assert [(r["kind"], r["person"], r["task_id"]) for r in rows] == [
        ("task_done", "Bob", ew.bob_task.public_id)]
    named = rows_of(export_for(w.alice, "ledger", person=ew.dina.public_id))
    assert [(r["kind"], r["person"]) for r in named] == [("task_done", "Dina")]
    assert [r["person"] for r in rows_of(export_for(w.charlie, "ledger"))] == ["Hank"]
    assert [r["person"] for r in rows_of(export_for(w.bob, "ledger"))] == ["Bob"]


# --- lineage -----------------------------------------------------------------------------------


def test_lineage_is_a_generation_table_stream_by_stream(ew):
    w = ew.w
    rows = rows_of(export_for(w.alice, "lineage", chapter=w.chapter))
    got = [(r["network"], r["generation"], r["stream_root"], r["seeded_from"], r["seeded_by"])
           for r in rows]
    east, campus = "Eastside distribution", "Campus discussion"
    assert got == [
        (east, 1, east, "", ""),
        ("Eastside youth", 2, east, east, "Carol"),
        ("Eastside school table", 3, east, "Eastside youth", "Finn"),
        (campus, 1, campus, "", ""),
    ]
    assert rows[1]["kind"] == "Distribution" and rows[1]["status"] == "active"


def test_a_discreet_seeder_is_not_named_in_the_lineage(ew):
    from netweave.people.models import Person

    Person.objects.filter(pk=ew.finn.pk).update(discreet=True)
    rows = {r["network"]: r for r in rows_of(export_for(ew.w.alice, "lineage"))}
    assert rows["Eastside school table"]["seeded_by"] == ""


def test_a_convener_sees_their_stream_without_the_root_and_seeder_they_may_not_see(ew):
    from netweave.core.testing import join, make_user

    w = ew.w
    finn_user = make_user("finn")
    ew.finn.user = finn_user
    ew.finn.save(update_fields=["user"])
    join(ew.school, ew.finn)  # Finn is also in the school table
    rows = [(r["network"], r["generation"], r["stream_root"], r["seeded_from"], r["seeded_by"])
            for r in rows_of(export_for(finn_user, "lineage"))]
    # Finn convenes Eastside youth (and so sees what it seeded), but neither Eastside
    # distribution nor Carol, who seeded his network from it: their cells stay empty, the
    # generations are kept.
    assert rows == [("Eastside youth", 2, "", "", ""),
                    ("Eastside school table", 3, "", "Eastside youth", "Finn")]
    assert w.network.name not in str(rows)


def test_a_convener_exports_seeded_networks_in_aggregate(ew):
    rows = rows_of(export_for(ew.w.carol, "lineage"))
    assert [(r["network"], r["members"]) for r in rows] == [
        ("Eastside distribution", 4), ("Eastside youth", 1), ("Eastside school table", 0)]
    assert "Finn" not in [r.get("person") for r in rows]


# --- files and the audit row -------------------------------------------------------------------


def test_csv_cells_that_look_like_formulas_are_defused(ew):
    export = export_for(ew.w.alice, "people")
    text = "".join(csv_pieces(export.headers, export.rows()))
    rows = list(csv.DictReader(io.StringIO(text)))
    sly = next(r for r in rows if "HYPERLINK" in r["display_name"])
    assert sly["display_name"] == "'=HYPERLINK(\"http://evil\")"
    assert sly["social_grouping"] == "'@cmd"
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_json_is_one_document_with_a_row_per_object(ew):
    import json

    export = export_for(ew.w.alice, "networks")
    doc = json.loads("".join(json_pieces({"table": "networks"}, export.headers,
                                         export.rows())))
    assert doc["table"] == "networks" and doc["columns"] == export.headers
    assert len(doc["rows"]) == 4 and doc["rows"][0]["name"] == "Campus discussion"


def test_json_of_an_empty_table_is_still_a_document(ew):
    import json

    export = export_for(ew.w.charlie, "tasks")
    assert json.loads("".join(json_pieces({}, export.headers, export.rows())))["rows"] == []


def test_every_export_is_audited_with_table_filters_rows_and_format(ew):
    w = ew.w
    export = export_for(w.alice, "people", chapter=w.chapter, person=ew.dina.public_id)
    entry = export_audit(actor=w.alice, export=export, fmt="csv")
    entry.refresh_from_db()
    assert entry.action == "export" and entry.actor == w.alice
    assert entry.chapter_id == w.chapter.pk and entry.target == "exports/people"
    assert entry.detail == {"table": "people", "format": "csv", "rows": 1, "origin": "web",
                            "filters": {"chapter": "riverside", "person": ew.dina.public_id}}


def test_an_export_in_an_unknown_format_is_refused_and_not_audited(ew):
    export = export_for(ew.w.alice, "networks")
    before = AuditEntry.objects.count()
    with pytest.raises(Http404):
        export_audit(actor=ew.w.alice, export=export, fmt="xlsx")
    assert AuditEntry.objects.count() == before
