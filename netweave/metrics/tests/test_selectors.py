import pytest

from netweave.core.models import Chapter
from netweave.metrics.selectors import metrics_chapters_for


@pytest.mark.parametrize("role", ["member", "convener", "anonymous"])
def test_only_admins_and_organizers_see_chapter_aggregates(world, role):
    assert metrics_chapters_for(world.user(role)) == []


def test_an_organizer_sees_the_aggregates_of_their_own_chapters_only(world):
    assert metrics_chapters_for(world.alice) == [world.chapter.id]
    assert metrics_chapters_for(world.charlie) == [world.other_chapter.id]


def test_an_admin_sees_the_aggregates_of_every_chapter(world):
    assert metrics_chapters_for(world.admin) == list(
        Chapter.objects.order_by("pk").values_list("pk", flat=True)
    )
