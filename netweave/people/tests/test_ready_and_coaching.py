""""Ready for more" prompts (invite a steady contributor to convene; pair a new convener with
an experienced coach) and the coaching pairs they lead to."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from netweave.core.ledger import record
from netweave.core.models import AuditEntry, Contribution
from netweave.core.scope import forget_scope, may_read_contacts, scope_of
from netweave.core.testing import join, make_network, make_person
from netweave.networks.models import Membership
from netweave.people import services
from netweave.people.ladder import refresh_stage
from netweave.people.models import CoachingPair, Person, Stage
from netweave.people.selectors import (
    coach_candidates_for,
    coaching_for,
    needs_coach_for,
    prompts_for,
    ready_to_convene_for,
)


def steady(person, n=6):
    for day in range(n):
        record(kind=Contribution.Kind.TASK_DONE, chapter_id=person.chapter_id, person=person,
               occurred_at=timezone.now() - timedelta(days=day))
    refresh_stage(person)


@pytest.fixture
def seasoned(world):
    """Carol has convened for half a year: an experienced convener."""
    Membership.objects.filter(person=world.carol_person).update(
        joined_on=timezone.localdate() - timedelta(days=180))
    refresh_stage(world.carol_person)
    refresh_stage(world.dave_person)
    return world.carol_person


def test_a_steady_contributor_is_suggested_as_a_convener(world):
    steady(world.bob_person)
    prompts = ready_to_convene_for(world.alice)
    assert [(p.kind, p.person, p.recent) for p in prompts] == [("convene", world.bob_person, 6)]


def test_the_bar_for_ready_is_the_chapters(world):
    steady(world.bob_person, n=4)
    assert ready_to_convene_for(world.alice) == []
    services.chapter_settings_update(actor=world.alice, chapter=world.chapter, ready_actions=4)
    assert len(ready_to_convene_for(world.alice)) == 1


def test_discreet_people_are_never_suggested_visible_work(world):
    world.bob_person.discreet = True
    world.bob_person.save()
    steady(world.bob_person)
    assert ready_to_convene_for(world.alice) == []
    with pytest.raises(ValidationError):
        services.convening_ask(actor=world.alice, person=world.bob_person)


def test_asking_them_is_one_click_and_rests_the_prompt(world):
    steady(world.bob_person)
    services.convening_ask(actor=world.alice, person=world.bob_person)
    assert ready_to_convene_for(world.alice) == []
    assert "convene a network" in world.bob_person.notes
    assert AuditEntry.objects.filter(action="ladder.ask_to_convene").exists()


def test_only_organizers_see_prompts_or_ask(world):
    steady(world.bob_person)
    assert prompts_for(world.carol) == [] and prompts_for(world.charlie) == []
    with pytest.raises(PermissionDenied):
        services.convening_ask(actor=world.carol, person=world.bob_person)


def test_a_new_convener_without_a_coach_is_paired_with_an_experienced_one(world, seasoned):
    prompts = needs_coach_for(world.alice)
    assert [(p.person, p.coach) for p in prompts] == [(world.dave_person, seasoned)]


def test_the_coach_suggested_has_the_fewest_coachees_then_the_same_place(world, seasoned):
    other = make_person(world.chapter, "Olga", place=world.place)
    net = make_network(world.chapter, "Olga's", started_on=timezone.localdate())
    Membership.objects.create(network=net, person=other, role="convener",
                              joined_on=timezone.localdate() - timedelta(days=200))
    refresh_stage(other)
    someone = make_person(world.chapter, "Sam")
    CoachingPair.objects.create(chapter=world.chapter, coach=seasoned, coached=someone)
    assert coach_candidates_for(world.alice, world.dave_person)[0] == other


def test_pairing_is_recorded_shown_on_both_pages_and_ends_the_prompt(world, seasoned):
    pair = services.coaching_start(actor=world.alice, coach=seasoned, coached=world.dave_person)
    assert needs_coach_for(world.alice) == []
    coaches, coached_by = coaching_for(world.alice, world.dave_person)
    assert coaches == [] and [p.name for p in coached_by] == ["Carol"]
    coaches, coached_by = coaching_for(world.alice, seasoned)
    assert [p.name for p in coaches] == ["Dave"] and coached_by == []
    assert AuditEntry.objects.filter(action="coaching.start").exists()
    services.coaching_end(actor=world.dave, pair=pair)
    pair.refresh_from_db()
    assert pair.ended_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="coaching.end").exists()


def test_partners_the_viewer_may_not_see_keep_their_place_without_a_name(world, seasoned):
    services.coaching_start(actor=world.alice, coach=seasoned, coached=world.dave_person)
    coaches, _coached_by = coaching_for(world.bob, seasoned)  # bob is in carol's network only
    assert coaches[0].name == "" and not coaches[0].visible


def visible_to(user):
    forget_scope(user)
    return set(Person.objects.filter(scope_of(user).people_q()).values_list("id", flat=True))


def test_a_coach_and_the_person_they_coach_see_each_other_until_the_pair_ends(world, seasoned):
    dave, carol = world.dave_person, world.carol_person
    assert dave.id not in visible_to(world.carol) and carol.id not in visible_to(world.dave)
    others = {u.pk: visible_to(u) for u in (world.bob, world.charlie)}
    pair = services.coaching_start(actor=world.alice, coach=carol, coached=dave)
    assert dave.id in visible_to(world.carol) and carol.id in visible_to(world.dave)
    _coaches, coached_by = coaching_for(world.dave, dave)
    assert coached_by[0].name == "Carol" and coached_by[0].visible
    assert not may_read_contacts(scope_of(world.carol), dave)  # names, not contact details
    assert {u.pk: visible_to(u) for u in (world.bob, world.charlie)} == others  # nobody else
    services.coaching_end(actor=world.carol, pair=pair)
    assert dave.id not in visible_to(world.carol) and carol.id not in visible_to(world.dave)


def test_a_discreet_partner_stays_unlisted(world, seasoned):
    Person.objects.filter(pk=world.dave_person.pk).update(discreet=True)
    world.dave_person.refresh_from_db()
    services.coaching_start(actor=world.alice, coach=seasoned, coached=world.dave_person)
    assert world.dave_person.id not in visible_to(world.carol)


def test_a_coach_must_be_a_convener_and_someone_else(world, seasoned):
    with pytest.raises(ValidationError):
        services.coaching_start(actor=world.alice, coach=world.erin, coached=world.dave_person)
    with pytest.raises(ValidationError):
        services.coaching_start(actor=world.alice, coach=seasoned, coached=seasoned)
    services.coaching_start(actor=world.alice, coach=seasoned, coached=world.dave_person)
    with pytest.raises(ValidationError):  # already paired
        services.coaching_start(actor=world.alice, coach=seasoned, coached=world.dave_person)
    assert CoachingPair.objects.count() == 1


def test_only_organizers_pair_and_outsiders_end_nothing(world, seasoned):
    for user in (world.bob, world.carol, world.dave, world.charlie):
        with pytest.raises(PermissionDenied):
            services.coaching_start(actor=user, coach=seasoned, coached=world.dave_person)
    pair = services.coaching_start(actor=world.alice, coach=seasoned, coached=world.dave_person)
    for user in (world.bob, world.charlie):
        with pytest.raises(PermissionDenied):
            services.coaching_end(actor=user, pair=pair)
    pair.refresh_from_db()
    assert pair.ended_on is None


def test_a_builder_is_an_experienced_coach_whatever_their_dates(world):
    fresh = make_person(world.chapter, "Fresh")
    join(world.other_network, fresh)
    world.dave_person.stage = Stage.BUILDER
    world.dave_person.save()
    assert world.dave_person in coach_candidates_for(world.alice, fresh)
