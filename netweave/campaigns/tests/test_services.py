"""Campaign services, access and progress: who may plan, what is refused, what is counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from netweave.campaigns.access import access_campaign
from netweave.campaigns.models import Campaign
from netweave.campaigns.selectors import (
    campaign_choices_for,
    campaign_progress,
    campaign_totals,
    campaigns_for,
    contributing_networks,
)
from netweave.campaigns.services import campaign_create, campaign_update
from netweave.campaigns.tests.fixtures import EXPECTED, GOALS, build, plan
from netweave.core.models import AuditEntry, Contribution
from netweave.events.services import event_create, event_update
from netweave.work.services import task_assign

pytestmark = pytest.mark.django_db


def values(**overrides):  # noqa: ANN003, ANN201
    today = timezone.localdate()
    return {"name": "Film launch", "starts_on": today, "ends_on": today + timedelta(days=30),
            "goals": {"showings": "5", "flyers": 2000}, **overrides}


# --- Planning --------------------------------------------------------------------------------


def test_an_organizer_plans_a_campaign_with_goals_and_an_audit_row(world):
    campaign = campaign_create(actor=world.alice, chapter=world.chapter,
                               **values(name="  Film launch  "))
    assert campaign.name == "Film launch"
    assert campaign.goals == {"showings": 5, "flyers": 2000}
    assert campaign.created_by == world.alice
    assert AuditEntry.objects.filter(action="campaign.create", target=campaign.public_id).exists()


@pytest.mark.parametrize("who", ["bob", "carol", "dave", "charlie"])
def test_members_conveners_and_other_chapters_organizers_may_not_plan(world, who):
    with pytest.raises(PermissionDenied):
        campaign_create(actor=getattr(world, who), chapter=world.chapter, **values())
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": "  "}, "name"),
    ({"name": "x" * 161}, "name"),
    ({"starts_on": None}, "starts_on"),
    ({"ends_on": None}, "ends_on"),
    ({"ends_on": timezone.localdate() - timedelta(days=1)}, "ends_on"),
    ({"ends_on": timezone.localdate() + timedelta(days=5 * 365)}, "ends_on"),
    ({"goals": {}}, "goals"),
    ({"goals": {"showings": 0, "flyers": ""}}, "goals"),
    ({"goals": {"showings": "many"}}, "showings"),
    ({"goals": {"flyers": -3}}, "flyers"),
    ({"goals": {"flyers": 10_000_001}}, "flyers"),
    ({"goals": {"likes": 5}}, "likes"),
])
def test_bad_input_is_refused_by_field_and_writes_nothing(world, overrides, field):
    audit_rows = AuditEntry.objects.count()  # the world's accounts are audited as they are made
    with pytest.raises(ValidationError) as exc:
        campaign_create(actor=world.alice, chapter=world.chapter, **values(**overrides))
    assert field in exc.value.message_dict
    assert not Campaign.objects.exists() and AuditEntry.objects.count() == audit_rows


def test_the_database_refuses_a_campaign_that_ends_before_it_starts(world):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(chapter=world.chapter, name="Backwards", starts_on=today,
                                ends_on=today - timedelta(days=1))


def test_an_organizer_updates_a_campaign_and_zero_drops_a_goal(world):
    campaign = plan(world)
    campaign_update(actor=world.alice, campaign=campaign, name="Film launch, part 2",
                    goals={**GOALS, "money_raised": 0, "signups": 25})
    campaign.refresh_from_db()
    assert campaign.name == "Film launch, part 2"
    assert "money_raised" not in campaign.goals and campaign.goals["signups"] == 25
    assert AuditEntry.objects.filter(action="campaign.update").count() == 1


def test_a_refused_update_changes_nothing(world):
    campaign = plan(world)
    with pytest.raises(ValidationError):
        campaign_update(actor=world.alice, campaign=campaign, name="",
                        ends_on=campaign.starts_on - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        campaign_update(actor=world.carol, campaign=campaign, name="Mine now")
    campaign.refresh_from_db()
    assert campaign.name == "Film launch" and campaign.ends_on > campaign.starts_on


# --- Who sees campaigns ----------------------------------------------------------------------


def test_the_chapter_sees_its_campaigns_and_only_organizers_may_change_them(world):
    campaign = plan(world)
    for user in (world.alice, world.bob, world.carol, world.dave, world.admin):
        assert list(campaigns_for(user)) == [campaign]
        assert access_campaign(user, campaign.public_id) == campaign
    for user in (world.bob, world.carol, world.dave):
        with pytest.raises(PermissionDenied):
            access_campaign(user, campaign.public_id, for_write=True)
    assert access_campaign(world.alice, campaign.public_id, for_write=True) == campaign
    assert list(campaigns_for(world.charlie)) == []
    with pytest.raises(Http404):
        access_campaign(world.charlie, campaign.public_id)
    assert list(campaigns_for(None)) == []


def test_ended_campaigns_are_not_offered_for_new_work_unless_already_chosen(world):
    today = timezone.localdate()
    running = plan(world)
    ended = plan(world, "Last year", starts_on=today - timedelta(days=400),
                 ends_on=today - timedelta(days=300))
    assert list(campaign_choices_for(world.bob)) == [running]
    assert set(campaign_choices_for(world.alice, keep_id=ended.id)) == {running, ended}
    assert list(campaign_choices_for(world.charlie)) == []


# --- Tasks and events in a campaign ----------------------------------------------------------


def test_tasks_and_events_join_a_campaign_of_their_own_chapter_only(world):
    campaign = plan(world)
    hilltop = Campaign.objects.create(chapter=world.other_chapter, name="Hilltop push",
                                      starts_on=campaign.starts_on, ends_on=campaign.ends_on)
    task = task_assign(actor=world.alice, playbook=world.playbook, person=world.bob_person,
                       campaign=campaign)
    assert task.campaign == campaign
    with pytest.raises(ValidationError) as exc:
        task_assign(actor=world.alice, playbook=world.playbook, person=world.bob_person,
                    campaign=hilltop)
    assert "campaign" in exc.value.message_dict
    starts = timezone.now() + timedelta(days=2)
    event = event_create(actor=world.alice, chapter=world.chapter, title="Showing",
                         starts_at=starts, host_network=world.network, campaign=campaign)
    assert event.campaign == campaign
    with pytest.raises(ValidationError) as exc:
        event_create(actor=world.alice, chapter=world.chapter, title="Showing",
                     starts_at=starts, campaign=hilltop)
    assert "campaign" in exc.value.message_dict
    event_update(actor=world.alice, event=event, campaign=None)
    event.refresh_from_db()
    assert event.campaign is None


def test_the_ledger_credits_work_to_the_task_or_event_campaign(world):
    built = build(world)
    campaign = built.campaign
    kinds = set(Contribution.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert kinds == {"task_done", "task_accepted", "event_hosted", "event_attended"}
    t7 = built.tasks["T7"]
    assert Contribution.objects.get(task=t7, kind="task_done").campaign is None
    e4 = built.events["E4"]
    assert set(Contribution.objects.filter(event=e4).values_list("campaign", flat=True)) == {
        built.other_campaign.id}


# --- Progress --------------------------------------------------------------------------------


def test_totals_count_only_the_campaigns_own_work(world):
    built = build(world)
    assert campaign_totals(built.campaign) == EXPECTED


def test_progress_has_one_row_per_goal_with_its_share(world):
    built = build(world)
    rows = {row.key: row for row in campaign_progress(built.campaign)}
    assert list(rows) == ["showings", "flyers", "people_reached", "new_networks",
                          "money_raised", "signups"]
    assert (rows["flyers"].target, rows["flyers"].achieved) == (1000, 350)
    assert rows["flyers"].share == pytest.approx(0.35) and rows["flyers"].percent == 35
    assert rows["new_networks"].percent == 150  # exceeded: 3 of 2
    assert rows["showings"].percent == 25


def test_progress_skips_goals_the_campaign_does_not_set(world):
    built = build(world)
    other = built.other_campaign
    [row] = campaign_progress(other)
    # T6's 999 flyers; E4's showing is not a goal of this campaign.
    assert (row.key, row.target, row.achieved, row.percent) == ("flyers", 10, 999, 9990)


def test_a_new_campaign_has_made_no_progress_but_the_networks_started_during_it(world):
    campaign = plan(world)
    totals = campaign_totals(campaign)
    assert totals == {"showings": 0, "flyers": 0, "people_reached": 0, "new_networks": 2,
                      "money_raised": 0, "signups": 0}


def test_contributing_networks_are_counted_and_ordered(world):
    built = build(world)
    shares = contributing_networks(world.alice, built.campaign)
    got = [(s.network, s.tasks, s.events, s.contributions) for s in shares]
    # Eastside: T1 and T4 done, T5 accepted, E1 and E3 hosted, two people came to E1.
    # Campus: T3 done, E2 hosted (T8 was dropped).
    assert got == [(world.network, 3, 2, 7), (world.other_network, 1, 1, 2)]


def test_a_member_sees_the_counts_but_not_the_names_of_networks_not_theirs(world):
    built = build(world)
    shares = contributing_networks(world.bob, built.campaign)
    assert [(s.network, s.contributions) for s in shares] == [(world.network, 7), (None, 2)]


def test_campaign_progress_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    built = build(world)
    with django_assert_max_num_queries(5):
        campaign_totals(built.campaign)
    with django_assert_max_num_queries(4):
        contributing_networks(world.alice, built.campaign)
