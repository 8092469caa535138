"""Suggestions from the database: scoped to who may see the person, in a fixed number of
queries; the one-click services; a chapter's own playbooks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from netweave.core.models import AuditEntry, Contribution
from netweave.core.testing import make_person
from netweave.networks.models import NetworkKind
from netweave.work import services
from netweave.work.models import Playbook, Task
from netweave.work.selectors import suggestions_for, suggestions_for_people

pytestmark = pytest.mark.django_db


def starter(slug: str) -> Playbook:
    return Playbook.objects.get(chapter__isnull=True, slug=slug)


def slugs(suggestions) -> list[str]:  # noqa: ANN001
    return [m.item.slug for m in suggestions.playbooks]


def test_an_organizer_sees_playbooks_and_nearby_networks_for_a_new_contact(world):
    world.erin.visibility = 2
    world.erin.hours_per_week = Decimal("3")
    world.erin.save()
    found = suggestions_for(world.alice, world.erin)
    assert found.playbooks and found.may_offer and not found.is_self and found.may_edit
    assert [m.item for m in found.networks][0] == world.network
    assert "near you: Eastside" in [str(r) for r in found.networks[0].reasons]


def test_a_member_sees_their_own_matches_but_no_networks_beyond_their_own(world):
    found = suggestions_for(world.bob, world.bob_person)
    assert found.is_self and found.playbooks and found.networks == []


def test_nobody_gets_suggestions_for_a_person_they_may_not_see(world):
    assert suggestions_for_people(world.charlie, [world.erin]) == {}
    assert suggestions_for_people(world.bob, [world.erin]) == {}
    assert suggestions_for(world.charlie, world.erin).playbooks == []


def test_a_discreet_person_is_suggested_only_quiet_work_and_study_circles(world):
    world.erin.discreet = True
    world.erin.visibility = 2
    world.erin.hours_per_week = 10
    world.erin.save()
    found = suggestions_for(world.alice, world.erin, playbooks=50)
    assert found.playbooks
    assert all(m.item.discreet_safe for m in found.playbooks)
    assert [m.item for m in found.networks] == [world.other_network]  # the discussion circle


def test_work_already_on_their_list_is_not_suggested_again(world):
    first = slugs(suggestions_for(world.alice, world.erin))[0]
    services.task_assign(actor=world.alice, playbook=starter(first), person=world.erin)
    assert first not in slugs(suggestions_for(world.alice, world.erin, playbooks=50))


def test_another_chapters_playbooks_are_never_suggested(world):
    Playbook.objects.create(chapter=world.other_chapter, slug="hill", title="Hill only",
                            setting="online", minutes=5, steps=["a"])
    assert "hill" not in slugs(suggestions_for(world.alice, world.erin, playbooks=50))


def test_suggestions_for_many_people_take_a_fixed_number_of_queries(world):
    def count(n: int) -> int:
        people = [make_person(world.chapter, f"New {i}", place=world.place) for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            found = suggestions_for_people(world.alice, people, playbooks=2, networks=2)
        assert len(found) == n
        return len(ctx.captured_queries)

    count(1)  # the viewer's scope is worked out once, on first use
    assert count(2) == count(8)


# --- one click: offer this, take it on -------------------------------------------------------


def test_an_organizer_offers_a_suggestion(world):
    task = services.task_offer(actor=world.alice, playbook=world.playbook, person=world.erin)
    assert task.status == Task.Status.OFFERED and task.person == world.erin


def test_offering_work_that_breaks_a_rule_is_refused_and_writes_nothing(world):
    world.erin.discreet = True
    world.erin.save()
    before = (Task.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError):
        services.task_offer(actor=world.alice, playbook=world.playbook, person=world.erin)
    assert (Task.objects.count(), AuditEntry.objects.count()) == before


def test_an_outsider_may_not_offer_work(world):
    with pytest.raises(PermissionDenied):
        services.task_offer(actor=world.charlie, playbook=world.playbook, person=world.erin)
    with pytest.raises(PermissionDenied):
        services.task_offer(actor=world.bob, playbook=world.playbook, person=world.erin)


def test_a_member_takes_on_a_suggestion_and_it_is_accepted(world):
    task = services.task_take_on(actor=world.bob, playbook=world.playbook)
    assert task.person == world.bob_person and task.status == Task.Status.ACCEPTED
    assert Contribution.objects.filter(kind="task_accepted", task=task).exists()


def test_taking_on_work_above_your_stage_is_refused(world):
    with pytest.raises(ValidationError):
        services.task_take_on(actor=world.bob, playbook=starter("form-a-network"))
    assert not Task.objects.filter(person=world.bob_person).exists()


def test_someone_who_is_not_a_person_cannot_take_work_on(world):
    with pytest.raises(PermissionDenied):
        services.task_take_on(actor=world.admin, playbook=world.playbook)


# --- a chapter's own playbooks -----------------------------------------------------------------

FULL = {
    "title": "Table at the market", "setting": "public", "minutes": 60,
    "steps": ["Bring the table", "Talk", "Pack up"], "summary": "A table on Saturday.",
    "report_fields": [{"key": "flyers", "label": "Flyers"}], "prepare": "Read the flyer.",
    "discreet_safe": False, "visibility": 2, "suitable_for": ["full_time_work"],
    "min_stage": "participant",
    "translations": {"es": {"title": "Mesa en el mercado", "steps": ["a", "b", "c"]}},
}


def test_an_organizer_creates_a_playbook_with_every_field(world):
    kind = NetworkKind.objects.get(chapter__isnull=True, slug="distribution")
    playbook = services.playbook_create(actor=world.alice, chapter=world.chapter,
                                        builds_toward=kind, **FULL)
    assert playbook.builds_toward == kind and playbook.min_stage == "participant"
    assert playbook.translations["es"]["title"] == "Mesa en el mercado"
    assert playbook.suitable_for == ["full_time_work"]


def test_an_organizer_edits_their_chapters_playbook(world):
    playbook = services.playbook_create(actor=world.alice, chapter=world.chapter, **FULL)
    services.playbook_update(actor=world.alice, playbook=playbook,
                             **{**FULL, "minutes": 30, "title": "Market table"}, active=False)
    playbook.refresh_from_db()
    assert (playbook.minutes, playbook.title, playbook.active) == (30, "Market table", False)


def test_bad_playbook_input_changes_nothing(world):
    playbook = services.playbook_create(actor=world.alice, chapter=world.chapter, **FULL)
    with pytest.raises(ValidationError) as caught:
        services.playbook_update(actor=world.alice, playbook=playbook,
                                 **{**FULL, "steps": [], "min_stage": "boss", "visibility": 7})
    assert set(caught.value.message_dict) >= {"steps", "min_stage", "visibility"}
    playbook.refresh_from_db()
    assert playbook.steps == FULL["steps"]


def test_spanish_steps_must_match_the_steps(world):
    with pytest.raises(ValidationError) as caught:
        services.playbook_create(actor=world.alice, chapter=world.chapter, **{
            **FULL, "translations": {"es": {"steps": ["solo uno"]}}})
    assert "translations" in caught.value.message_dict


def test_the_shared_catalog_and_other_chapters_playbooks_are_not_editable(world):
    with pytest.raises(PermissionDenied):
        services.playbook_update(actor=world.alice, playbook=world.playbook, **FULL)
    playbook = services.playbook_create(actor=world.alice, chapter=world.chapter, **FULL)
    for outsider in (world.charlie, world.bob):
        with pytest.raises(PermissionDenied):
            services.playbook_update(actor=outsider, playbook=playbook, **FULL)


def test_another_chapters_network_kind_is_refused(world):
    theirs = NetworkKind.objects.create(chapter=world.other_chapter, slug="x", name="X")
    with pytest.raises(ValidationError):
        services.playbook_create(actor=world.alice, chapter=world.chapter, builds_toward=theirs,
                                 **FULL)


def test_relabelled_report_fields_keep_the_keys_of_unchanged_labels():
    old = [{"key": "flyers", "label": "Flyers given out"}]
    fields = services.report_fields_from(["Flyers given out", "People met", "People met"], old)
    assert [f["key"] for f in fields] == ["flyers", "people_met", "people_met_2"]
