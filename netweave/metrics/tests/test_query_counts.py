"""Each chapter-level metric runs a fixed number of queries, however many rows there are."""

from datetime import date

import pytest

from netweave.core.models import Place
from netweave.metrics import coverage, funnel, health, networks, people
from netweave.metrics.tests.helpers import AS_OF, K, chapter, entry, member, net, person

pytestmark = pytest.mark.django_db

METRICS = [
    (networks.active_network_ids, 1), (networks.active_network_count, 1),
    (networks.network_breakdown, 2), (networks.networks_over_time, 2),
    (networks.reproduction_rate, 2), (networks.seeding_share, 2),
    (networks.networks_per_generation, 2), (networks.streams, 1),
    (people.organized_share, 3), (people.isolated_people_ids, 1), (people.isolated_count, 3),
    (funnel.followup_funnel, 2), (health.health_rollup, 7), (coverage.coverage, 1),
]


def build(size: int) -> int:
    ch = chapter()
    place = Place.objects.create(chapter=ch, name="Target", is_target=True, target_networks=2)
    parent = None
    for i in range(size):
        parent = net(ch, f"N{i}", date(2025, 1, 1 + i), parent=parent, place=place)
        who = person(ch, f"p{i}", date(2025, 1, 1 + i))
        member(parent, who, date(2025, 1, 1))
        for kind in (K.TASK_DONE, K.NETWORK_JOINED, K.NETWORK_CONVENED):
            entry(ch, kind, date(2025, 6, 1), person=who, network=parent)
        entry(ch, K.FOLLOWED_UP, date(2025, 2, 1), subject_person=who, data={"to": "met"})
    return ch.id


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize(("metric", "queries"), METRICS, ids=[m.__name__ for m, _ in METRICS])
def test_each_metric_runs_a_fixed_number_of_queries(metric, queries, size,
                                                    django_assert_num_queries):
    chapter_id = build(size)
    with django_assert_num_queries(queries):
        metric([chapter_id], AS_OF)


def test_network_health_runs_six_queries(django_assert_num_queries):
    ch = chapter()
    network = net(ch, "N", date(2025, 1, 1))
    with django_assert_num_queries(6):
        health.network_health(network.id, AS_OF)
