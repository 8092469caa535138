"""descendant_ids() names exactly the networks descendants() finds."""

import pytest

from netweave.core.testing import make_network
from netweave.metrics.tests.helpers import chapter
from netweave.networks.selectors import descendant_ids, descendants

pytestmark = pytest.mark.django_db


def test_descendant_ids_are_the_descendants_at_any_depth_and_nothing_else():
    ch = chapter()
    root = make_network(ch, "Root")
    child = make_network(ch, "Child", parent=root)
    grandchild = make_network(ch, "Grandchild", parent=child)
    sibling = make_network(ch, "Sibling", parent=root)
    make_network(ch, "Other root")
    make_network(ch, "Other child", parent=sibling)
    assert sorted(descendant_ids(root)) == sorted(descendants(root).values_list("id", flat=True))
    assert len(descendant_ids(root)) == 4
    assert descendant_ids(child) == [grandchild.id]
    assert descendant_ids(grandchild) == []
