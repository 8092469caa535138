from datetime import date

import pytest

from netweave.core.models import Place
from netweave.metrics.networks import (
    active_network_count,
    active_network_ids,
    network_breakdown,
    networks_over_time,
    networks_per_generation,
    reproduction_rate,
    seeding_share,
    streams,
)
from netweave.metrics.tests.helpers import AS_OF, K, chapter, entry, net
from netweave.networks.models import Network

pytestmark = pytest.mark.django_db
S = Network.Status


@pytest.fixture
def mixed():
    """as_of 2025-06-15: the active window is 2025-03-17 .. 2025-06-15."""
    ch = chapter()
    place = Place.objects.create(chapter=ch, name="Eastside")
    a = net(ch, "A", date(2025, 1, 1), place=place, social_grouping="classmates")
    entry(ch, K.TASK_DONE, date(2025, 5, 1), network=a)
    b = net(ch, "B", date(2025, 6, 1), status=S.FORMING, kind_slug="discussion")
    c = net(ch, "C", date(2024, 1, 1))
    entry(ch, K.TASK_DONE, date(2025, 3, 1), network=c)  # before the window
    d = net(ch, "D", date(2024, 1, 1), status=S.DORMANT)
    entry(ch, K.TASK_DONE, date(2025, 6, 1), network=d)  # dormant: never active
    e = net(ch, "E", date(2024, 1, 1), place=place)
    entry(ch, K.OUTREACH, date(2025, 3, 17), network=e)  # first day of the window
    net(ch, "F", date(2025, 7, 1))  # not started yet
    other = chapter("hilltop")
    net(other, "G", date(2025, 6, 1))
    return ch, place, {"a": a, "b": b, "e": e}


def test_active_networks_are_active_or_forming_with_recent_ledger_or_recent_start(mixed):
    ch, _, active = mixed
    assert set(active_network_ids([ch.id], AS_OF)) == {n.id for n in active.values()}
    assert active_network_count([ch.id], AS_OF) == 3


def test_breakdown_counts_active_networks_by_kind_place_grouping_and_all_by_status(mixed):
    ch, place, _ = mixed
    result = network_breakdown([ch.id], AS_OF)
    assert result.by_kind == {"distribution": 2, "discussion": 1}
    assert result.by_place == {place.id: 2, None: 1}
    assert result.by_grouping == {"classmates": 1, "": 2}
    assert result.by_status == {"active": 3, "forming": 1, "dormant": 1}


def test_networks_over_time_gives_cumulative_started_and_ledger_active_per_month():
    ch = chapter()
    n1 = net(ch, "N1", date(2025, 1, 10))
    entry(ch, K.TASK_DONE, date(2025, 6, 1), network=n1)
    net(ch, "N2", date(2025, 5, 10))
    n3 = net(ch, "N3", date(2024, 12, 1), status=S.DISSOLVED)  # status ignored for the past
    entry(ch, K.TASK_DONE, date(2025, 2, 15), network=n3)
    points = networks_over_time([ch.id], AS_OF, months=3)
    assert [p.month for p in points] == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    assert [p.started_total for p in points] == [2, 3, 3]
    # 04-30: N3 (entry 02-15 ≥ 01-30); 05-31: N2 (started 05-10); 06-15: N1 (entry) and N2.
    assert [p.active for p in points] == [1, 1, 2]


@pytest.fixture
def lineage():
    ch = chapter()
    r = net(ch, "R", date(2024, 9, 1))
    entry(ch, K.TASK_DONE, date(2024, 12, 1), network=r)
    entry(ch, K.TASK_DONE, date(2025, 6, 1), network=r)
    r2 = net(ch, "R2", date(2024, 8, 15))
    c1 = net(ch, "C1", date(2024, 11, 5), parent=r)
    entry(ch, K.TASK_DONE, date(2025, 6, 1), network=c1)
    c2 = net(ch, "C2", date(2025, 2, 1), parent=r)
    c3 = net(ch, "C3", date(2025, 3, 31), parent=c1)
    c4 = net(ch, "C4", date(2025, 4, 2), parent=r)
    return ch, {"r": r, "r2": r2, "c1": c1, "c2": c2, "c3": c3, "c4": c4}


def test_reproduction_rate_counts_networks_seeded_per_active_network_per_quarter(lineage):
    ch, _ = lineage
    q4, q1 = reproduction_rate([ch.id], AS_OF, quarters=2)
    assert (q4.start, q4.end) == (date(2024, 10, 1), date(2024, 12, 31))
    # Q4 2024: C1 seeded; active on 10-01: R and R2 (both started within 90 days).
    assert (q4.seeded, q4.active_at_start, q4.rate) == (1, 2, 0.5)
    # Q1 2025: C2 and C3 (on the last day); active on 01-01: R (entry 12-01) and C1 (started).
    assert (q1.start, q1.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert (q1.seeded, q1.active_at_start, q1.rate) == (2, 2, 1.0)


def test_reproduction_rate_leaves_out_the_current_partial_quarter(lineage):
    ch, _ = lineage
    quarters = reproduction_rate([ch.id], AS_OF)
    assert len(quarters) == 4
    assert quarters[-1].end == date(2025, 3, 31)


def test_seeding_share_is_the_share_of_month_old_active_networks_that_seeded_this_year(lineage):
    ch, _ = lineage
    result = seeding_share([ch.id], AS_OF)
    # Eligible: R, C1, C3, C4 (C2 and R2 inactive). Seeding: R (C1, C2, C4) and C1 (C3).
    assert (result.eligible, result.seeding, result.share) == (4, 2, 0.5)


def test_networks_per_generation_counts_all_and_active_networks(lineage):
    ch, _ = lineage
    rows = networks_per_generation([ch.id], AS_OF)
    assert [(r.generation, r.networks, r.active) for r in rows] == [(1, 2, 1), (2, 3, 2), (3, 1, 1)]


def test_streams_give_the_deepest_generation_under_each_root_deepest_first(lineage):
    ch, n = lineage
    rows = streams([ch.id], AS_OF)
    assert [(s.root_id, s.deepest_generation, s.networks) for s in rows] == [
        (n["r"].id, 3, 5), (n["r2"].id, 1, 1)
    ]
