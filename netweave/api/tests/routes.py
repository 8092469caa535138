"""Every API operation, with who may use it and who must be refused (walked by
test_routes.py as each role, with a write token). An operation added to the API without an
entry here fails the suite.

Outcomes: "ok" 2xx; "denied" 403 or 404 (outsiders learn nothing: 404); "unauth" 401.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from netweave.core.testing import World

ROLES = ("anonymous", "member", "convener", "other_convener", "outsider", "organizer", "admin")
OK, DENIED, UNAUTH = "ok", "denied", "unauth"


def allowed(ok: set[str]) -> dict[str, str]:
    table = {role: (OK if role in ok else DENIED) for role in ROLES}
    table["anonymous"] = UNAUTH
    return table


SIGNED_IN = {"member", "convener", "other_convener", "outsider", "organizer", "admin"}
ORGANIZERS = {"organizer", "admin"}
RUNNERS = ORGANIZERS | {"convener"}
NETWORK_PEOPLE = RUNNERS | {"member"}
CHAPTER_PEOPLE = NETWORK_PEOPLE | {"other_convener"}


@dataclass
class Targets:
    task: Any
    event: Any
    outreach: Any
    webhook: Any = None


def make_targets(w: World) -> Targets:
    from netweave.api.webhooks import webhook_create
    from netweave.events.services import event_create
    from netweave.outreach.services import outreach_log
    from netweave.work.services import task_assign

    return Targets(
        webhook=webhook_create(actor=w.alice, chapter=w.chapter, url="https://example.org/h",
                               events=["task.reported"])[0],
        task=task_assign(actor=w.alice, playbook=w.playbook, person=w.bob_person),
        event=event_create(actor=w.alice, chapter=w.chapter, title="Film night",
                           starts_at=timezone.now() + timezone.timedelta(days=3),
                           host_network=w.network, is_public=True),
        outreach=outreach_log(actor=w.alice, chapter=w.chapter, started_at=timezone.now(),
                              location="Market", participants=[w.bob_person], flyers=50),
    )


@dataclass
class ApiCase:
    method: str
    path: str  # as in the OpenAPI schema, e.g. /api/v1/people/{person_id}
    expect: dict[str, str]
    args: Callable[[World, Targets], dict[str, str]] = field(default=lambda w, t: {})
    body: Callable[[World, Targets], dict[str, Any]] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    def url(self, w: World, t: Targets) -> str:
        return self.path.format(**self.args(w, t))


def bob(w: World, t: Targets) -> dict[str, str]:
    return {"person_id": w.bob_person.public_id}


def eastside(w: World, t: Targets) -> dict[str, str]:
    return {"network_id": w.network.public_id}


def riverside(w: World, t: Targets) -> dict[str, str]:
    return {"chapter_id": w.chapter.public_id}


def task(w: World, t: Targets) -> dict[str, str]:
    return {"task_id": t.task.public_id}


def event(w: World, t: Targets) -> dict[str, str]:
    return {"event_id": t.event.public_id}


def webhook(w: World, t: Targets) -> dict[str, str]:
    return {"webhook_id": t.webhook.public_id}


def in_riverside(**fields: Any) -> Callable[[World, Targets], dict[str, Any]]:
    return lambda w, t: {"chapter": w.chapter.public_id, **fields}


def soon() -> str:
    return (timezone.now() + timezone.timedelta(days=7)).isoformat()


P = "/api/v1"
CASES: list[ApiCase] = [
    # people and contacts
    ApiCase("get", f"{P}/people", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/people/{{person_id}}", allowed(NETWORK_PEOPLE), bob),
    ApiCase("get", f"{P}/people/{{person_id}}/contacts", allowed(NETWORK_PEOPLE), bob),
    ApiCase("post", f"{P}/people", allowed(ORGANIZERS),
            body=in_riverside(display_name="Fran", email="fran@example.org")),
    # networks, members, lineage
    ApiCase("get", f"{P}/networks", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/networks/{{network_id}}", allowed(NETWORK_PEOPLE), eastside),
    ApiCase("post", f"{P}/networks", allowed(ORGANIZERS),
            body=in_riverside(name="Market stall", kind="distribution")),
    ApiCase("post", f"{P}/networks/{{network_id}}/seed", allowed(NETWORK_PEOPLE), eastside,
            body=lambda w, t: {"name": "Night readers", "kind": "discussion"}),
    ApiCase("get", f"{P}/networks/{{network_id}}/members", allowed(NETWORK_PEOPLE), eastside),
    # A convener adds people they may see: none outside the network in this world.
    ApiCase("post", f"{P}/networks/{{network_id}}/members", allowed(ORGANIZERS), eastside,
            body=lambda w, t: {"person": w.erin.public_id}),
    ApiCase("delete", f"{P}/networks/{{network_id}}/members/{{person_id}}",
            allowed(NETWORK_PEOPLE), lambda w, t: {**eastside(w, t), **bob(w, t)}),
    ApiCase("get", f"{P}/networks/{{network_id}}/ancestors", allowed(NETWORK_PEOPLE), eastside),
    ApiCase("get", f"{P}/networks/{{network_id}}/lineage", allowed(NETWORK_PEOPLE), eastside),
    ApiCase("get", f"{P}/chapters/{{chapter_id}}/generations", allowed(ORGANIZERS), riverside),
    # playbooks, tasks, report-backs
    ApiCase("get", f"{P}/playbooks", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/playbooks/{{playbook_id}}", allowed(SIGNED_IN),
            lambda w, t: {"playbook_id": w.playbook.public_id}),
    ApiCase("get", f"{P}/tasks", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/tasks/{{task_id}}", allowed(NETWORK_PEOPLE), task),
    ApiCase("post", f"{P}/tasks", allowed(NETWORK_PEOPLE),
            body=lambda w, t: {"playbook": w.playbook.public_id,
                               "person": w.bob_person.public_id}),
    ApiCase("post", f"{P}/tasks/{{task_id}}/report", allowed(NETWORK_PEOPLE), task,
            body=lambda w, t: {"numbers": {}, "note": "done"}),
    # events, RSVPs, check-in
    ApiCase("get", f"{P}/events", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/events/{{event_id}}", allowed(CHAPTER_PEOPLE), event),
    ApiCase("post", f"{P}/events", allowed(RUNNERS),
            body=lambda w, t: {"chapter": w.chapter.public_id, "title": "Study night",
                               "starts_at": soon(), "host_network": w.network.public_id}),
    ApiCase("get", f"{P}/events/{{event_id}}/attendance", allowed(CHAPTER_PEOPLE), event),
    # An admin without a person of their own has no one to answer for.
    ApiCase("post", f"{P}/events/{{event_id}}/rsvp", allowed(CHAPTER_PEOPLE - {"admin"}),
            event, body=lambda w, t: {"rsvp": "yes"}),
    ApiCase("post", f"{P}/events/{{event_id}}/check-in", allowed(RUNNERS), event,
            body=lambda w, t: {"person": w.bob_person.public_id}),
    # outreach and sign-ups
    ApiCase("get", f"{P}/outreach", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/outreach/{{session_id}}", allowed(ORGANIZERS | {"member"}),
            lambda w, t: {"session_id": t.outreach.public_id}),
    ApiCase("post", f"{P}/outreach", allowed(CHAPTER_PEOPLE),
            body=in_riverside(started_at="2026-01-10T16:00:00Z", location="Station",
                              flyers=40)),
    ApiCase("get", f"{P}/signups", allowed(SIGNED_IN)),
    # chapters, the ledger, metrics
    ApiCase("get", f"{P}/chapters", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/contributions", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/chapters/{{chapter_id}}/metrics", allowed(ORGANIZERS), riverside),
    # OSDI-shaped reads
    ApiCase("get", f"{P}/osdi/people", allowed(SIGNED_IN)),
    ApiCase("get", f"{P}/osdi/events", allowed(SIGNED_IN)),
    # webhooks: the chapter's organizers only
    ApiCase("get", f"{P}/chapters/{{chapter_id}}/webhooks", allowed(ORGANIZERS), riverside),
    ApiCase("post", f"{P}/chapters/{{chapter_id}}/webhooks", allowed(ORGANIZERS), riverside,
            body=lambda w, t: {"url": "https://example.org/in",
                               "events": ["person.signed_up"]}),
    ApiCase("delete", f"{P}/webhooks/{{webhook_id}}", allowed(ORGANIZERS), webhook),
    ApiCase("get", f"{P}/webhooks/{{webhook_id}}/deliveries", allowed(ORGANIZERS), webhook),
]
