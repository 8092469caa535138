"""Every ladder transition, up from the stage below and back down, with the chapter's own
thresholds; the stage-change history the timeline reads; the daily refresh."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from netweave.core.ledger import record
from netweave.core.models import AuditEntry, Contribution
from netweave.core.testing import join, make_network, make_person
from netweave.networks import services as networks
from netweave.networks.models import Membership, Network
from netweave.people import services
from netweave.people.jobs import DAILY_LADDER
from netweave.people.ladder import refresh_action_stages, refresh_stage, stage_of
from netweave.people.models import ChapterSettings, Person, Stage, StageChange

K = Contribution.Kind


def act(person, *, days_ago=0, kind=K.TASK_DONE):
    """One action of the person's own, `days_ago` days back."""
    record(kind=kind, chapter_id=person.chapter_id, person=person,
           occurred_at=timezone.now() - timedelta(days=days_ago))


def set_rules(world, **values):
    return services.chapter_settings_update(actor=world.alice, chapter=world.chapter, **values)


@pytest.fixture
def fay(world):
    return make_person(world.chapter, "Fay")


def stage(person):
    refresh_stage(person)
    person.refresh_from_db()
    return person.stage


# --- up, one rung at a time -----------------------------------------------------------------


def test_a_new_person_is_a_contact(world, fay):
    assert stage(fay) == Stage.CONTACT


def test_a_contact_who_does_something_becomes_a_participant(world, fay):
    act(fay)
    assert stage(fay) == Stage.PARTICIPANT


def test_signing_up_or_being_followed_up_is_not_doing_something(world, fay):
    record(kind=K.SIGNED_UP, chapter_id=world.chapter.id, person=fay)
    record(kind=K.FOLLOWED_UP, chapter_id=world.chapter.id, subject_person=fay)
    assert stage(fay) == Stage.CONTACT


def test_a_participant_becomes_a_contributor_at_the_chapters_threshold(world, fay):
    set_rules(world, contributor_actions=2, contributor_days=30)
    act(fay)
    assert stage(fay) == Stage.PARTICIPANT
    act(fay, days_ago=3)
    assert stage(fay) == Stage.CONTRIBUTOR


def test_the_threshold_is_the_chapters_own(world, fay):
    for days in (1, 2, 3):
        act(fay, days_ago=days)
    assert stage(fay) == Stage.CONTRIBUTOR  # the default: 3 in 90 days
    set_rules(world, contributor_actions=4)
    fay.refresh_from_db()
    assert fay.stage == Stage.PARTICIPANT  # moved at once when the chapter raised the bar


def test_a_contributor_who_joins_an_active_network_is_organized(world, fay):
    for days in (1, 2, 3):
        act(fay, days_ago=days)
    assert stage(fay) == Stage.CONTRIBUTOR
    networks.membership_add(actor=world.alice, network=world.network, person=fay)
    fay.refresh_from_db()
    assert fay.stage == Stage.ORGANIZED


def test_someone_organized_who_convenes_a_network_is_a_convener(world):
    assert stage(world.bob_person) == Stage.ORGANIZED
    networks.membership_set_role(actor=world.alice, membership=world.bob_person.memberships.get(),
                                 role=Membership.Role.CONVENER)
    world.bob_person.refresh_from_db()
    assert world.bob_person.stage == Stage.CONVENER


def test_a_convener_who_seeds_a_network_from_theirs_is_a_builder_at_once(world):
    assert stage(world.carol_person) == Stage.CONVENER
    networks.network_seed(actor=world.carol, parent=world.network, name="School table",
                          kind=world.network.kind, seeded_by=world.carol_person,
                          convener=world.bob_person)
    world.carol_person.refresh_from_db()
    assert world.carol_person.stage == Stage.BUILDER


def test_a_convener_whose_member_seeds_a_network_is_a_builder_at_once(world):
    assert stage(world.carol_person) == Stage.CONVENER
    networks.network_seed(actor=world.bob, parent=world.network, name="School table",
                          kind=world.network.kind, seeded_by=world.bob_person)
    world.carol_person.refresh_from_db()
    assert world.carol_person.stage == Stage.BUILDER
    assert StageChange.objects.filter(person=world.carol_person, to_stage=Stage.BUILDER).exists()
    assert DAILY_LADDER.run(timezone.localdate()) == "ladder refreshed: 0 moved"  # nothing left


