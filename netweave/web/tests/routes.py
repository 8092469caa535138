"""Every URL of the web UI, with who may use it and who must be refused.

`test_route_access.py` walks this table as each role. A route that is added to the URL
configuration without an entry here fails the suite, so nobody adds a page without deciding
who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netweave.core.testing import World

ROLES = ("anonymous", "member", "convener", "other_convener", "outsider", "organizer", "admin")

# Outcomes: "ok" the page or action works (2xx, or a redirect that is not to the login page);
# "login" redirected to log in; "denied" 403 or 404 (outsiders learn nothing: 404).
OK, LOGIN, DENIED = "ok", "login", "denied"


@dataclass
class Route:
    name: str
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    expect: dict[str, str] = field(default_factory=dict)
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    query: str = ""


def private(ok: set[str], **overrides: str) -> dict[str, str]:
    """Anonymous goes to login; the roles in `ok` succeed; every other role is denied."""
    table = {role: (OK if role in ok else DENIED) for role in ROLES}
    table["anonymous"] = LOGIN
    table.update(overrides)
    return table


EVERYONE_SIGNED_IN = {"member", "convener", "other_convener", "outsider", "organizer", "admin"}
PUBLIC = dict.fromkeys(ROLES, OK)

ROUTES: list[Route] = []


# --- what each route is tried on ---------------------------------------------------------------


@dataclass
class Targets:
    """Rows in the shared world that the routes act on."""

    task: Any
    event: Any
    outreach: Any
    code: Any
    invite_token: str


def make_targets(world: World) -> Targets:
    from django.utils import timezone

    from netweave.events.services import event_create
    from netweave.outreach.services import code_for_person, outreach_log
    from netweave.people.services import invite_create
    from netweave.work.services import task_assign

    event = event_create(
        actor=world.alice, chapter=world.chapter, title="Film night",
        starts_at=timezone.now() + timezone.timedelta(days=3), host_network=world.network,
        is_public=True,
    )
    outreach = outreach_log(
        actor=world.alice, chapter=world.chapter, started_at=timezone.now(), location="Market",
        participants=[world.bob_person], flyers=50,
    )
    return Targets(
        task=task_assign(actor=world.alice, playbook=world.playbook, person=world.bob_person),
        event=event,
        outreach=outreach,
        code=code_for_person(actor=world.carol, person=world.carol_person),
        invite_token=invite_create(actor=world.alice, person=world.erin),
    )


def _id(obj: Any) -> dict[str, str]:
    return {"public_id": obj.public_id}


ORGANIZERS = {"organizer", "admin"}
ANY_ORGANIZER = ORGANIZERS | {"outsider"}  # charlie organizes Hilltop: his own chapter's pages
NETWORK_RUNNERS = ORGANIZERS | {"convener"}
NETWORK_PEOPLE = NETWORK_RUNNERS | {"member"}
CHAPTER_PEOPLE = NETWORK_PEOPLE | {"other_convener"}


def bob(w: World, t: Targets) -> dict[str, str]:
    return _id(w.bob_person)


def erin(w: World, t: Targets) -> dict[str, str]:
    return _id(w.erin)


def network(w: World, t: Targets) -> dict[str, str]:
    return _id(w.network)


def bob_in_network(w: World, t: Targets) -> dict[str, str]:
    return {"public_id": w.network.public_id, "person_id": w.bob_person.public_id}


def task(w: World, t: Targets) -> dict[str, str]:
    return _id(t.task)


def event(w: World, t: Targets) -> dict[str, str]:
    return _id(t.event)


def code(w: World, t: Targets) -> dict[str, str]:
    return {"code": t.code.code}


def none(w: World, t: Targets) -> dict[str, str]:
    return {}


@dataclass
class Case:
    name: str
    kwargs: Callable[[World, Targets], dict[str, str]]
    expect: dict[str, str]
    method: str = "get"
    data: Callable[[World, Targets], dict[str, Any]] = field(default=lambda w, t: {})
    query: Callable[[World, Targets], str] = field(default=lambda w, t: "")


CASES: list[Case] = [
    # Public doors.
    Case("set_language", none, PUBLIC, "post", data=lambda w, t: {"language": "es"}),
    Case("login", none, PUBLIC),
    Case("logout", none, dict.fromkeys(ROLES, LOGIN), "post"),  # back to the login page
    Case("invite_accept", lambda w, t: {"token": t.invite_token}, PUBLIC),
    Case("join", code, PUBLIC),
    Case("join_thanks", code, PUBLIC),
    Case("code_qr", code, PUBLIC),
    Case("public_event", event, PUBLIC),
    Case("public_event_thanks", event, PUBLIC),
    # Everyone signed in, each seeing their own scope.
    Case("dashboard", none, private(EVERYONE_SIGNED_IN)),
    Case("networks", none, private(EVERYONE_SIGNED_IN)),
    Case("playbooks", none, private(EVERYONE_SIGNED_IN)),
    Case("playbook", lambda w, t: _id(w.playbook), private(EVERYONE_SIGNED_IN)),
    Case("tasks", none, private(EVERYONE_SIGNED_IN)),
    Case("events", none, private(EVERYONE_SIGNED_IN)),
    Case("outreach", none, private(EVERYONE_SIGNED_IN)),
    Case("codes", none, private(EVERYONE_SIGNED_IN)),
    # People.
    Case("people", none, private(ANY_ORGANIZER)),
    Case("person_new", none, private(ANY_ORGANIZER)),
    Case("person", bob, private(NETWORK_PEOPLE)),
    Case("person_edit", bob, private(ORGANIZERS | {"member"})),
    Case("person_followup", erin, private(ORGANIZERS), "post",
         data=lambda w, t: {"status": "contacted"}),
    Case("person_contacts", bob, private(NETWORK_RUNNERS | {"member"}), "post"),
    Case("person_invite", erin, private(ORGANIZERS), "post"),
    # Networks.
    Case("network_new", none, private(ANY_ORGANIZER)),
    Case("network", network, private(NETWORK_PEOPLE)),
    Case("network_edit", network, private(NETWORK_RUNNERS)),
    Case("network_seed", network, private(NETWORK_PEOPLE)),
    Case("network_member_add", network, private(NETWORK_RUNNERS)),
    Case("membership_end", bob_in_network, private(NETWORK_PEOPLE), "post"),
    Case("membership_role", bob_in_network, private(NETWORK_RUNNERS), "post",
         data=lambda w, t: {"role": "convener"}),
    Case("network_link", network, private(NETWORK_RUNNERS)),
    Case("network_lineage", network, private(NETWORK_PEOPLE)),
    # Work.
    Case("task_new", none, private(NETWORK_PEOPLE),
         query=lambda w, t: f"?playbook={w.playbook.public_id}&person={w.bob_person.public_id}"),
    Case("task", task, private(NETWORK_PEOPLE)),
    Case("task_step", task, private(NETWORK_PEOPLE), "post", data=lambda w, t: {"step": 0}),
    Case("task_accept", task, private(NETWORK_PEOPLE), "post"),
    Case("task_report", task, private(NETWORK_PEOPLE), "post"),
    Case("task_drop", task, private(NETWORK_PEOPLE), "post"),
    # Events: a public event of Riverside is on every Riverside person's calendar.
    Case("event_new", none, private(ANY_ORGANIZER | {"convener", "other_convener"})),
    Case("event", event, private(CHAPTER_PEOPLE)),
    Case("event_edit", event, private(NETWORK_RUNNERS)),
    Case("event_rsvp", event, private(CHAPTER_PEOPLE - {"admin"}), "post",
         data=lambda w, t: {"rsvp": "yes"}),
    Case("event_checkin", event, private(NETWORK_RUNNERS), "post",
         data=lambda w, t: {"person": w.bob_person.public_id, "attended": "1"}),
    # Outreach and codes.
    Case("outreach_new", none, private(EVERYONE_SIGNED_IN)),
    Case("outreach_session", lambda w, t: _id(t.outreach), private(ORGANIZERS | {"member"})),
    Case("code_new", none, private(EVERYONE_SIGNED_IN - {"admin", "outsider"}), "post"),
    Case("code_poster", code, private(ORGANIZERS | {"convener"})),
]
