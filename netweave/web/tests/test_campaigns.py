"""Campaign pages, driven as each role would: who may see and plan, progress, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netweave.campaigns.models import Campaign
from netweave.campaigns.tests.fixtures import build, plan
from netweave.core.models import AuditEntry
from netweave.events.models import Event
from netweave.work.models import Task

pytestmark = pytest.mark.django_db


def as_user(client, user):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client


def url(name: str, campaign: Campaign | None = None) -> str:
    kwargs = {"public_id": campaign.public_id} if campaign is not None else {}
    return reverse(name, kwargs=kwargs)


def form_data(**overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {"name": "Film launch", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(), "description": "New film",
            "showings": "6", "flyers": "2000", "people_reached": "", "new_networks": "3",
            "money_raised": "", "signups": ""}
    return {**data, **overrides}


# --- Who gets in -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["campaigns", "campaign_new", "campaign", "campaign_edit"])
def test_anonymous_visitors_are_sent_to_log_in(world, client, name):
    campaign = plan(world) if name in ("campaign", "campaign_edit") else None
    response = client.get(url(name, campaign))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("who", "status"), [
    ("alice", 200), ("admin", 200), ("bob", 200), ("carol", 200), ("dave", 200),
    ("charlie", 404),
])
def test_the_campaign_page_is_for_the_chapter(world, client, who, status):
    campaign = plan(world)
    assert as_user(client, getattr(world, who)).get(url("campaign", campaign)).status_code \
        == status


@pytest.mark.parametrize(("who", "status"), [
    ("alice", 200), ("admin", 200), ("bob", 403), ("carol", 403), ("dave", 403),
    ("charlie", 404),
])
def test_only_the_chapters_organizers_edit(world, client, who, status):
    campaign = plan(world)
    assert as_user(client, getattr(world, who)).get(url("campaign_edit", campaign)).status_code \
        == status


@pytest.mark.parametrize("who", ["bob", "carol", "dave"])
def test_members_and_conveners_may_not_plan_and_nothing_is_written(world, client, who):
    client = as_user(client, getattr(world, who))
    assert client.get(url("campaign_new")).status_code == 403
    assert client.post(url("campaign_new"), form_data()).status_code == 403
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("carol", 403), ("bob", 403), ("charlie", 404)])
def test_a_refused_edit_changes_nothing(world, client, who, status):
    campaign = plan(world)
    response = as_user(client, getattr(world, who)).post(
        url("campaign_edit", campaign), form_data(name="Taken over"))
    assert response.status_code == status
    campaign.refresh_from_db()
    assert campaign.name == "Film launch"
    assert not AuditEntry.objects.filter(action="campaign.update").exists()


def test_an_organizer_of_another_chapter_plans_for_their_own(world, client):
    response = as_user(client, world.charlie).post(url("campaign_new"), form_data())
    assert response.status_code == 302
    assert Campaign.objects.get().chapter == world.other_chapter


# --- Planning and editing --------------------------------------------------------------------


def test_an_organizer_plans_a_campaign(world, client):
    response = as_user(client, world.alice).post(url("campaign_new"), form_data())
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == url("campaign", campaign)
    assert campaign.chapter == world.chapter and campaign.created_by == world.alice
    assert campaign.goals == {"showings": 6, "flyers": 2000, "new_networks": 3}


def test_an_admin_chooses_the_chapter(world, client):
    body = as_user(client, world.admin).get(url("campaign_new")).content.decode()
    assert 'name="chapter"' in body
    data = form_data(chapter=world.other_chapter.public_id)
    assert as_user(client, world.admin).post(url("campaign_new"), data).status_code == 302
    assert Campaign.objects.get().chapter == world.other_chapter


def test_the_form_has_a_number_input_per_goal(world, client):
    body = as_user(client, world.alice).get(url("campaign_new")).content.decode()
    assert 'name="chapter"' not in body  # one chapter: implied
    for key in ("showings", "flyers", "people_reached", "new_networks", "money_raised",
                "signups"):
        assert f'type="number" name="{key}"' in body


@pytest.mark.parametrize(("overrides", "message"), [
    ({"ends_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
     "The end must not be before the start."),
    ({"showings": "", "flyers": "", "new_networks": ""}, "Set at least one goal."),
    ({"flyers": "-5"}, "greater than or equal to 0"),
    ({"starts_on": "someday"}, "Enter a valid date."),
    ({"name": ""}, "Give the campaign a name."),
])
def test_bad_input_keeps_what_was_typed_and_writes_nothing(world, client, overrides, message):
    data = form_data(name=overrides.get("name", "Spring push"), description="Keep me",
                     **{k: v for k, v in overrides.items() if k != "name"})
    signed_in = as_user(client, world.alice)
    audit_rows = AuditEntry.objects.count()  # the world's accounts are audited as they are made
    response = signed_in.post(url("campaign_new"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Keep me" in body
    if data["showings"]:
        assert 'value="6"' in body
    if data["name"]:
        assert 'value="Spring push"' in body
    assert not Campaign.objects.exists() and AuditEntry.objects.count() == audit_rows


def test_an_organizer_edits_a_campaign(world, client):
    campaign = plan(world)
    body = as_user(client, world.alice).get(url("campaign_edit", campaign)).content.decode()
    assert 'value="Film launch"' in body and 'value="1000"' in body
    response = client.post(url("campaign_edit", campaign),
                           form_data(name="Film launch II", flyers="3000"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Film launch II" and campaign.goals["flyers"] == 3000
    assert "money_raised" not in campaign.goals


def test_a_bad_edit_keeps_the_input_and_changes_nothing(world, client):
    campaign = plan(world)
    data = form_data(name="Renamed", ends_on="2000-01-01")
    response = as_user(client, world.alice).post(url("campaign_edit", campaign), data)
    body = response.content.decode()
    assert response.status_code == 200 and 'value="Renamed"' in body
    assert "The end must not be before the start." in body
    campaign.refresh_from_db()
    assert campaign.name == "Film launch"


# --- The campaign page -----------------------------------------------------------------------


def test_the_page_shows_progress_bars_networks_tasks_and_events(world, client):
    built = build(world)
    body = as_user(client, world.alice).get(url("campaign", built.campaign)).content.decode()
    assert 'max="1000" value="350"' in body  # materials out: 350 of 1000
    assert 'max="4" value="1"' in body  # showings
    assert "350 of 1000 (35%)" in body
    assert world.network.name in body and world.other_network.name in body
    assert "Film night" in body and "Other push showing" not in body
    assert built.tasks["T1"].public_id in body and built.tasks["T7"].public_id not in body
    assert url("campaign_edit", built.campaign) in body


def test_a_member_sees_progress_but_no_edit_link_and_no_other_networks_names(world, client):
    built = build(world)
    body = as_user(client, world.bob).get(url("campaign", built.campaign)).content.decode()
    assert 'max="1000" value="350"' in body
    assert url("campaign_edit", built.campaign) not in body
    # Campus discussion hosts a public event, so its name shows there, but not as a link.
    assert f'href="/networks/{world.network.public_id}/"' in body
    assert f'href="/networks/{world.other_network.public_id}/"' not in body
    assert "A network you do not see" in body


def test_the_menu_links_to_campaigns(world, client):
    body = as_user(client, world.bob).get(reverse("dashboard")).content.decode()
    assert f'href="{url("campaigns")}"' in body


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_chapters_campaigns_with_their_work(world, client):
    built = build(world)
    body = as_user(client, world.bob).get(url("campaigns")).content.decode()
    assert "Film launch" in body and "Another push" in body
    assert "5 tasks" in body and "3 events" in body  # T1-T5 (T8 was dropped); E1, E2, E3
    assert url("campaign_new") not in body
    assert url("campaign_new") in as_user(client, world.alice).get(url("campaigns"))\
        .content.decode()
    assert "Film launch" not in as_user(client, world.charlie).get(url("campaigns"))\
        .content.decode()
    assert built.campaign.public_id in body


def _list_queries(client, world, rows: int) -> int:  # noqa: ANN001
    Campaign.objects.all().delete()
    today = timezone.localdate()
    for i in range(rows):
        campaign = Campaign.objects.create(chapter=world.chapter, name=f"Push {i}",
                                           starts_on=today, ends_on=today, goals={"flyers": 1})
        Task.objects.create(chapter=world.chapter, playbook=world.playbook,
                            network=world.network, campaign=campaign)
        Event.objects.create(chapter=world.chapter, title=f"Event {i}", campaign=campaign,
                             starts_at=timezone.now())
    client.force_login(world.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("campaigns"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/campaigns/') >= rows
    return len(queries)


def test_the_list_query_count_does_not_grow_with_rows(world, client):
    assert _list_queries(client, world, 5) == _list_queries(client, world, 45)


# --- Putting work in a campaign --------------------------------------------------------------


def test_a_task_is_given_within_a_campaign(world, client):
    campaign = plan(world)
    client = as_user(client, world.alice)
    page = client.get(f"/tasks/new/?playbook={world.playbook.public_id}").content.decode()
    assert f'value="{campaign.public_id}"' in page
    data = {"playbook": world.playbook.public_id, "person": world.bob_person.public_id,
            "campaign": campaign.public_id}
    assert client.post("/tasks/new/", data).status_code == 302
    assert Task.objects.get().campaign == campaign


def test_an_event_is_created_within_a_campaign(world, client):
    campaign = plan(world)
    client = as_user(client, world.alice)
    assert f'value="{campaign.public_id}"' in client.get(reverse("event_new")).content.decode()
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"title": "Launch showing", "kind": "showing", "starts_at": starts,
            "host_network": world.network.public_id, "campaign": campaign.public_id}
    response = client.post(reverse("event_new"), data)
    assert response.status_code == 302
    assert Event.objects.get().campaign == campaign


def test_without_campaigns_the_forms_stay_as_they_were(world, client):
    client = as_user(client, world.alice)
    assert 'name="campaign"' not in client.get(reverse("event_new")).content.decode()
    page = client.get(f"/tasks/new/?playbook={world.playbook.public_id}").content.decode()
    assert 'name="campaign"' not in page
