from datetime import date

import pytest

from netweave.core.models import Place
from netweave.metrics.coverage import coverage
from netweave.metrics.tests.helpers import AS_OF, chapter, net
from netweave.networks.models import Network

pytestmark = pytest.mark.django_db


def test_coverage_counts_active_networks_in_target_places_and_their_children():
    ch = chapter()
    city = Place.objects.create(chapter=ch, name="A city", is_target=True, target_networks=4)
    hood = Place.objects.create(chapter=ch, name="Hood", parent=city)
    street = Place.objects.create(chapter=ch, name="Street", parent=hood)
    campus = Place.objects.create(chapter=ch, name="B campus", is_target=True)
    Place.objects.create(chapter=ch, name="C school", is_target=True, target_networks=2)
    elsewhere = Place.objects.create(chapter=ch, name="Elsewhere")
    recent = date(2025, 6, 1)
    net(ch, "in city", recent, place=city)
    net(ch, "in hood", recent, place=hood)
    net(ch, "in street", recent, place=street)  # two levels down: not counted
    net(ch, "dormant", recent, place=city, status=Network.Status.DORMANT)
    net(ch, "on campus", recent, place=campus)
    net(ch, "elsewhere", recent, place=elsewhere)
    result = coverage([ch.id], AS_OF)
    assert (result.targets, result.covered) == (3, 2)
    assert [(p.name, p.active_networks, p.progress, p.covered) for p in result.places] == [
        ("A city", 2, 0.5, True), ("B campus", 1, None, True), ("C school", 0, 0.0, False),
    ]
