from datetime import date

import pytest

from netweave.events.models import Event
from netweave.metrics.health import ELEMENTS, health_rollup, network_health
from netweave.metrics.tests.helpers import AS_OF, K, at, chapter, entry, member, net, person
from netweave.networks.models import Membership, Network, NetworkLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def healthy():
    ch = chapter()
    h = net(ch, "H", date(2024, 1, 1))
    m = [person(ch, f"m{i}") for i in range(1, 5)]
    member(h, m[0], date(2024, 1, 1), role=Membership.Role.CONVENER)
    member(h, m[1], date(2024, 2, 1))
    member(h, m[2], date(2025, 6, 1))  # too new to count for retention
    member(h, m[3], date(2024, 3, 1), left=date(2025, 5, 1))  # kept 2 of 3 old: 67% < 75%
    entry(ch, K.TASK_DONE, date(2025, 6, 1), network=h, person=m[1],
          data={"playbook": "read-and-reflect"})
    h2 = net(ch, "H2", date(2025, 5, 1), parent=h)
    Event.objects.create(chapter=ch, title="Study", kind=Event.Kind.DISCUSSION,
                         starts_at=at(date(2025, 6, 10)), host_network=h2)
    quiet = net(ch, "L", date(2024, 1, 1), status=Network.Status.DORMANT)
    NetworkLink.objects.create(from_network=h2, to_network=quiet, created_at=at(date(2025, 1, 1)))
    return ch, h, h2


def test_network_health_lights_each_element_the_network_practises(healthy):
    _, h, h2 = healthy
    result = network_health(h.id, AS_OF)
    assert result.elements == {
        "members": True, "recent_activity": True, "task_done": True, "learning": True,
        "convener": True, "seeded": True, "linked": False, "retention": False,
    }
    assert result.score == 6 / 8
    young = network_health(h2.id, AS_OF)
    assert {e for e, on in young.elements.items() if on} == {"learning", "linked", "retention"}


def test_health_ignores_links_and_learning_after_as_of(healthy):
    _, _, h2 = healthy
    before = network_health(h2.id, date(2024, 12, 31))
    assert not before.elements["linked"] and not before.elements["learning"]


def test_health_rollup_gives_the_share_of_active_networks_with_each_element(healthy):
    ch, _, _ = healthy
    result = health_rollup([ch.id], AS_OF)
    assert result.networks == 2  # H and H2; the dormant network is left out
    assert result.with_element == {
        "members": 1, "recent_activity": 1, "task_done": 1, "learning": 2, "convener": 1,
        "seeded": 1, "linked": 1, "retention": 1,
    }
    assert result.share["learning"] == 1.0 and result.share["linked"] == 0.5
    assert result.mean_score == 9 / 16
    assert set(result.share) == set(ELEMENTS)


def test_a_resource_engaged_with_as_the_network_lights_learning_for_90_days():
    ch = chapter()
    n = net(ch, "N", date(2024, 1, 1))
    # Watched together on 2025-04-01: AS_OF (2025-06-15) is 75 days later, inside the window;
    # 2025-07-01 is 91 days later, outside it.
    entry(ch, K.RESOURCE_ENGAGED, date(2025, 4, 1), network=n,
          data={"resource": "x", "how": "watched"})
    assert network_health(n.id, AS_OF).elements["learning"]
    assert not network_health(n.id, date(2025, 7, 1)).elements["learning"]
    assert not network_health(n.id, date(2025, 3, 31)).elements["learning"]
