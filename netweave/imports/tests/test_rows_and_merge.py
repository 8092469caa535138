"""Bad rows of every kind, mapping, duplicates in the file and in the chapter, merge rules, and
a second run that changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from netweave.core.models import AuditEntry, Contribution
from netweave.imports import selectors, services
from netweave.imports.models import ImportKey
from netweave.imports.tests.helpers import outcomes, run_file
from netweave.networks.models import Membership
from netweave.people import contacts
from netweave.people.models import ContactChannel, Person
from netweave.people.privacy import person_forget
from netweave.people.services import person_create

pytestmark = pytest.mark.django_db

HEADER = "Name,Email,Phone,Place,Network,Hours,Constraints,Discreet,Visibility,Notes\n"


def csv_of(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_every_kind_of_bad_row_is_rejected_with_its_reason(world):  # noqa: ANN001
    data = csv_of(
        "Ok Person,ok@example.org,,,,,,,,",
        "Bad Email,not-an-email,,,,,,,,",
        "Bad Phone,,12,,,,,,,",
        ",,,,,,,,,only a note",
        "x" * 121 + ",long@example.org,,,,,,,,",
        "Lost,lost@example.org,,Atlantis,,,,,,",
        "Joiner,join@example.org,,,Book club,,,,,",
        "Busy,busy@example.org,,,,ninety,,,,",
        "Odd,odd@example.org,,,,,time travel,,,",
        "Shy,shy@example.org,,,,,,maybe,,",
        "Loud,loud@example.org,,,,,,,everywhere,",
        "Extra,extra@example.org,,,,,,,,,surplus cell",
    )
    run = run_file(world.alice, world.chapter, data)
    assert run.created_count == 1
    assert run.reasons == {
        "bad_email": 1, "bad_phone": 1, "no_name": 1, "too_long": 1, "unknown_place": 1,
        "unknown_network": 1, "bad_hours": 1, "unknown_constraint": 1, "bad_value": 2,
        "too_many_cells": 1,
    }
    rejected = selectors.rejected_rows_csv(actor=world.alice, run=run).decode("utf-8-sig")
    lines = rejected.strip().splitlines()
    assert lines[0] == HEADER.strip() + ",reason"
    assert len(lines) == 12
    assert lines[1].startswith("Bad Email,not-an-email,")
    assert "not a valid address" in lines[1]
    assert AuditEntry.objects.filter(action="export", target=f"import-rejected/{run.public_id}"
                                     ).exists()


def test_rejected_rows_fixed_and_imported_again_come_in(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, csv_of("Bad Email,not-an-email,,,,,,,,"))
    rejected = selectors.rejected_rows_csv(actor=world.alice, run=run).decode("utf-8-sig")
    fixed = rejected.replace("not-an-email", "fixed@example.org")
    again = run_file(world.alice, world.chapter, fixed.encode())
    assert (again.created_count, again.rejected_count) == (1, 0)
    assert again.mapping["reason"] == ""


def test_situation_columns_are_imported(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, csv_of(
        'Nia,nia@example.org,+44 7700 900001,eastside,Eastside distribution,2.5,'
        '"caregiving, no transport",yes,private,Has a car seat'))
    assert run.created_count == 1
    nia = Person.objects.get(display_name="Nia")
    assert nia.place == world.place
    assert float(nia.hours_per_week) == 2.5
    assert nia.constraints == ["caregiving", "no_transport"]
    assert nia.discreet is True
    assert nia.visibility == 0
    assert nia.notes == "Has a car seat"
    assert nia.followup_due is not None
    assert Membership.objects.filter(person=nia, network=world.network).exists()


def test_any_csv_imports_through_a_column_mapping(world):  # noqa: ANN001
    data = (b"Vorname;Nachname;E-Mail-Adresse;Telefon;Stadtteil\n"
            b"Lena;Vogel;lena@example.de;+49 30 1234567;Eastside\n")
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="x.csv",
                                 data=data)
    assert run.source_format == "custom"
    assert run.headers == ["Vorname", "Nachname", "E-Mail-Adresse", "Telefon", "Stadtteil"]
    with pytest.raises(ValidationError) as refused:
        services.import_set_mapping(actor=world.alice, run=run, mapping={"Stadtteil": "place"})
    assert "mapping" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.import_set_mapping(actor=world.alice, run=run, mapping={"Vorname": "shoe_size"})
    services.import_set_mapping(actor=world.alice, run=run, mapping={
        "Vorname": "first_name", "Nachname": "last_name", "E-Mail-Adresse": "email",
        "Telefon": "phone", "Stadtteil": "place"})
    preview = services.import_preview(actor=world.alice, run=run)
    assert [(p.row_number, p.outcome) for p in preview] == [(2, "create")]
    assert preview[0].values["email"] == "lena@example.de"
    assert not Person.objects.filter(display_name="Lena Vogel").exists()  # preview wrote nothing
    services.import_start(actor=world.alice, run=run)
    run = services.import_execute(run_id=run.id)
    lena = Person.objects.get(display_name="Lena Vogel")
    assert lena.place == world.place
    assert sorted(contacts.channel_kinds(lena)) == ["email", "phone"]


def test_upload_refuses_files_that_are_not_usable_csv(world):  # noqa: ANN001
    for data, words in ((b"", "empty"), (b"Name,Email\n", "no people"),
                        (b"\x00\x01\x02binary", "not a CSV"), (b"\n\n", "no header")):
        with pytest.raises(ValidationError) as refused:
            services.import_upload(actor=world.alice, chapter=world.chapter, filename="f.csv",
                                   data=data)
        assert words in refused.value.message_dict["file"][0]


def test_duplicates_in_the_file_become_one_person_by_the_merge_rules(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, csv_of(
        "Ann Lee,ann@example.org,,,,,,,,",
        "Annie,ANN@example.org,+1 555 0100 200,Eastside,,3,,,,First note",
        "Ann Lee,,+1 (555) 0100-200,,,,,,,",
    ))
    assert outcomes(run) == {2: "create", 3: "merge", 4: "unchanged"}
    assert "row 2" in run.sample[1]["reason"]
    assert "name" in run.sample[1]["reason"]  # kept "Ann Lee", said so
    ann = Person.objects.get(chapter=world.chapter, display_name="Ann Lee")
    assert ann.place == world.place and float(ann.hours_per_week) == 3.0
    assert ann.notes == "First note"
    assert sorted(contacts.channel_kinds(ann)) == ["email", "phone"]
    assert Person.objects.filter(display_name__in=["Annie", "Ann Lee"]).count() == 1


def test_people_already_in_the_chapter_are_merged_never_overwritten(world):  # noqa: ANN001
    existing = person_create(actor=world.alice, chapter=world.chapter, display_name="Erin K",
                             email="erin@example.org", notes="Met at the showing",
                             hours_per_week=4)
    run = run_file(world.alice, world.chapter, csv_of(
        "Erin Kowalski,erin@example.org,+1 555 0100 300,Eastside,Campus discussion,10,,,,"
        "Likes films"))
    assert outcomes(run) == {2: "merge"}
    existing.refresh_from_db()
    assert existing.display_name == "Erin K"
    assert float(existing.hours_per_week) == 4.0  # not overwritten
    assert existing.place == world.place  # was empty: filled
    assert existing.notes == "Met at the showing\nLikes films"
    assert Membership.objects.filter(person=existing, network=world.other_network).exists()
    assert sorted(contacts.channel_kinds(existing)) == ["email", "phone"]
    reason = run.sample[0]["reason"]
    assert "someone already in the chapter" in reason and "hours a week" in reason
    assert AuditEntry.objects.filter(action="person.update", target=existing.public_id,
                                     detail__import=run.public_id).exists()


def test_people_of_another_chapter_are_not_matched(world):  # noqa: ANN001
    person_create(actor=world.charlie, chapter=world.other_chapter, display_name="Hal",
                  email="hal@example.org")
    run = run_file(world.alice, world.chapter, csv_of("Hal,hal@example.org,,,,,,,,"))
    assert outcomes(run) == {2: "create"}
    assert Person.objects.filter(display_name="Hal").count() == 2


def test_a_second_run_of_the_same_file_changes_nothing(world):  # noqa: ANN001
    data = csv_of(
        "Ann Lee,ann@example.org,,Eastside,Eastside distribution,,,,,note",
        "Bo,,+1 555 0100 999,,,,,,,",
        "Name Only,,,Eastside,,,,,,",
        "Bad,bad@,,,,,,,,",
    )
    first = run_file(world.alice, world.chapter, data)
    assert (first.created_count, first.rejected_count) == (3, 1)
    counts = (Person.objects.count(), ContactChannel.objects.count(),
              Contribution.objects.count(), Membership.objects.count())
    second = run_file(world.alice, world.chapter, data)
    assert (second.created_count, second.merged_count, second.unchanged_count,
            second.rejected_count) == (0, 0, 3, 1)
    assert counts == (Person.objects.count(), ContactChannel.objects.count(),
                      Contribution.objects.count(), Membership.objects.count())


def test_small_batches_give_the_same_result(world):  # noqa: ANN001
    rows = [f"P{i},p{i % 7}@example.org,,,,,,,," for i in range(30)]
    run = run_file(world.alice, world.chapter, csv_of(*rows), batch_rows=4)
    assert (run.created_count, run.unchanged_count) == (7, 23)
    assert run.processed_rows == 30 and run.status == "done"


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted_in_the_rejected_rows(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, csv_of(
        "=HYPERLINK(\"http://x\"),not-an-email,,,,,,,,@SUM(A1)",
        "-Dash,+44 not an email,,,,,,,,"))
    rejected = selectors.rejected_rows_csv(actor=world.alice, run=run).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(rejected)))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][9] == "'@SUM(A1)"
    assert rows[2][:2] == ["'-Dash", "'+44 not an email"]


def test_forgetting_someone_an_import_created_by_name_drops_the_key_to_their_name(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, csv_of("Nameonly Person,,,,,,,,,"))
    person = Person.objects.get(chapter=world.chapter, display_name="Nameonly Person")
    assert ImportKey.objects.filter(person=person).exists()
    person_forget(actor=world.alice, person=person)
    assert not ImportKey.objects.filter(person=person).exists()
    # The same file again: nobody is left to recognise, so the name comes in as someone new.
    again = run_file(world.alice, world.chapter, csv_of("Nameonly Person,,,,,,,,,"))
    assert (run.created_count, again.created_count) == (1, 1)


def test_the_tags_of_the_whole_file_are_listed_most_frequent_first(world):  # noqa: ANN001
    data = ("Name,Email,Tags\n" + "".join(
        f"P{i},p{i}@example.org,\"{'Film, volunteer' if i % 2 else 'volunteer'}\"\n"
        for i in range(7)) + "Q,q@example.org,Donor\n").encode()
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename="t.csv",
                                 data=data)
    mapping = {**run.mapping, "Tags": "tags"}
    run = services.import_set_mapping(actor=world.alice, run=run, mapping=mapping, defaults={})
    assert selectors.import_tags(world.alice, run) == ["volunteer", "Film", "Donor"]
    assert selectors.import_tags(world.alice, run, limit=1) == ["volunteer"]
    with pytest.raises(PermissionDenied):
        selectors.import_tags(world.bob, run)


def test_a_spanish_forms_answers_are_understood(world):  # noqa: ANN001
    """Situation cells may use the labels of any language the site speaks."""
    run = run_file(world.alice, world.chapter, csv_of(
        'Inés,ines@example.org,,eastside,,1,"Sin transporte",no,En público,'))
    assert run.created_count == 1, run.sample
    ines = Person.objects.get(display_name="Inés")
    assert ines.constraints == ["no_transport"]
    assert ines.visibility == 2
