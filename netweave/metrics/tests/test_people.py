from datetime import date

import pytest

from netweave.metrics.people import isolated_people_ids, organized_share
from netweave.metrics.tests.helpers import AS_OF, K, chapter, entry, member, net, person
from netweave.networks.models import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """as_of 2025-06-15: active window from 2025-03-17; isolated after first action ≤ 05-16."""
    ch = chapter()
    active_net = net(ch, "Active", date(2024, 1, 1))
    dormant = net(ch, "Dormant", date(2024, 1, 1), status=Network.Status.DORMANT)
    p = {name: person(ch, name) for name in ("p1", "p2", "p3", "p4", "p5", "p6", "p8")}
    entry(ch, K.TASK_DONE, date(2025, 6, 1), person=p["p1"], network=active_net)
    member(active_net, p["p1"], date(2024, 1, 1))
    entry(ch, K.OUTREACH, date(2025, 5, 1), person=p["p2"])
    member(dormant, p["p2"], date(2024, 1, 1))
    entry(ch, K.EVENT_ATTENDED, date(2025, 1, 1), person=p["p3"])  # not recent
    entry(ch, K.SIGNED_UP, date(2025, 6, 10), person=p["p4"])  # not an action
    entry(ch, K.TASK_DONE, date(2025, 6, 10), person=p["p5"])  # too new to be isolated
    member(active_net, p["p5"], date(2024, 1, 1), left=date(2025, 6, 1))
    entry(ch, K.TASK_DONE, date(2025, 4, 1), person=p["p6"])
    entry(ch, K.TASK_DONE, date(2025, 6, 5), person=p["p6"])
    entry(ch, K.TASK_DONE, date(2025, 5, 16), person=p["p8"])  # exactly 30 days before
    outsider = person(chapter("hilltop"), "o")
    entry(outsider.chapter, K.TASK_DONE, date(2025, 6, 1), person=outsider)
    return ch, p


def test_organized_share_is_active_people_in_an_active_network_over_active_people(people):
    ch, _ = people
    result = organized_share([ch.id], AS_OF)
    # Active: p1, p2, p5, p6, p8. Organized: p1 only (p2's network is dormant, p5 left).
    assert (result.active_people, result.organized, result.share) == (5, 1, 0.2)


def test_isolated_people_acted_for_30_days_and_are_in_no_network_longest_first(people):
    ch, p = people
    assert isolated_people_ids([ch.id], AS_OF) == [p["p6"].id, p["p8"].id]
    assert isolated_people_ids([ch.id], AS_OF, limit=1) == [p["p6"].id]


def test_organized_share_is_none_without_active_people():
    ch = chapter()
    assert organized_share([ch.id], AS_OF).share is None
