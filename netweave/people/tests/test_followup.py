"""Follow-up: every state transition the service allows or refuses; owners and due dates for
new people; assigning (one or many), accepting and declining; the dispatcher's workload;
untouched people and networks; the reminders the notify app sends."""

from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from netweave.core.ledger import record
from netweave.core.models import AuditEntry, Contribution
from netweave.core.testing import make_person, make_user
from netweave.networks.models import Network
from netweave.outreach.services import code_for_network, code_for_person
from netweave.people import services
from netweave.people.models import ChapterSettings, FollowUp, Person
from netweave.people.selectors import (
    followup_reminders_due,
    followup_workload_for,
    followups_due_for,
    untouched_networks_for,
    untouched_people_for,
)

F = FollowUp
ALLOWED = {
    (F.NEW, F.CONTACTED), (F.NEW, F.MET), (F.NEW, F.FIRST_TASK), (F.NEW, F.IN_NETWORK),
    (F.CONTACTED, F.MET), (F.CONTACTED, F.FIRST_TASK), (F.CONTACTED, F.IN_NETWORK),
    (F.MET, F.FIRST_TASK), (F.MET, F.IN_NETWORK), (F.FIRST_TASK, F.IN_NETWORK),
    (F.NOT_NOW, F.CONTACTED), (F.NOT_NOW, F.MET), (F.NOT_NOW, F.FIRST_TASK),
    (F.NOT_NOW, F.IN_NETWORK),
    *((s, F.NOT_NOW) for s in (F.NEW, F.CONTACTED, F.MET, F.FIRST_TASK, F.IN_NETWORK)),
    *((s, F.DO_NOT_CONTACT) for s in (F.NEW, F.CONTACTED, F.MET, F.FIRST_TASK, F.IN_NETWORK,
                                       F.NOT_NOW)),
    *((s, s) for s in F.values),
}
MOVES = list(product(F.values, F.values))


@pytest.mark.parametrize(("current", "to"), MOVES, ids=[f"{a}->{b}" for a, b in MOVES])
def test_every_followup_transition_is_allowed_or_refused_as_the_table_says(world, current, to):
    Person.objects.filter(pk=world.erin.pk).update(followup_status=current)
    world.erin.refresh_from_db()
    entries = Contribution.objects.count()
    if (current, to) in ALLOWED:
        services.followup_update(actor=world.alice, person=world.erin, status=to)
        world.erin.refresh_from_db()
        assert world.erin.followup_status == to
        assert Contribution.objects.count() == entries + (current != to)
    else:
        with pytest.raises(ValidationError) as caught:
            services.followup_update(actor=world.alice, person=world.erin, status=to,
                                     note="tried")
        assert "status" in caught.value.message_dict
        world.erin.refresh_from_db()
        assert world.erin.followup_status == current and world.erin.notes == ""
        assert Contribution.objects.count() == entries


def test_an_unknown_state_is_refused(world):
    with pytest.raises(ValidationError):
        services.followup_update(actor=world.alice, person=world.erin, status="maybe")


def test_a_step_touches_the_person(world):
    services.followup_update(actor=world.alice, person=world.erin, status=F.NEW, note="Rang")
    world.erin.refresh_from_db()
    assert world.erin.touched_at is not None and "Rang" in world.erin.notes


def test_only_organizers_and_the_owner_record_steps(world):
    for user in (world.bob, world.carol, world.charlie):
        with pytest.raises(PermissionDenied):
            services.followup_update(actor=user, person=world.erin, status=F.CONTACTED)


# --- every new person gets an owner and a due date ------------------------------------------


def test_someone_recorded_is_followed_up_by_the_recorder_already_accepted(world):
    person = services.person_create(actor=world.alice, chapter=world.chapter, display_name="Gus")
    assert person.followup_owner == world.alice and person.followup_assigned_by == world.alice
    assert person.followup_accepted_at is not None
    assert person.followup_due == timezone.localdate() + timedelta(days=3)


def test_the_first_due_date_is_the_chapters_setting(world):
    services.chapter_settings_update(actor=world.alice, chapter=world.chapter, followup_days=1)
    code = code_for_person(actor=world.carol, person=world.carol_person)
    person, _ = services.person_signup(code=code, display_name="Ines", email="i@example.org")
    assert person.followup_due == timezone.localdate() + timedelta(days=1)


