"""Each tool's export is recognised by its headers and imported as hand-checked below."""

from __future__ import annotations

import pytest

from netweave.core.models import AuditEntry, Contribution
from netweave.imports import services
from netweave.imports.tests.helpers import outcomes, run_file, sample
from netweave.networks.models import Membership
from netweave.people import contacts
from netweave.people.models import Person

pytestmark = pytest.mark.django_db


def person(world, name):  # noqa: ANN001, ANN201
    return Person.objects.get(chapter=world.chapter, display_name=name)


def emails_of(world, p):  # noqa: ANN001, ANN201
    return sorted(c.value for c in contacts.channels_read(actor=world.alice, person=p)
                  if c.kind == "email")


@pytest.mark.parametrize("name, fmt", [
    ("action_network.csv", "action_network"), ("nationbuilder.csv", "nationbuilder"),
    ("mobilize.csv", "mobilize"), ("civicrm.csv", "civicrm"),
    ("google_forms.csv", "google_forms"),
])
def test_each_tools_export_is_recognised_by_its_headers(world, name, fmt):  # noqa: ANN001
    run = services.import_upload(actor=world.alice, chapter=world.chapter, filename=name,
                                 data=sample(name))
    assert run.source_format == fmt
    assert run.status == "ready"
    assert any(t in run.mapping.values() for t in ("email", "display_name", "first_name"))


def test_action_network_export_with_tag_rules(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, sample("action_network.csv"), defaults={
        "tags": {"film night": "network:Eastside distribution",
                 "caregiver": "constraint:caregiving"}})
    assert run.status == "done", run.error
    assert (run.processed_rows, run.total_rows) == (4, 4)
    assert outcomes(run) == {2: "create", 3: "create", 4: "reject", 5: "merge"}
    assert (run.created_count, run.merged_count, run.rejected_count) == (2, 1, 1)
    assert run.reasons == {"bad_email": 1}
    rosa = person(world, "Rosa Parks-Lee")
    assert rosa.place == world.place
    assert rosa.constraints == ["caregiving"]  # from row 5, merged into row 2's person
    assert Membership.objects.filter(person=rosa, network=world.network).count() == 1
    assert emails_of(world, rosa) == ["rosa.pl@example.org"]
    tomas = person(world, "Tomás Ortega")
    assert emails_of(world, tomas) == ["tomas.ortega@example.org"]
    assert not Person.objects.filter(display_name="Mei Chen").exists()
    signed = Contribution.objects.filter(kind="signed_up", data__import=run.public_id)
    assert signed.count() == 2
    assert Contribution.objects.filter(kind="network_joined", person=rosa).count() == 1
    assert "row 2" in run.sample[3]["reason"]


def test_nationbuilder_export(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, sample("nationbuilder.csv"))
    assert outcomes(run) == {2: "create", 3: "create", 4: "reject", 5: "reject"}
    assert run.reasons == {"no_name": 1, "bad_phone": 1}
    amara = person(world, "Amara Okafor")
    assert amara.notes == "Met at the library showing."
    assert amara.languages == ["en"]
    assert amara.place == world.place
    kinds = sorted(contacts.channel_kinds(amara))
    assert kinds == ["email", "phone"]
    assert person(world, "Jonas Weber").languages == ["de"]


def test_mobilize_attendees_are_one_person_per_email(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, sample("mobilize.csv"))
    assert outcomes(run) == {2: "create", 3: "create", 4: "unchanged"}
    assert Person.objects.filter(display_name="Kwame Mensah").count() == 1
    entry = Contribution.objects.get(kind="signed_up", person=person(world, "Kwame Mensah"))
    assert entry.data["detail"] == "Film showing: Eastside library"


def test_civicrm_export_groups_become_networks(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, sample("civicrm.csv"))
    assert outcomes(run) == {2: "create", 3: "reject", 4: "reject"}
    assert run.reasons == {"unknown_network": 1, "unknown_place": 1}
    fatou = person(world, "Fatou Diallo")
    assert fatou.notes == "Prefers evenings."
    assert list(Membership.objects.filter(person=fatou).values_list("network", flat=True)) == [
        world.network.id]


def test_google_forms_responses(world):  # noqa: ANN001
    run = run_file(world.alice, world.chapter, sample("google_forms.csv"))
    assert outcomes(run) == {2: "create", 3: "reject", 4: "create"}
    assert run.reasons == {"bad_hours": 1}
    sam = person(world, "Sam Taylor")
    assert float(sam.hours_per_week) == 3.0
    assert sam.availability == "Weekends"
    assert sam.place == world.place
    assert person(world, "Jordan").place is None
    assert AuditEntry.objects.filter(action="import.done", target=run.public_id).exists()


def test_the_dashboard_counts_the_imported_people_and_memberships(world):  # noqa: ANN001
    """The import writes in bulk, past the signals that keep the ledger's indexes and the
    dashboard's counts: it rebuilds the chapter's, so they agree with the tables."""
    from netweave.metrics import activity, facts

    run = run_file(world.alice, world.chapter, sample("action_network.csv"), defaults={
        "tags": {"film night": "network:Eastside distribution"}})
    assert run.status == "done", run.error
    assert activity.verify([world.chapter.pk]) == 0
    assert facts.verify([world.chapter.pk]) == 0
