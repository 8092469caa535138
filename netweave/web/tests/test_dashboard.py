"""The home page shows each role what needs doing next, and nothing it may not see."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netweave.core.testing import make_person, make_user
from netweave.events.models import Event
from netweave.people.models import Source
from netweave.work.models import Task

URL = reverse("dashboard")


def overdue_task(world, person=None, network=None):
    return Task.objects.create(
        chapter=world.chapter, playbook=world.playbook, person=person, network=network,
        due_on=timezone.localdate() - timedelta(days=2),
    )


def upcoming_event(world, **fields):
    fields.setdefault("title", "Film night")
    return Event.objects.create(chapter=world.chapter,
                                starts_at=timezone.now() + timedelta(days=3), **fields)


def due_followup(world, name, owner):
    return make_person(world.chapter, name, followup_owner=owner,
                       followup_due=timezone.localdate() - timedelta(days=1))


def test_it_sends_anonymous_visitors_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_an_organizer_the_chapter_overview(client, world):
    due_followup(world, "Farah", world.alice)
    make_person(world.chapter, "Gus", source=Source.REFERRAL)
    task = overdue_task(world, person=world.erin)
    event = upcoming_event(world)
    client.force_login(world.alice)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Farah" in page  # follow-up due
    assert "Gus" in page  # new sign-up
    assert f"/tasks/{task.public_id}/" in page  # overdue task
    assert f"/events/{event.public_id}/" in page
    assert dict((v, n) for v, _label, n in response.context["network_counts"])["active"] == 2


def test_it_shows_an_admin_the_overview_too(client, world):
    client.force_login(world.admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "web/dashboard/organizer.html" in [t.name for t in response.templates]


def test_it_never_shows_an_organizer_another_chapters_people_or_work(client, world):
    due_followup(world, "Farah", None)
    make_person(world.chapter, "Gus", source=Source.REFERRAL)
    task = overdue_task(world, person=world.erin)
    event = upcoming_event(world, title="Riverside film night", is_public=False)
    client.force_login(world.charlie)
    page = client.get(URL).content.decode()
    for secret in ("Farah", "Gus", task.public_id, event.public_id, "Riverside film night"):
        assert secret not in page
    counts = client.get(URL).context["network_counts"]
    assert sum(n for _v, _l, n in counts) == 1  # Hilltop's one network


def test_it_shows_a_convener_their_networks_open_tasks_events_and_follow_ups(client, world):
    task = overdue_task(world, person=world.bob_person)
    event = upcoming_event(world, host_network=world.network)
    world.bob_person.followup_owner = world.carol
    world.bob_person.save()
    client.force_login(world.carol)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/networks/{world.network.public_id}/" in page
    assert "2 members" in page
    assert "you convene" in page
    assert f"/tasks/{task.public_id}/" in page
    assert f"/events/{event.public_id}/" in page
    assert reverse("person", kwargs={"public_id": world.bob_person.public_id}) in page
    assert world.other_network.name not in page  # Dave's network is not Carol's business


def test_it_shows_a_member_their_tasks_networks_and_events(client, world):
    mine = overdue_task(world, person=world.bob_person)
    network_task = overdue_task(world, network=world.network)
    not_mine = overdue_task(world, person=world.erin)
    event = upcoming_event(world, host_network=world.network)
    client.force_login(world.bob)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/tasks/{mine.public_id}/" in page
    assert f"/tasks/{network_task.public_id}/" in page
    assert not_mine.public_id not in page
    assert f"/networks/{world.network.public_id}/" in page
    assert f"/events/{event.public_id}/" in page
    assert "Follow-ups due" not in page  # nobody for Bob to follow up


def test_it_tells_someone_in_no_network_yet_how_to_start(client, world):
    client.force_login(make_user("newbie"))
    response = client.get(URL)
    assert response.status_code == 200
    assert b"You are not in a network yet" in response.content


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_organizer_dashboard_does_not_query_per_row(client, world):
    def add_rows(n, start):
        for i in range(start, start + n):
            person = due_followup(world, f"Person {i}", world.alice)
            make_person(world.chapter, f"Signup {i}", source=Source.REFERRAL)
            overdue_task(world, person=person)
            upcoming_event(world, title=f"Event {i}", host_network=world.network)

    client.force_login(world.alice)
    add_rows(2, 0)
    few = count_queries(client)
    add_rows(8, 2)
    assert count_queries(client) == few


def test_the_member_dashboard_does_not_query_per_row(client, world):
    def add_rows(n):
        for _ in range(n):
            overdue_task(world, person=world.bob_person)
            upcoming_event(world, host_network=world.network)

    client.force_login(world.bob)
    add_rows(2)
    few = count_queries(client)
    add_rows(8)
    assert count_queries(client) == few
