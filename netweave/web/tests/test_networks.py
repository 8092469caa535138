"""The network pages, driven as each role would: who may see and do what, and bad input."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from netweave.core.testing import join, make_network, make_person, make_user
from netweave.networks import services
from netweave.networks.models import Membership, Network, NetworkLink
from netweave.work.models import Task

pytestmark = pytest.mark.django_db


def page(network: Network, suffix: str = "") -> str:
    return f"/networks/{network.public_id}/{suffix}"


def seed_child(world, **extra):  # noqa: ANN001, ANN003, ANN201
    """A network seeded from world.network and convened by Erin, so Carol (convener of the
    parent) sees it only in aggregate."""
    fields = {"name": "Eastside school table", "kind": world.network.kind,
              "seeded_by": world.erin, "convener": world.erin, **extra}
    return services.network_seed(actor=world.alice, parent=world.network, **fields)


def as_user(client, user):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client


def new_network_data(world, **overrides):  # noqa: ANN001, ANN003, ANN201
    data = {"chapter": world.chapter.public_id, "name": "Northside postering",
            "kind": str(world.network.kind_id), "place": world.place.public_id,
            "social_grouping": "Cousins", "description": "Posters on Fridays", "convener": ""}
    return {**data, **overrides}


# --- Every route: anonymous goes to the login page; outsiders get 404 -------------------------

ROUTES = [
    ("get", ""), ("get", "edit/"), ("get", "seed/"), ("get", "members/add/"),
    ("get", "links/add/"), ("get", "lineage/"),
    ("post", "members/{bob}/end/"), ("post", "members/{bob}/role/"),
]


@pytest.mark.parametrize("url", ["/networks/", "/networks/new/"])
def test_anonymous_visitors_are_sent_to_log_in_from_the_list_and_new_pages(world, client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_anonymous_visitors_are_sent_to_log_in_from_every_network_page(
        world, client, method, suffix):
    url = page(world.network, suffix.format(bob=world.bob_person.public_id))
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_an_organizer_of_another_chapter_finds_nothing_of_riverside(
        world, client, method, suffix):
    url = page(world.network, suffix.format(bob=world.bob_person.public_id))
    response = getattr(as_user(client, world.charlie), method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_a_convener_of_another_network_finds_nothing_of_this_one(world, client, method, suffix):
    url = page(world.network, suffix.format(bob=world.bob_person.public_id))
    response = getattr(as_user(client, world.dave), method)(url)
    assert response.status_code == 404
    assert Membership.objects.filter(network=world.network, left_on__isnull=True).count() == 2


# --- The list --------------------------------------------------------------------------------


def test_an_organizer_lists_every_network_of_the_chapter_and_no_other(world, client):
    body = as_user(client, world.alice).get("/networks/").content.decode()
    assert "Eastside distribution" in body and "Campus discussion" in body
    assert "Hilltop tables" not in body


def test_a_member_lists_only_their_own_networks(world, client):
    body = as_user(client, world.bob).get("/networks/").content.decode()
    assert "Eastside distribution" in body and "Campus discussion" not in body


def test_the_list_shows_kind_place_status_members_and_generation(world, client):
    body = as_user(client, world.alice).get("/networks/").content.decode()
    assert "Distribution · Eastside" in body and "2 members" in body
    assert "generation 1" in body and 'badge ok">Active' in body


def test_the_list_filters_by_search_status_kind_and_place(world, client):
    client = as_user(client, world.alice)
    dormant = make_network(world.chapter, "Old reading circle", kind_slug="discussion",
                           status=Network.Status.DORMANT)
    assert "Old reading circle" not in client.get("/networks/?q=eastside").content.decode()
    by_status = client.get("/networks/?status=dormant").content.decode()
    assert dormant.name in by_status and "Eastside distribution" not in by_status
    by_kind = client.get("/networks/?kind=discussion").content.decode()
    assert "Campus discussion" in by_kind and "Eastside distribution" not in by_kind
    by_place = client.get(f"/networks/?place={world.place.public_id}").content.decode()
    assert "Eastside distribution" in by_place and "Campus discussion" not in by_place


def test_a_mistyped_filter_is_explained_and_the_rest_still_apply(world, client):
    response = as_user(client, world.alice).get("/networks/?status=sleepy&q=campus")
    body = response.content.decode()
    assert response.status_code == 200 and "Select a valid choice" in body
    assert "Campus discussion" in body and "Eastside distribution" not in body


def test_the_list_runs_the_same_number_of_queries_for_5_or_45_networks(world, client):
    client = as_user(client, world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/networks/").status_code == 200
        return len(queries)

    for i in range(5):
        join(make_network(world.chapter, f"Extra {i}", place=world.place), world.erin)
    few = count()
    for i in range(40):
        parent = make_network(world.chapter, f"More {i}")
        join(make_network(world.chapter, f"Child {i}", parent=parent), world.erin)
    assert count() == few


# --- Starting a network ----------------------------------------------------------------------


def test_an_organizer_starts_a_first_generation_network_with_a_convener(world, client):
    data = new_network_data(world, convener=world.erin.public_id)
    response = as_user(client, world.alice).post("/networks/new/", data, follow=True)
    network = Network.objects.get(name="Northside postering")
    assert response.redirect_chain[-1][0] == page(network)
    assert "started" in response.content.decode()
    assert network.generation == 1 and network.seeded_from is None
    assert network.memberships.get().person == world.erin


def test_a_member_may_not_start_a_network(world, client):
    client = as_user(client, world.bob)
    assert client.get("/networks/new/").status_code == 403
    assert client.post("/networks/new/", new_network_data(world)).status_code == 403
    assert not Network.objects.filter(name="Northside postering").exists()


def test_an_admin_picks_the_chapter_to_start_a_network_in(world, client):
    client = as_user(client, world.admin)
    assert f"?chapter={world.other_chapter.public_id}" in client.get("/networks/new/")\
        .content.decode()
    data = new_network_data(world, chapter=world.other_chapter.public_id, place="")
    assert client.post("/networks/new/", data).status_code == 302
    assert Network.objects.get(name="Northside postering").chapter == world.other_chapter


def test_an_organizer_cannot_start_a_network_in_a_chapter_they_do_not_organize(world, client):
    url = f"/networks/new/?chapter={world.chapter.public_id}"
    assert as_user(client, world.charlie).get(url).status_code == 404


def test_starting_a_network_without_a_name_keeps_the_input_and_creates_nothing(world, client):
    before = Network.objects.count()
    response = as_user(client, world.alice).post("/networks/new/",
                                                 new_network_data(world, name="  "))
    body = response.content.decode()
    assert response.status_code == 200 and "This field is required" in body
    assert 'value="Cousins"' in body and "Posters on Fridays" in body
    assert Network.objects.count() == before


# --- One network: full view and aggregate view ------------------------------------------------


def test_a_member_sees_the_members_tasks_and_events_of_their_network(world, client):
    Task.objects.create(chapter=world.chapter, playbook=world.playbook, network=world.network)
    body = as_user(client, world.bob).get(page(world.network)).content.decode()
    assert "Bob" in body and "Carol" in body
    assert str(world.playbook) in body and "Events it hosts" in body
    assert "Edit" not in body  # running the network is for conveners and organizers


def test_a_discreet_member_is_counted_but_not_named_to_fellow_members(world, client):
    join(world.network, make_person(world.chapter, "Quiet Quinn", discreet=True))
    member_view = as_user(client, world.bob).get(page(world.network)).content.decode()
    assert "Quiet Quinn" not in member_view and "1 more who keeps a low profile" in member_view
    organizer_view = as_user(client, world.alice).get(page(world.network)).content.decode()
    assert "Quiet Quinn" in organizer_view


def test_a_convener_of_a_parent_sees_a_seeded_network_in_aggregate_without_member_names(
        world, client):
    child = seed_child(world)
    join(child, make_person(world.chapter, "Zoe Member"))
    Task.objects.create(chapter=world.chapter, playbook=world.playbook, network=child)
    response = as_user(client, world.carol).get(page(child))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Eastside school table" in body and "Erin" in body  # name and convener
    assert "<b>2</b>members" in body
    assert "Zoe Member" not in body and str(world.playbook) not in body
    assert "in aggregate" in body


def test_a_convener_sees_a_network_that_descends_from_theirs(world, client):
    child = services.network_seed(actor=world.alice, parent=world.other_network,
                                  name="Campus clips", kind=world.other_network.kind,
                                  seeded_by=world.erin)
    assert as_user(client, world.dave).get(page(child)).status_code == 200


def test_a_plain_member_of_the_parent_does_not_learn_who_convenes_a_seeded_network(
        world, client):
    seed_child(world)
    body = as_user(client, world.bob).get(page(world.network)).content.decode()
    assert "Erin" not in body
    coach_view = as_user(client, world.carol).get(page(world.network)).content.decode()
    assert "convened by Erin" in coach_view


def test_a_parent_the_viewer_may_not_see_is_shown_without_its_name(world, client):
    child = seed_child(world)
    fay = make_user("fay")
    join(child, make_person(world.chapter, "Fay", user=fay))
    body = as_user(client, fay).get(page(child)).content.decode()
    assert "Eastside distribution" not in body and "a network (generation 1)" in body


# --- Editing ---------------------------------------------------------------------------------


def test_a_convener_edits_their_network(world, client):
    data = {"name": "Eastside flyers", "kind": str(world.network.kind_id), "place": "",
            "social_grouping": "", "description": "", "status": "dormant"}
    response = as_user(client, world.carol).post(page(world.network, "edit/"), data)
    assert response.status_code == 302
    world.network.refresh_from_db()
    assert world.network.name == "Eastside flyers" and world.network.status == "dormant"


def test_a_member_may_not_edit_their_network(world, client):
    client = as_user(client, world.bob)
    assert client.get(page(world.network, "edit/")).status_code == 403
    assert client.post(page(world.network, "edit/"), {"name": "Mine"}).status_code == 403


def test_an_edit_with_a_bad_status_keeps_the_input_and_changes_nothing(world, client):
    data = {"name": "Eastside flyers", "kind": str(world.network.kind_id), "status": "asleep"}
    response = as_user(client, world.alice).post(page(world.network, "edit/"), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert 'value="Eastside flyers"' in response.content.decode()
    world.network.refresh_from_db()
    assert world.network.name == "Eastside distribution"


# --- Seeding ---------------------------------------------------------------------------------


def seed_data(world, **overrides):  # noqa: ANN001, ANN003, ANN201
    data = {"name": "Eastside school table", "kind": str(world.network.kind_id), "place": "",
            "social_grouping": "Classmates", "description": "", "seeded_by": "", "convener": ""}
    return {**data, **overrides}


def test_a_member_records_a_network_seeded_from_theirs(world, client):
    client = as_user(client, world.bob)
    form = client.get(page(world.network, "seed/")).content.decode()
    assert f'value="{world.bob_person.public_id}" selected' in form  # seeded by: the viewer
    data = seed_data(world, seeded_by=world.bob_person.public_id)
    response = client.post(page(world.network, "seed/"), data, follow=True)
    child = Network.objects.get(name="Eastside school table")
    assert response.redirect_chain[-1][0] == page(child)
    assert "was seeded from" in response.content.decode()
    assert child.seeded_from == world.network and child.generation == 2
    assert child.seeded_by == world.bob_person
    assert child.memberships.get().role == Membership.Role.CONVENER


def test_a_coach_who_sees_a_network_only_in_aggregate_may_not_record_its_seeds(world, client):
    child = seed_child(world)
    client = as_user(client, world.carol)
    assert client.get(page(child, "seed/")).status_code == 403
    assert client.post(page(child, "seed/"), seed_data(world, name="Grandchild")).status_code \
        == 403
    assert not Network.objects.filter(name="Grandchild").exists()


@pytest.mark.parametrize("suffix", ["edit/", "members/add/", "links/add/"])
def test_a_coach_may_not_run_a_network_they_see_only_in_aggregate(world, client, suffix):
    child = seed_child(world)
    assert as_user(client, world.carol).get(page(child, suffix)).status_code == 403


def test_a_dissolved_network_cannot_seed_and_the_input_is_kept(world, client):
    Network.objects.filter(pk=world.network.pk).update(status=Network.Status.DISSOLVED)
    response = as_user(client, world.alice).post(page(world.network, "seed/"), seed_data(world))
    body = response.content.decode()
    assert "A dissolved network cannot seed new ones." in body and 'value="Classmates"' in body
    assert not Network.objects.filter(name="Eastside school table").exists()


# --- Members ---------------------------------------------------------------------------------


def test_an_organizer_adds_a_person_of_the_chapter(world, client):
    data = {"person": world.erin.public_id, "role": "member"}
    response = as_user(client, world.alice).post(page(world.network, "members/add/"), data)
    assert response.status_code == 302
    assert world.network.memberships.filter(person=world.erin, left_on__isnull=True).exists()


def test_a_convener_adds_someone_they_can_see(world, client):
    seed_child(world)  # Carol now coaches Erin, who convenes the seeded network
    data = {"person": world.erin.public_id, "role": "member"}
    assert as_user(client, world.carol).post(page(world.network, "members/add/"), data)\
        .status_code == 302
    assert world.network.memberships.filter(person=world.erin).exists()


def test_the_search_narrows_the_people_offered(world, client):
    client = as_user(client, world.alice)
    body = client.get(page(world.network, "members/add/") + "?q=eri").content.decode()
    assert "Erin" in body and "Dave" not in body


def test_a_member_may_not_add_people(world, client):
    data = {"person": world.erin.public_id, "role": "member"}
    assert as_user(client, world.bob).post(page(world.network, "members/add/"), data)\
        .status_code == 403
    assert not world.network.memberships.filter(person=world.erin).exists()


def test_adding_someone_already_in_the_network_says_so_and_changes_nothing(world, client):
    data = {"person": world.bob_person.public_id, "role": "convener"}
    response = as_user(client, world.alice).post(page(world.network, "members/add/"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Bob is already in this network." in body
    assert f'value="{world.bob_person.public_id}" selected' in body
    assert world.network.memberships.get(person=world.bob_person).role == "member"


def test_an_organizer_removes_a_member(world, client):
    url = page(world.network, f"members/{world.bob_person.public_id}/end/")
    assert as_user(client, world.alice).post(url).status_code == 302
    assert world.network.memberships.get(person=world.bob_person).left_on is not None


def test_a_member_leaves_their_network(world, client):
    url = page(world.network, f"members/{world.bob_person.public_id}/end/")
    response = as_user(client, world.bob).post(url)
    assert response.status_code == 302 and response.url == "/networks/"
    assert world.network.memberships.get(person=world.bob_person).left_on is not None


def test_a_member_may_not_remove_someone_else(world, client):
    url = page(world.network, f"members/{world.carol_person.public_id}/end/")
    assert as_user(client, world.bob).post(url).status_code == 403
    assert world.network.memberships.get(person=world.carol_person).left_on is None


def test_ending_a_membership_needs_a_post(world, client):
    url = page(world.network, f"members/{world.bob_person.public_id}/end/")
    assert as_user(client, world.alice).get(url).status_code == 405


def test_an_organizer_makes_a_member_a_convener(world, client):
    url = page(world.network, f"members/{world.bob_person.public_id}/role/")
    assert as_user(client, world.alice).post(url, {"role": "convener"}).status_code == 302
    assert world.network.memberships.get(person=world.bob_person).role == "convener"


def test_a_member_may_not_change_roles(world, client):
    url = page(world.network, f"members/{world.bob_person.public_id}/role/")
    assert as_user(client, world.bob).post(url, {"role": "convener"}).status_code == 403
    assert world.network.memberships.get(person=world.bob_person).role == "member"


def test_an_unknown_role_is_refused_with_a_message(world, client):
    url = page(world.network, f"members/{world.bob_person.public_id}/role/")
    response = as_user(client, world.alice).post(url, {"role": "boss"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert world.network.memberships.get(person=world.bob_person).role == "member"


# --- Links -----------------------------------------------------------------------------------


def test_an_organizer_links_two_networks_of_the_chapter(world, client):
    data = {"other": world.other_network.public_id, "note": "They host, we flyer"}
    response = as_user(client, world.alice).post(page(world.network, "links/add/"), data)
    assert response.status_code == 302
    assert NetworkLink.objects.count() == 1
    body = client.get(page(world.network)).content.decode()
    assert "Campus discussion" in body and "They host, we flyer" in body


def test_a_network_cannot_be_linked_to_itself_and_the_note_is_kept(world, client):
    data = {"other": world.network.public_id, "note": "Ourselves"}
    response = as_user(client, world.alice).post(page(world.network, "links/add/"), data)
    body = response.content.decode()
    assert "A network cannot link to itself." in body and 'value="Ourselves"' in body
    assert not NetworkLink.objects.exists()


def test_a_member_may_not_link_networks(world, client):
    data = {"other": world.other_network.public_id}
    assert as_user(client, world.bob).post(page(world.network, "links/add/"), data)\
        .status_code == 403
    assert not NetworkLink.objects.exists()


# --- Lineage ---------------------------------------------------------------------------------


def test_the_lineage_is_a_tree_with_generations_and_the_focus_highlighted(world, client):
    child = seed_child(world)
    body = as_user(client, world.alice).get(page(child, "lineage/")).content.decode()
    assert 'class="tree"' in body and 'class="focus"' in body
    assert "Eastside distribution" in body and "gen. 2" in body


def test_the_lineage_keeps_the_place_of_networks_the_viewer_may_not_see(world, client):
    child = seed_child(world)
    services.network_seed(actor=world.alice, parent=child, name="Hidden grandchild",
                          kind=world.network.kind, seeded_by=world.erin)
    body = as_user(client, world.bob).get(page(world.network, "lineage/")).content.decode()
    assert "Hidden grandchild" not in body and "Eastside school table" not in body
    assert "a network (generation 2)" in body and "a network (generation 3)" in body


# --- Health profile ----------------------------------------------------------------------------

HEALTH_CHIP = re.compile(r'<li class="health-element (on|off)" title="([^"]*)">.*?<b>([^<]*)</b>',
                         re.S)


def health_chips(body: str) -> dict[str, tuple[bool, str]]:
    """Element label -> (lit, why it matters), as the page shows them."""
    return {label: (state == "on", why) for state, why, label in HEALTH_CHIP.findall(body)}


def test_the_network_page_shows_which_health_elements_are_present(world, client):
    # Eastside has a convener and nobody old enough to have left; two members, no task, no
    # child, no link.
    body = as_user(client, world.bob).get(page(world.network)).content.decode()
    chips = health_chips(body)
    assert len(chips) == 8
    lit = {label for label, (on, _why) in chips.items() if on}
    assert lit == {"Has a convener", "Keeps its members"}
    assert chips["3+ members"][0] is False and chips["Seeded a network"][0] is False
    assert "multiply" in chips["Seeded a network"][1]
    assert "2 of the 8 elements of a healthy network are present." in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="ring"' in body and ">2/8<" in body


def test_the_health_profile_follows_what_the_network_does(world, client):
    seed_child(world)
    NetworkLink.objects.create(from_network=world.network, to_network=world.other_network)
    join(world.network, world.erin)
    chips = health_chips(as_user(client, world.alice).get(page(world.network)).content.decode())
    for label in ("3+ members", "Seeded a network", "Linked", "Has a convener"):
        assert chips[label][0] is True, label
    assert chips["Tasks done"][0] is False


def test_a_coach_who_sees_a_network_in_aggregate_sees_its_health(world, client):
    child = seed_child(world)
    body = as_user(client, world.carol).get(page(child)).content.decode()
    assert "in aggregate" in body
    chips = health_chips(body)
    assert len(chips) == 8 and chips["Has a convener"][0] is True


def test_network_health_for_refuses_a_network_the_actor_may_not_see(world):
    from django.http import Http404

    from netweave.metrics.selectors import network_health_for

    with pytest.raises(Http404):
        network_health_for(world.dave, world.network)
    assert network_health_for(world.carol, world.network).elements["convener"] is True


def test_the_network_page_runs_the_same_number_of_queries_for_a_small_or_large_network(
        world, client):
    client = as_user(client, world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(world.network)).status_code == 200
        return len(queries)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            join(world.network, make_person(world.chapter, f"Member {i}"))
            child = make_network(world.chapter, f"Child {i}", parent=world.network)
            NetworkLink.objects.create(from_network=world.network, to_network=child)

    grow(0, 1)  # one of each: the page's lists are not empty
    few = count()
    grow(1, 15)
    assert count() == few


def test_network_health_is_six_queries(world, django_assert_num_queries):
    from django.utils import timezone

    from netweave.metrics.health import network_health

    # One per kind of element (metrics.health.health_elements), the same for any network.
    with django_assert_num_queries(6):
        network_health(world.network.id, timezone.localdate())


def test_the_health_profile_costs_the_network_page_six_queries(world, client, monkeypatch):
    from netweave.metrics.health import ELEMENTS, Health

    client = as_user(client, world.bob)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(world.network)).status_code == 200
        return len(queries)

    with_health = count()
    monkeypatch.setattr("netweave.web.views.networks.network_health_for",
                        lambda actor, network: Health(dict.fromkeys(ELEMENTS, False), 0.0))
    assert count() == with_health - 6
