"""Who brought whom: the recruitment tree of a person (down and up), what each viewer may see
of it, and who brings the most people in."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from netweave.core.scope import forget_scope, scope_of
from netweave.core.testing import join, make_person
from netweave.people.models import Person
from netweave.people.selectors import recruiters_for, recruitment_tree_for

pytestmark = pytest.mark.django_db


def bring(by: Person, *people: Person) -> None:
    Person.objects.filter(pk__in=[p.pk for p in people]).update(brought_by=by)


@pytest.fixture
def family(world):
    """Alice brought Carol; Carol brought Bob, Erin and Dina (discreet, in Carol's network);
    Bob brought Fay, Fay Gus, Gus Hal, Hal Ivy: five generations below Carol."""
    w = world
    dina = make_person(w.chapter, "Dina", discreet=True)
    join(w.network, dina)
    fay, gus, hal, ivy = (make_person(w.chapter, n) for n in ("Fay", "Gus", "Hal", "Ivy"))
    bring(w.alice_person, w.carol_person)
    bring(w.carol_person, w.bob_person, w.erin, dina)
    bring(w.bob_person, fay)
    bring(fay, gus)
    bring(gus, hal)
    bring(hal, ivy)
    for p in (w.carol_person, w.bob_person, w.erin, dina, fay, gus, hal, ivy):
        p.refresh_from_db()
    return {"dina": dina, "fay": fay, "gus": gus, "hal": hal, "ivy": ivy}


def names(nodes) -> list[str]:  # noqa: ANN001
    return [n.name if n.visible else "?" for n in nodes]


def walk(node):  # noqa: ANN001, ANN201
    for child in node.children:
        yield child
        yield from walk(child)


def test_the_tree_nests_whom_they_brought_in_down_to_the_depth(world, family):
    tree = recruitment_tree_for(world.alice, world.carol_person)
    root = tree.person
    assert root.is_focus and root.name == "Carol"
    assert names(root.children) == ["Bob", "Erin", "Dina"]
    bob = root.children[0]
    fay = bob.children[0]
    gus = fay.children[0]
    hal = gus.children[0]
    assert [n.name for n in (fay, gus, hal)] == ["Fay", "Gus", "Hal"]
    assert [n.generation for n in (bob, fay, gus, hal)] == [1, 2, 3, 4]
    assert hal.children == [] and hal.more == 1  # Ivy, a fifth generation, left out
    assert tree.truncated and tree.brought_in == 6
    assert all(n.visible and n.public_id for n in walk(root))


def test_a_shallower_tree_counts_what_lies_below(world, family):
    tree = recruitment_tree_for(world.alice, world.carol_person, depth=2)
    fay = tree.person.children[0].children[0]
    assert fay.children == [] and fay.more == 1
    assert tree.brought_in == 4 and tree.truncated
    full = recruitment_tree_for(world.alice, world.carol_person, depth=6)
    assert full.brought_in == 7 and not full.truncated


def test_max_nodes_cuts_the_tree_and_says_so(world, family):
    tree = recruitment_tree_for(world.alice, world.carol_person, max_nodes=2)
    assert names(tree.person.children) == ["Bob", "Erin"]
    assert tree.brought_in == 2 and tree.truncated


def test_the_chain_goes_up_to_the_first_person(world, family):
    tree = recruitment_tree_for(world.alice, family["hal"])
    assert names(tree.chain) == ["Alice", "Carol", "Bob", "Fay", "Gus"]
    assert [n.generation for n in tree.chain] == [-5, -4, -3, -2, -1]
    assert names(tree.person.children) == ["Ivy"]
    assert recruitment_tree_for(world.alice, world.alice_person).chain == []


def test_a_loop_in_who_brought_whom_ends(world):
    bring(world.erin, world.bob_person)
    bring(world.bob_person, world.erin)
    world.erin.refresh_from_db()
    tree = recruitment_tree_for(world.alice, world.erin)
    assert names(tree.chain) == ["Bob"]
    assert tree.person.children == []


def test_a_member_sees_the_shape_but_not_the_names_outside_their_networks(world, family):
    tree = recruitment_tree_for(world.bob, world.bob_person)
    # Carol is in Bob's network; Alice (who brought her) is not.
    assert names(tree.chain) == ["?", "Carol"]
    assert tree.chain[0].public_id == "" and tree.chain[0].name == ""
    fay = tree.person.children[0]
    assert not fay.visible and fay.name == "" and fay.public_id == "" and fay.stage == ""
    assert names(fay.children) == ["?"]  # Gus keeps his place
    join(world.network, family["fay"])
    forget_scope(world.bob)
    assert names(recruitment_tree_for(world.bob, world.bob_person).person.children) == ["Fay"]


def test_a_discreet_recruit_is_hidden_from_a_convener_but_shown_to_an_organizer(world, family):
    dina = family["dina"]
    # Even as her follow-up owner, the convener does not see a discreet person's name here.
    Person.objects.filter(pk=dina.pk).update(followup_owner=world.carol)
    tree = recruitment_tree_for(world.carol, world.carol_person)
    assert names(tree.person.children) == ["Bob", "?", "?"]  # Erin: not in her scope
    hidden = tree.person.children[2]
    assert hidden.id == dina.id and hidden.public_id == ""
    tree = recruitment_tree_for(world.alice, world.carol_person)
    assert names(tree.person.children) == ["Bob", "Erin", "Dina"]
    assert names(recruitment_tree_for(world.admin, world.carol_person).person.children) == [
        "Bob", "Erin", "Dina"]


def test_the_tree_takes_one_query_per_generation(world, family):
    scope_of(world.alice)  # computed once per request, before the page's own reads
    with CaptureQueriesContext(connection) as ctx:
        recruitment_tree_for(world.alice, world.carol_person)
    # One step up (Alice), four generations down; an organizer's names need no check.
    assert len(ctx.captured_queries) == 5
    many = [make_person(world.chapter, f"R{i}") for i in range(30)]
    bring(world.erin, *many)
    with CaptureQueriesContext(connection) as ctx:
        recruitment_tree_for(world.alice, world.carol_person)
    assert len(ctx.captured_queries) == 5


# --- who brings people in ---------------------------------------------------------------------


def test_recruiters_are_counted_with_how_many_of_theirs_are_organized(world, family):
    # Bob is also in a second network: he still counts once. Erin joined and left: not now.
    join(world.other_network, world.bob_person)
    left = join(world.other_network, world.erin)
    left.left_on = date(2024, 1, 1)
    left.save(update_fields=["left_on"])
    # Hilltop's people do not count in Riverside.
    bring(world.hilltop_person, make_person(world.other_chapter, "Hilltop recruit"))
    rows = recruiters_for(world.alice, world.chapter.id)
    got = [(r.name, r.brought_in, r.organized) for r in rows]
    assert got == [
        ("Carol", 3, 2),  # Bob and Dina are in a network, Erin is not
        ("Alice", 1, 1),  # Carol convenes
        ("Bob", 1, 0), ("Fay", 1, 0), ("Gus", 1, 0), ("Hal", 1, 0),
    ]
    assert [r.name for r in recruiters_for(world.alice, world.chapter.id, limit=2)] == [
        "Carol", "Alice"]


def test_recruiters_name_only_people_the_actor_may_see(world, family):
    scope_of(world.alice)
    with CaptureQueriesContext(connection) as ctx:
        recruiters_for(world.alice, world.chapter.id)
    assert len(ctx.captured_queries) == 1
    rows = recruiters_for(world.carol, world.chapter.id)
    assert [r.name for r in rows] == ["Carol", "", "Bob", "", "", ""]
    assert all(r.public_id == "" for r in rows if not r.visible)
    assert [r.brought_in for r in rows] == [3, 1, 1, 1, 1, 1]
