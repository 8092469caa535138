"""Reading learning, scoped: which resources each role sees, and a person's and a network's
learning as each viewer sees it. Every number below is worked out by hand from `story`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from netweave.core.testing import join, make_network, make_person
from netweave.learning import services
from netweave.learning.selectors import (
    network_learning_for,
    person_learning_for,
    resource_page,
    resources_for,
)
from netweave.learning.tests.fixtures import film

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world):  # noqa: ANN001, ANN201
    """R and S are Riverside's, H Hilltop's, T the shared starter set's, U retired.

    bob:   watched R; showed R to 5 in Eastside; shared S with 3
    carol: discussed R on her own; a session on R in Eastside with 8 (led by her)
    dave:  watched S in Campus discussion
    """
    r = film(world, title="Rising")
    s = film(world, title="Clip of the march", kind="clip", language="es")
    film(world, title="Hilltop reading", kind="reading", chapter=world.other_chapter)
    film(world, title="Starter talk", kind="talk", chapter=None)
    film(world, title="Old reading", kind="reading", retired_at=timezone.now())
    record = services.engagement_record
    record(actor=world.bob, resource=r, how="watched")
    record(actor=world.bob, resource=r, how="showed", people=5, network=world.network)
    record(actor=world.bob, resource=s, how="shared", people=3)
    record(actor=world.carol, resource=r, how="discussed")
    services.session_record(actor=world.carol, network=world.network, resource=r,
                            held_on=timezone.localdate() - timedelta(days=2), attendance=8)
    record(actor=world.dave, resource=s, how="watched", network=world.other_network)
    return world, r, s


def titles(qs) -> list[str]:  # noqa: ANN001
    return [row.title for row in qs]


# --- Resources -------------------------------------------------------------------------------


def test_a_member_sees_the_chapters_resources_and_the_shared_set_but_not_retired_ones(story):
    world, _r, _s = story
    assert titles(resources_for(world.bob)) == ["Clip of the march", "Rising", "Starter talk"]


def test_another_chapters_organizer_sees_their_own_and_the_shared_set(story):
    world, _r, _s = story
    assert titles(resources_for(world.charlie)) == ["Hilltop reading", "Starter talk"]


def test_the_list_filters_by_kind_and_by_language(story):
    world, _r, _s = story
    assert titles(resources_for(world.bob, kind="clip")) == ["Clip of the march"]
    assert titles(resources_for(world.bob, language="es")) == ["Clip of the march"]
    assert titles(resources_for(world.bob, kind="film", language="es")) == []


def test_organizers_may_list_retired_resources_too(story):
    world, _r, _s = story
    assert titles(resources_for(world.alice, include_retired=True)) == [
        "Clip of the march", "Old reading", "Rising", "Starter talk"]


def test_the_list_counts_engagements_and_marks_what_i_watched(story):
    world, _r, _s = story
    rows = {row.title: row for row in resources_for(world.bob)}
    # R: bob watched + bob showed + carol discussed + the session = 4; S: bob shared, dave watched
    assert {t: row.engaged for t, row in rows.items()} == {
        "Rising": 4, "Clip of the march": 2, "Starter talk": 0}
    assert {t: row.watched_by_me for t, row in rows.items()} == {
        "Rising": True, "Clip of the march": False, "Starter talk": False}
    assert not any(row.watched_by_me for row in resources_for(world.admin))


def test_the_resource_page_counts_everything_done_with_it_and_lists_my_own(story):
    world, r, _s = story
    page = resource_page(world.bob, r)
    assert page.counts == {"watched": 1, "discussed": 2, "shared": 0, "showed": 1,
                           "people": 5 + 8}
    assert sorted(e.how for e in page.mine) == ["showed", "watched"]
    assert page.may_engage and not page.may_manage
    assert resource_page(world.carol, r).may_record_session
    assert not resource_page(world.bob, r).may_record_session
    assert resource_page(world.alice, r).may_manage


# --- A person's learning ---------------------------------------------------------------------


def hows(learning) -> list[str]:  # noqa: ANN001
    return sorted(entry.engagement.how for entry in learning.entries)


@pytest.mark.parametrize("viewer", ["alice", "bob", "carol"])
def test_the_person_their_organizer_and_their_convener_see_all_of_their_learning(story, viewer):
    world, _r, _s = story
    learning = person_learning_for(getattr(world, viewer), world.bob_person)
    assert hows(learning) == ["shared", "showed", "watched"]
    assert learning.counts == {"watched": 1, "discussed": 0, "shared": 1, "showed": 1,
                               "people": 5 + 3}


def test_a_fellow_member_sees_only_what_was_done_in_the_network_they_share(story):
    world, _r, _s = story
    # Carol's own "discussed" is hers; the session was in Eastside, Bob's network too.
    learning = person_learning_for(world.bob, world.carol_person)
    assert hows(learning) == ["discussed"]
    assert learning.entries[0].engagement.session is not None
    assert learning.counts["discussed"] == 1 and learning.counts["people"] == 8
    assert len(person_learning_for(world.alice, world.carol_person).entries) == 2


def test_a_network_the_viewer_may_not_see_is_not_named_on_a_persons_learning(story):
    world, _r, _s = story
    join(world.other_network, world.bob_person)  # Bob joins Campus discussion for a moment
    services.engagement_record(actor=world.bob, resource=film(world, title="X"),
                               how="watched", network=world.other_network)
    learning = person_learning_for(world.carol, world.bob_person)
    in_campus = [e for e in learning.entries if e.engagement.network_id == world.other_network.id]
    assert len(in_campus) == 1 and in_campus[0].network is None  # Carol is not in Campus


# --- A network's learning --------------------------------------------------------------------


def test_a_networks_people_see_its_learning_and_who_did_it(story):
    world, _r, _s = story
    learning = network_learning_for(world.bob, world.network)
    # In Eastside: Bob showed R to 5; the session on R with 8.
    assert learning.counts == {"watched": 0, "discussed": 1, "shared": 0, "showed": 1,
                               "people": 13}
    assert [(e.who, e.engagement.how) for e in learning.entries] == [("Bob", "showed")]
    assert [s.attendance for s in learning.sessions] == [8]
    assert learning.full


def test_a_coach_sees_a_seeded_networks_learning_in_counts_only(story):
    world, r, _s = story
    child = make_network(world.chapter, "Eastside youth", parent=world.network)
    fay = make_person(world.chapter, "Fay")
    join(child, fay)
    services.engagement_record(actor=world.alice, person=fay, resource=r, how="watched",
                               network=child)
    learning = network_learning_for(world.carol, child)
    assert not learning.full and learning.entries == [] and learning.sessions == []
    assert learning.counts["watched"] == 1


def test_a_discreet_members_learning_is_counted_but_not_named_to_fellow_members(story):
    world, r, _s = story
    gus = make_person(world.chapter, "Gus", discreet=True)
    join(world.network, gus)
    services.engagement_record(actor=world.alice, person=gus, resource=r, how="watched",
                               network=world.network)
    seen_by_bob = {e.engagement.person_id: e.who
                   for e in network_learning_for(world.bob, world.network).entries}
    assert seen_by_bob[gus.id] == ""
    seen_by_alice = {e.engagement.person_id: e.who
                     for e in network_learning_for(world.alice, world.network).entries}
    assert seen_by_alice[gus.id] == "Gus"
