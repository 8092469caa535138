"""Every route, requested as every role: who gets in and who is refused.

The table is in routes.py. A refused request must also change nothing: the ledger, the audit log
and the main tables are counted before and after.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from netweave.core.models import AuditEntry, Contribution
from netweave.networks.models import Membership, Network
from netweave.people.models import Person
from netweave.web.tests.routes import CASES as BASE_CASES
from netweave.web.tests.routes import DENIED, LOGIN, OK, ROLES, make_targets
from netweave.web.tests.routes_accounts import ACCOUNT_CASES
from netweave.web.tests.routes_api_tokens import API_TOKEN_CASES
from netweave.web.tests.routes_campaigns import CAMPAIGN_CASES
from netweave.web.tests.routes_exports import EXPORT_CASES
from netweave.web.tests.routes_followup import FOLLOWUP_CASES
from netweave.web.tests.routes_growth import GROWTH_CASES
from netweave.web.tests.routes_imports import IMPORT_CASES
from netweave.web.tests.routes_learning import LEARNING_CASES
from netweave.web.tests.routes_notify import NOTIFY_CASES
from netweave.web.tests.routes_privacy import PRIVACY_CASES
from netweave.web.tests.routes_work_matching import WORK_MATCHING_CASES
from netweave.work.models import Task

CASES = BASE_CASES + CAMPAIGN_CASES + GROWTH_CASES + LEARNING_CASES + WORK_MATCHING_CASES
CASES += FOLLOWUP_CASES
CASES += NOTIFY_CASES
CASES += API_TOKEN_CASES
CASES += PRIVACY_CASES
CASES += ACCOUNT_CASES
CASES += IMPORT_CASES
CASES += EXPORT_CASES

# The back office is Django's admin (its own login and staff check); everything else is ours.
EXCLUDED_PREFIXES = ("backoffice/",)


def all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):  # noqa: ANN001
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(EXCLUDED_PREFIXES):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_route_is_in_the_access_table():
    listed = {case.name for case in CASES}
    assert all_route_names() - listed == set(), "add these routes to web/tests/routes.py"
    assert listed - all_route_names() == set(), "these listed routes no longer exist"


def outcome(response) -> str:  # noqa: ANN001
    if response.status_code in (301, 302) and "/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code in (403, 404):
        return DENIED
    assert response.status_code < 500, response.status_code
    return OK


def snapshot() -> tuple[int, ...]:
    return (
        Contribution.objects.count(), AuditEntry.objects.count(), Person.objects.count(),
        Network.objects.count(), Membership.objects.filter(left_on__isnull=True).count(),
        Task.objects.exclude(status="offered").count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_route_as_role(case, role, world, client):
    targets = make_targets(world)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(case.name, kwargs=case.kwargs(world, targets)) + case.query(world, targets)
    before = snapshot()
    request = client.post if case.method == "post" else client.get
    response = request(url, case.data(world, targets))
    got = outcome(response)
    assert got == case.expect[role], f"{case.name} as {role}: {got} ({response.status_code})"
    if got != OK:
        assert snapshot() == before, f"{case.name} as {role} was refused but changed data"


def test_the_back_office_refuses_everyone_but_admins(world, client):
    client.force_login(world.alice)
    assert client.get("/backoffice/").status_code == 302
    client.force_login(world.admin)
    assert client.get("/backoffice/").status_code == 200
