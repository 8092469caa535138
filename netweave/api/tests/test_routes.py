"""Every API operation as every role: who gets in, who is refused, and that a refused request
changes nothing. The table is routes.py; the list of operations comes from the API itself."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from netweave.api.api import api
from netweave.api.models import ApiToken, WebhookSubscription
from netweave.api.services import token_create
from netweave.api.tests.routes import CASES, DENIED, OK, ROLES, UNAUTH, make_targets
from netweave.core.models import AuditEntry, Contribution
from netweave.events.models import Attendance, Event
from netweave.networks.models import Membership, Network
from netweave.outreach.models import OutreachSession
from netweave.people.models import Person
from netweave.work.models import Task

METHODS = ("get", "post", "put", "patch", "delete")


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(m, path) for path, ops in schema["paths"].items() for m in ops if m in METHODS}


def test_every_api_operation_is_in_the_access_table():
    listed = [case.key for case in CASES]
    assert len(listed) == len(set(listed)), "an operation is listed twice"
    assert api_operations() - set(listed) == set(), "add these to api/tests/routes.py"
    assert set(listed) - api_operations() == set(), "these listed operations no longer exist"


def outcome(response) -> str:  # noqa: ANN001
    assert response.status_code < 500, response.content
    if response.status_code == 401:
        return UNAUTH
    if response.status_code in (403, 404):
        return DENIED
    assert response.status_code < 300, (response.status_code, response.content)
    return OK


def snapshot() -> tuple[int, ...]:
    return (
        Contribution.objects.count(), AuditEntry.objects.count(), Person.objects.count(),
        Network.objects.count(), Membership.objects.filter(left_on__isnull=True).count(),
        Task.objects.count(), Task.objects.exclude(status="offered").count(),
        Event.objects.count(), Attendance.objects.count(), OutreachSession.objects.count(),
        ApiToken.objects.count(), WebhookSubscription.objects.count(),
    )


def request(client, case, world, targets, token):  # noqa: ANN001, ANN201
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    call = getattr(client, case.method)
    url = case.url(world, targets)
    if case.body is None:
        return call(url, **headers)
    return call(url, json.dumps(case.body(world, targets)), content_type="application/json",
                **headers)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_api_operation_as_each_role(case, world, client):
    targets = make_targets(world)
    tokens = {role: token_create(actor=world.user(role), name="test", scope="write")[1]
              for role in ROLES if world.user(role) is not None}
    wrong = []
    for role in ROLES:
        # Each role starts from the same rows: an allowed write by one is rolled back.
        savepoint = transaction.savepoint()
        before = snapshot()
        response = request(client, case, world, targets, tokens.get(role))
        got = outcome(response)
        if got != case.expect[role]:
            wrong.append(f"{role}: {got} ({response.status_code} {response.content[:200]!r})")
        elif got != OK:
            assert snapshot() == before, f"{role} was refused but changed data"
            assert set(response.json()) == {"code", "message", "fields"}
        transaction.savepoint_rollback(savepoint)
    assert not wrong, "\n".join(wrong)