def test_seeding_moves_only_the_parents_current_conveners(world):
    former = make_person(world.chapter, "Former convener")
    Membership.objects.create(network=world.network, person=former, role="convener",
                              joined_on=timezone.localdate() - timedelta(days=90),
                              left_on=timezone.localdate() - timedelta(days=30))
    before = stage(former)
    assert stage(world.dave_person) == Stage.CONVENER
    networks.network_seed(actor=world.bob, parent=world.network, name="School table",
                          kind=world.network.kind, seeded_by=world.bob_person)
    world.dave_person.refresh_from_db()
    former.refresh_from_db()
    assert world.dave_person.stage == Stage.CONVENER  # convenes another network: unmoved
    assert former.stage == before != Stage.BUILDER


def test_the_worker_runs_the_daily_ladder_with_the_other_jobs(world, settings):
    from netweave.core.worker import JOBS, load_jobs, run_due

    settings.NETWEAVE_QUEUE_URL = ""  # in-process, as on the embedded default
    assert "netweave.people.jobs.DAILY_LADDER" in JOBS
    assert DAILY_LADDER in load_jobs()
    today = timezone.localdate()
    outcomes = run_due([DAILY_LADDER], today)
    assert [(o.job, o.ok) for o in outcomes] == [("people.ladder", True)]
    assert run_due([DAILY_LADDER], today) == []  # done for the day


# --- and back down --------------------------------------------------------------------------


def test_a_contributor_whose_actions_age_out_of_the_window_is_a_participant_again(world, fay):
    set_rules(world, contributor_actions=2, contributor_days=30)
    act(fay, days_ago=20)
    act(fay, days_ago=25)
    assert stage(fay) == Stage.CONTRIBUTOR
    set_rules(world, contributor_days=14)  # as if three weeks had passed
    fay.refresh_from_db()
    assert fay.stage == Stage.PARTICIPANT


def test_the_daily_job_moves_contributors_whose_actions_aged_out(world, fay):
    for days in (80, 85, 89):
        act(fay, days_ago=days)
    assert stage(fay) == Stage.CONTRIBUTOR
    rules = ChapterSettings.for_chapter(world.chapter.id)
    rules.contributor_days = 60  # written behind the service's back: only the job notices
    rules.save()
    today = timezone.localdate()
    assert DAILY_LADDER.is_due(today)
    assert "1 moved" in DAILY_LADDER.run(today)
    fay.refresh_from_db()
    assert fay.stage == Stage.PARTICIPANT
    assert not DAILY_LADDER.is_due(today)  # once a day


def test_an_organized_member_whose_network_goes_dormant_drops_back(world):
    act(world.bob_person)
    assert stage(world.bob_person) == Stage.ORGANIZED
    networks.network_update(actor=world.alice, network=world.network, status="dormant")
    world.bob_person.refresh_from_db()
    assert world.bob_person.stage == Stage.PARTICIPANT


def test_an_organized_member_who_leaves_the_network_drops_back(world):
    assert stage(world.bob_person) == Stage.ORGANIZED
    networks.membership_end(actor=world.bob, membership=world.bob_person.memberships.get())
    world.bob_person.refresh_from_db()
    assert world.bob_person.stage == Stage.CONTACT


def test_a_convener_whose_network_goes_dormant_is_no_longer_a_convener(world):
    join(world.other_network, world.carol_person)  # she is also a member of an active one
    assert stage(world.carol_person) == Stage.CONVENER
    networks.network_update(actor=world.alice, network=world.network, status="dormant")
    world.carol_person.refresh_from_db()
    assert world.carol_person.stage == Stage.ORGANIZED


def test_a_convener_made_a_member_again_drops_to_organized(world):
    assert stage(world.carol_person) == Stage.CONVENER
    networks.membership_set_role(actor=world.alice,
                                 membership=world.carol_person.memberships.get(),
                                 role=Membership.Role.MEMBER)
    world.carol_person.refresh_from_db()
    assert world.carol_person.stage == Stage.ORGANIZED


