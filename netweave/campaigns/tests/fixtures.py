"""A campaign with reported tasks and events, built through the services, and the numbers it
must show, worked out by hand (see the comments next to each row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from netweave.campaigns.models import Campaign
from netweave.campaigns.services import campaign_create
from netweave.core.testing import World, make_network
from netweave.events.models import Event
from netweave.events.services import event_create
from netweave.people.services import person_signup
from netweave.work.models import Playbook, Task
from netweave.work.services import task_accept, task_assign, task_drop, task_report

GOALS = {"showings": 4, "flyers": 1000, "people_reached": 200, "new_networks": 2,
         "money_raised": 500, "signups": 10}

# What the campaign achieved, by hand:
EXPECTED = {
    "showings": 1,            # E1 (a past showing); E2 is still to come, E3 is a discussion
    "flyers": 300 + 50,       # T1 flyers + T2 posters
    "people_reached": 25 + 40,  # T3 attendees + T4 people_reached
    "new_networks": 3,        # the world's two Riverside networks (today) + Riverside table
    "money_raised": 120,      # T4
    "signups": 6 + 2,         # T3 report + two people who signed up with E1's code
}


@dataclass
class CampaignWorld:
    campaign: Campaign
    other_campaign: Campaign
    tasks: dict[str, Task]
    events: dict[str, Event]


def plan(world: World, name: str = "Film launch", **overrides: Any) -> Campaign:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "name": name, "starts_on": today - timedelta(days=10),
        "ends_on": today + timedelta(days=20), "goals": dict(GOALS),
        "description": "Promote the new film.",
    }
    return campaign_create(actor=world.alice, chapter=world.chapter, **{**values, **overrides})


def playbook(slug: str) -> Playbook:
    return Playbook.objects.get(chapter__isnull=True, slug=slug)


def _task(world: World, slug: str, campaign: Campaign | None, numbers: dict[str, int] | None,
          **assignee: Any) -> Task:
    task = task_assign(actor=world.alice, playbook=playbook(slug), campaign=campaign, **assignee)
    if numbers is not None:
        task_report(actor=world.alice, task=task, numbers=numbers)
    return task


def _event(world: World, title: str, *, kind: str, days: int, campaign: Campaign | None,
           host: Any) -> Event:
    return event_create(actor=world.alice, chapter=world.chapter, title=title, kind=kind,
                        starts_at=timezone.now() + timedelta(days=days), host_network=host,
                        campaign=campaign)


def _signup(event: Event, name: str) -> None:
    person_signup(code=event.codes.get(), display_name=name, contact_ok=False)


def build(world: World) -> CampaignWorld:
    campaign = plan(world)
    other = plan(world, "Another push", goals={"flyers": 10})
    net, other_net = world.network, world.other_network
    tasks = {
        "T1": _task(world, "distribute-flyers", campaign,
                    {"flyers": 300, "conversations": 20, "contacts": 4}, network=net),
        "T2": _task(world, "put-up-posters", campaign, {"posters": 50}, person=world.bob_person),
        "T3": _task(world, "host-a-showing", campaign, {"attendees": 25, "signups": 6},
                    network=other_net),
        "T4": _task(world, "food-sale", campaign, {"money_raised": 120, "people_reached": 40},
                    network=net),
        "T5": _task(world, "distribute-flyers", campaign, None, network=net),
        "T6": _task(world, "distribute-flyers", other, {"flyers": 999}, network=net),
        "T7": _task(world, "distribute-flyers", None, {"flyers": 77}, network=net),
        "T8": _task(world, "distribute-flyers", campaign, None, network=other_net),
    }
    task_accept(actor=world.alice, task=tasks["T5"])
    task_drop(actor=world.alice, task=tasks["T8"])
    showing, discussion = Event.Kind.SHOWING, Event.Kind.DISCUSSION
    events = {
        "E1": _event(world, "Film night", kind=showing, days=-2, campaign=campaign, host=net),
        "E2": _event(world, "Second showing", kind=showing, days=3, campaign=campaign,
                     host=other_net),
        "E3": _event(world, "Talk it over", kind=discussion, days=-1, campaign=campaign,
                     host=net),
        "E4": _event(world, "Other push showing", kind=showing, days=-1, campaign=other,
                     host=net),
        "E5": _event(world, "Plain showing", kind=showing, days=-1, campaign=None, host=net),
    }
    _signup(events["E1"], "Newcomer One")
    _signup(events["E1"], "Newcomer Two")
    _signup(events["E4"], "Elsewhere")
    _started(world, "Riverside table", timezone.localdate() - timedelta(days=5))
    _started(world, "Old network", campaign.starts_on - timedelta(days=1))
    _started(world, "Future network", campaign.ends_on + timedelta(days=1))
    return CampaignWorld(campaign=campaign, other_campaign=other, tasks=tasks, events=events)


def _started(world: World, name: str, on: date) -> None:
    make_network(world.chapter, name, kind_slug="school_table", started_on=on)