def test_a_signup_goes_to_whoever_brought_them_in_pending_their_acceptance(world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    person, _ = services.person_signup(code=code, display_name="Ines", email="i@example.org")
    assert person.followup_owner == world.carol
    assert person.followup_pending and person.followup_assigned_by is None


def test_a_signup_through_a_network_code_goes_to_its_convener(world):
    code = code_for_network(actor=world.alice, network=world.network)
    person, _ = services.person_signup(code=code, display_name="Ines", email="i@example.org")
    assert person.followup_owner == world.carol


def test_a_discreet_signup_goes_only_to_an_organizer(world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    person, _ = services.person_signup(code=code, display_name="Ines", email="i@example.org",
                                       discreet=True)
    assert person.followup_owner is None  # carol is no organizer; the organizers' list has it
    assert person in followups_due_for(world.alice)


def test_a_signup_skips_an_owner_whose_account_is_closed(world):
    world.carol.is_active = False
    world.carol.save()
    code = code_for_person(actor=world.alice, person=world.carol_person)
    person, _ = services.person_signup(code=code, display_name="Ines", email="i@example.org")
    assert person.followup_owner == world.alice  # who made the code


# --- assign, accept, decline ----------------------------------------------------------------


def test_an_organizer_hands_a_follow_up_on_and_it_waits_for_acceptance(world):
    services.followup_update(actor=world.alice, person=world.erin, status=F.NEW,
                             owner=world.carol)
    world.erin.refresh_from_db()
    assert world.erin.followup_owner == world.carol
    assert world.erin.followup_assigned_by == world.alice and world.erin.followup_pending
    assert AuditEntry.objects.filter(action="followup.assign").exists()


def test_the_owner_accepts_once(world):
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    services.followup_accept(actor=world.carol, person=world.erin)
    assert not world.erin.followup_pending
    with pytest.raises(ValidationError):
        services.followup_accept(actor=world.carol, person=world.erin)


def test_only_the_owner_accepts_or_declines(world):
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    for user in (world.alice, world.bob, world.dave, world.charlie):
        with pytest.raises(PermissionDenied):
            services.followup_accept(actor=user, person=world.erin)
        with pytest.raises(PermissionDenied):
            services.followup_decline(actor=user, person=world.erin)
    world.erin.refresh_from_db()
    assert world.erin.followup_owner == world.carol and world.erin.followup_pending


def test_a_decline_goes_back_to_whoever_assigned_it_and_into_their_list(world):
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    services.followup_decline(actor=world.carol, person=world.erin, reason="Away all month")
    world.erin.refresh_from_db()
    assert world.erin.followup_owner == world.alice and not world.erin.followup_pending
    assert "carol declined" in world.erin.notes and "Away all month" in world.erin.notes
    assert world.erin in followups_due_for(world.alice)
    assert world.erin not in followups_due_for(world.carol)


def test_a_decline_of_a_signup_nobody_assigned_goes_to_the_organizers_list(world):
    code = code_for_person(actor=world.carol, person=world.carol_person)
    person, _ = services.person_signup(code=code, display_name="Ines", email="i@example.org")
    services.followup_decline(actor=world.carol, person=person)
    person.refresh_from_db()
    assert person.followup_owner is None
    assert person in followups_due_for(world.alice)


def test_an_accepted_follow_up_cannot_be_declined(world):
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    services.followup_accept(actor=world.carol, person=world.erin)
    with pytest.raises(ValidationError):
        services.followup_decline(actor=world.carol, person=world.erin)
    world.erin.refresh_from_db()
    assert world.erin.followup_owner == world.carol


def test_organizers_assign_many_people_at_once(world):
    gus = make_person(world.chapter, "Gus")
    due = timezone.localdate() + timedelta(days=5)
    count = services.followup_assign(actor=world.alice, people=[world.erin, gus],
                                     owner=world.carol, due=due)
    assert count == 2
    for person in Person.objects.filter(pk__in=[world.erin.pk, gus.pk]):
        assert person.followup_owner == world.carol and person.followup_due == due
        assert person.followup_pending
    assert AuditEntry.objects.filter(action="followup.assign").count() == 2


def test_bulk_assignment_is_all_or_nothing(world):
    quiet = make_person(world.chapter, "Quiet", followup_status=F.DO_NOT_CONTACT)
    with pytest.raises(ValidationError) as caught:
        services.followup_assign(actor=world.alice, people=[world.erin, quiet],
                                 owner=world.carol)
    assert "Quiet" in str(caught.value)
    world.erin.refresh_from_db()
    assert world.erin.followup_owner is None
    assert not AuditEntry.objects.filter(action="followup.assign").exists()


def test_discreet_people_are_handed_only_to_organizers(world):
    secret = make_person(world.chapter, "Secret", discreet=True)
    with pytest.raises(ValidationError) as caught:
        services.followup_assign(actor=world.alice, people=[secret], owner=world.carol)
    assert "owner" in caught.value.message_dict
    services.followup_assign(actor=world.alice, people=[secret], owner=world.alice)


def test_an_owner_must_belong_to_the_chapter(world):
    with pytest.raises(ValidationError):
        services.followup_assign(actor=world.alice, people=[world.erin], owner=world.charlie)


def test_an_organizer_of_another_chapter_assigns_nothing_here(world):
    with pytest.raises(PermissionDenied):
        services.followup_assign(actor=world.charlie, people=[world.erin], owner=world.charlie)


def test_an_empty_selection_or_a_past_date_is_refused(world):
    with pytest.raises(ValidationError):
        services.followup_assign(actor=world.alice, people=[], owner=world.carol)
    with pytest.raises(ValidationError):
        services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol,
                                 due=timezone.localdate() - timedelta(days=1))


# --- the dispatcher's view, untouched records, reminders ------------------------------------


def test_the_workload_counts_open_overdue_and_pending_with_place_and_languages(world):
    Person.objects.filter(pk=world.carol_person.pk).update(languages=["es", "en"])
    yesterday = timezone.localdate() - timedelta(days=1)
    make_person(world.chapter, "Late", followup_owner=world.carol, followup_due=yesterday)
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    make_person(world.chapter, "Closed", followup_owner=world.carol,
                followup_status=F.NOT_NOW, followup_due=yesterday)
    load = {w.user.username: w for w in followup_workload_for(world.alice, world.chapter.id)}
    carol = load["carol"]
    assert (carol.open, carol.overdue, carol.pending) == (2, 1, 2)
    assert carol.place == "Eastside" and carol.languages == ["es", "en"]
    assert "charlie" not in load


def test_people_nobody_touched_for_the_chapters_days_are_flagged(world):
    old = timezone.now() - timedelta(days=40)
    Person.objects.filter(pk=world.erin.pk).update(joined_at=old)
    stale = list(untouched_people_for(world.alice))
    assert world.erin in stale and world.bob_person not in stale
    services.followup_update(actor=world.alice, person=world.erin, status=F.NEW, note="Rang")
    assert world.erin not in list(untouched_people_for(world.alice))


def test_the_untouched_days_are_the_chapters(world):
    Person.objects.filter(pk=world.erin.pk).update(joined_at=timezone.now() - timedelta(days=10))
    assert world.erin not in list(untouched_people_for(world.alice))
    services.chapter_settings_update(actor=world.alice, chapter=world.chapter,
                                     untouched_person_days=7)
    assert world.erin in list(untouched_people_for(world.alice))


def test_their_own_activity_counts_as_a_touch_and_decisions_are_not_neglect(world):
    old = timezone.now() - timedelta(days=40)
    Person.objects.filter(pk=world.erin.pk).update(joined_at=old)
    record(kind=Contribution.Kind.TASK_DONE, chapter_id=world.chapter.id, person=world.erin)
    assert world.erin not in list(untouched_people_for(world.alice))
    gone = make_person(world.chapter, "Gone", joined_at=old, followup_status=F.NOT_NOW)
    assert gone not in list(untouched_people_for(world.alice))


def test_networks_nobody_touched_are_flagged_until_something_is_recorded(world):
    old = timezone.now() - timedelta(days=40)
    Network.objects.filter(pk=world.other_network.pk).update(created_at=old)
    Network.objects.filter(pk=world.hilltop_network.pk).update(created_at=old)
    assert list(untouched_networks_for(world.alice)) == [world.other_network]
    record(kind=Contribution.Kind.EVENT_HOSTED, chapter_id=world.chapter.id,
           network=world.other_network)
    assert list(untouched_networks_for(world.alice)) == []


def test_untouched_lists_are_for_organizers_only(world):
    Person.objects.update(joined_at=timezone.now() - timedelta(days=40))
    assert list(untouched_people_for(world.carol)) == []
    assert list(untouched_people_for(world.charlie)) == [world.hilltop_person]


def test_reminders_group_each_owners_due_follow_ups(world):
    today = timezone.localdate()
    make_person(world.chapter, "Due", followup_owner=world.carol, followup_due=today)
    make_person(world.chapter, "Late", followup_owner=world.carol,
                followup_due=today - timedelta(days=2))
    make_person(world.chapter, "Later", followup_owner=world.carol,
                followup_due=today + timedelta(days=2))
    make_person(world.chapter, "Paused", followup_owner=world.dave, followup_due=today,
                followup_status=F.NOT_NOW)
    idle = make_user("idle", is_active=False)
    make_person(world.chapter, "Orphan", followup_owner=idle, followup_due=today)
    reminders = followup_reminders_due(today)
    assert [(owner.username, [p.display_name for p in people]) for owner, people in reminders] \
        == [("carol", ["Late", "Due"])]


def test_settings_default_row_is_created_on_first_save(world):
    services.chapter_settings_update(actor=world.alice, chapter=world.chapter, link_days=3)
    assert ChapterSettings.objects.get(chapter=world.chapter).link_days == 3