def test_a_convener_who_leaves_drops_to_what_their_actions_say(world):
    act(world.carol_person)
    assert stage(world.carol_person) == Stage.CONVENER
    networks.membership_end(actor=world.carol,
                            membership=world.carol_person.memberships.get())
    world.carol_person.refresh_from_db()
    assert world.carol_person.stage == Stage.PARTICIPANT


def test_a_builder_stays_a_builder_after_stepping_down(world):
    networks.network_seed(actor=world.carol, parent=world.network, name="Child",
                          kind=world.network.kind, seeded_by=world.bob_person)
    networks.membership_end(actor=world.carol, membership=world.carol_person.memberships.get())
    assert stage(world.carol_person) == Stage.BUILDER


def test_a_builder_whose_only_seeded_network_dissolves_drops_back(world):
    child = networks.network_seed(actor=world.carol, parent=world.network, name="Child",
                                  kind=world.network.kind, seeded_by=world.bob_person)
    assert stage(world.carol_person) == Stage.BUILDER
    Network.objects.filter(pk=child.pk).update(status=Network.Status.DISSOLVED)
    assert stage(world.carol_person) == Stage.CONVENER


def test_convening_a_network_after_it_seeded_another_does_not_make_a_builder(world, fay):
    old = make_network(world.chapter, "Old stream")
    make_network(world.chapter, "Its child", parent=old,
                 started_on=timezone.localdate() - timedelta(days=30))
    Membership.objects.create(network=old, person=fay, role=Membership.Role.CONVENER)
    assert stage(fay) == Stage.CONVENER


# --- the history the timeline reads ---------------------------------------------------------


def test_every_move_is_written_up_and_down(world, fay):
    act(fay)
    refresh_stage(fay)
    networks.membership_add(actor=world.alice, network=world.network, person=fay)
    networks.membership_end(actor=world.alice, membership=fay.memberships.get())
    moves = [(c.from_stage, c.to_stage, c.is_up)
             for c in StageChange.objects.filter(person=fay).order_by("id")]
    assert moves == [
        (Stage.CONTACT, Stage.PARTICIPANT, True),
        (Stage.PARTICIPANT, Stage.ORGANIZED, True),
        (Stage.ORGANIZED, Stage.PARTICIPANT, False),
    ]


def test_no_move_writes_nothing(world, fay):
    refresh_stage(fay)
    refresh_stage(fay)
    assert not StageChange.objects.filter(person=fay).exists()


def test_the_bulk_refresh_agrees_with_the_ladder(world):
    people = [make_person(world.chapter, f"P{i}") for i in range(4)]
    for i, person in enumerate(people):
        for d in range(i + 1):
            act(person, days_ago=d)
        refresh_stage(person)
    set_rules(world, contributor_actions=2)
    refresh_action_stages(world.chapter.id)
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        assert person.stage == stage_of(person)


# --- the settings themselves ----------------------------------------------------------------


def test_a_chapter_without_settings_uses_the_defaults_and_writes_nothing(world):
    rules = ChapterSettings.for_chapter(world.chapter.id)
    assert rules.pk is None and rules.contributor_actions == 3
    assert not ChapterSettings.objects.exists()


def test_only_the_chapters_organizers_change_its_settings(world):
    for user in (world.bob, world.carol, world.charlie):
        with pytest.raises(PermissionDenied):
            services.chapter_settings_update(actor=user, chapter=world.chapter,
                                             contributor_actions=1)
    assert not ChapterSettings.objects.exists()


def test_a_setting_out_of_range_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        services.chapter_settings_update(actor=world.alice, chapter=world.chapter,
                                         contributor_actions=0, link_days=7)
    assert "contributor_actions" in caught.value.message_dict
    assert not ChapterSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="chapter_settings.update").exists()


def test_changing_settings_is_audited_with_the_fields_changed(world):
    set_rules(world, contributor_actions=5, link_days=14)
    entry = AuditEntry.objects.get(action="chapter_settings.update")
    assert entry.detail["fields"] == ["contributor_actions"]
