"""The playbook and task pages, driven as each role would: who may see and do what, reporting
back from a phone, and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from netweave.core.testing import join, make_person
from netweave.work import services
from netweave.work.models import Playbook, Task

pytestmark = pytest.mark.django_db


def as_user(client, user):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client


def bobs_task(world) -> Task:  # noqa: ANN001
    return services.task_assign(actor=world.alice, playbook=world.playbook,
                                person=world.bob_person)


def chapter_playbook(world, title: str = "Riverside's own table") -> Playbook:  # noqa: ANN001
    return services.playbook_create(
        actor=world.alice, chapter=world.chapter, title=title, setting="public", minutes=45,
        steps=["Set up", "Talk"], report_fields=[{"key": "talks", "label": "Talks"}],
    )


def task_url(task: Task, suffix: str = "") -> str:
    return f"/tasks/{task.public_id}/{suffix}"


# --- Every route: anonymous goes to the login page; outsiders get 404 -------------------------

TASK_ROUTES = [("get", ""), ("post", "step/"), ("post", "accept/"), ("post", "report/"),
               ("post", "drop/")]


@pytest.mark.parametrize("url", ["/playbooks/", "/tasks/", "/tasks/new/"])
def test_anonymous_visitors_are_sent_to_log_in_from_the_work_pages(world, client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_anonymous_visitors_are_sent_to_log_in_from_a_playbook(world, client):
    response = client.get(f"/playbooks/{world.playbook.public_id}/")
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(("method", "suffix"), TASK_ROUTES)
def test_anonymous_visitors_are_sent_to_log_in_from_every_task_page(
        world, client, method, suffix):
    response = getattr(client, method)(task_url(bobs_task(world), suffix))
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("who", ["charlie", "dave"])
@pytest.mark.parametrize(("method", "suffix"), TASK_ROUTES)
def test_outsiders_and_conveners_of_other_networks_find_no_task(
        world, client, method, suffix, who):
    task = bobs_task(world)
    response = getattr(as_user(client, getattr(world, who)), method)(
        task_url(task, suffix), {"step": "0", "done": "1", "reason": "x"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OFFERED and task.steps_done == []


# --- The catalog -----------------------------------------------------------------------------


def test_a_member_browses_the_catalog(world, client):
    body = as_user(client, world.bob).get("/playbooks/").content.decode()
    assert str(world.playbook) in body and "10 minutes" in body


def test_the_catalog_filters_by_setting_time_and_discretion(world, client):
    client = as_user(client, world.bob)
    online = client.get("/playbooks/?setting=online").content.decode()
    assert "Share a clip with three people" in online and "Give out flyers" not in online
    short = client.get("/playbooks/?max_minutes=15").content.decode()
    assert "Share a clip" in short and "Read one piece" not in short
    discreet = client.get("/playbooks/?discreet_only=on").content.decode()
    assert "Read one piece and note a question" in discreet and "Share a clip" not in discreet


def test_a_chapter_playbook_is_not_listed_to_another_chapter(world, client):
    chapter_playbook(world)
    assert "Riverside&#x27;s own table" in as_user(client, world.bob).get("/playbooks/")\
        .content.decode()
    assert "Riverside" not in as_user(client, world.charlie).get("/playbooks/").content.decode()


def test_the_catalog_runs_the_same_number_of_queries_for_5_or_45_more_playbooks(world, client):
    client = as_user(client, world.bob)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/playbooks/?max_minutes=30").status_code == 200
        return len(queries)

    for i in range(5):
        chapter_playbook(world, f"Short job {i}")
    few = count()
    for i in range(40):
        chapter_playbook(world, f"More short jobs {i}")
    assert count() == few


def test_a_playbook_shows_steps_time_setting_what_to_prepare_and_report(world, client):
    body = as_user(client, world.bob).get(f"/playbooks/{world.playbook.public_id}/")\
        .content.decode()
    for text in ("Watch the clip yourself", "10 minutes", "Online", "Watch the clip first.",
                 "People you sent it to", "I'll do it"):
        assert text in body


def test_a_playbook_reads_in_spanish_for_a_spanish_reader(world, client):
    response = as_user(client, world.bob).get(f"/playbooks/{world.playbook.public_id}/",
                                              HTTP_ACCEPT_LANGUAGE="es")
    body = response.content.decode()
    assert "Comparte un video con tres personas" in body and "Mira el video tú primero" in body


def test_an_organizer_gets_the_full_assign_form(world, client):
    body = as_user(client, world.alice).get(f"/playbooks/{world.playbook.public_id}/")\
        .content.decode()
    assert "Erin" in body and "Campus discussion" in body
    assert f'type="hidden" name="playbook" value="{world.playbook.public_id}"' in body
    assert "{#" not in body and "{%" not in body


def test_a_chapter_playbook_is_not_found_by_another_chapter(world, client):
    playbook = chapter_playbook(world)
    assert as_user(client, world.charlie).get(f"/playbooks/{playbook.public_id}/")\
        .status_code == 404


# --- The task list ---------------------------------------------------------------------------


def test_a_member_lists_their_tasks_and_an_organizer_the_chapters(world, client):
    mine = bobs_task(world)
    erins = services.task_assign(actor=world.alice, playbook=world.playbook, person=world.erin)
    member_view = as_user(client, world.bob).get("/tasks/").content.decode()
    assert mine.public_id in member_view and erins.public_id not in member_view
    organizer_view = as_user(client, world.alice).get("/tasks/").content.decode()
    assert mine.public_id in organizer_view and erins.public_id in organizer_view
    assert mine.public_id not in as_user(client, world.charlie).get("/tasks/").content.decode()


def test_the_task_list_filters_by_status_and_open(world, client):
    open_task = bobs_task(world)
    dropped = bobs_task(world)
    services.task_drop(actor=world.bob, task=dropped)
    client = as_user(client, world.bob)
    by_status = client.get("/tasks/?status=dropped").content.decode()
    assert dropped.public_id in by_status and open_task.public_id not in by_status
    still_open = client.get("/tasks/?open=on").content.decode()
    assert open_task.public_id in still_open and dropped.public_id not in still_open


def test_a_convener_sees_a_discreet_members_task_without_their_name(world, client):
    quinn = make_person(world.chapter, "Quiet Quinn", discreet=True)
    join(world.network, quinn)
    task = services.task_assign(actor=world.alice, playbook=world.playbook, person=quinn)
    body = as_user(client, world.carol).get("/tasks/").content.decode()
    assert task.public_id in body and "Quiet Quinn" not in body
    assert "Quiet Quinn" in as_user(client, world.alice).get("/tasks/").content.decode()


def test_the_task_list_runs_the_same_number_of_queries_for_5_or_45_tasks(world, client):
    client = as_user(client, world.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tasks/").status_code == 200
        return len(queries)

    def make(n: int) -> None:
        for i in range(n):
            target = {"person": world.erin} if i % 2 else {"network": world.network}
            Task.objects.create(chapter=world.chapter, playbook=world.playbook, **target)

    make(5)
    few = count()
    make(40)
    assert count() == few


# --- Assigning -------------------------------------------------------------------------------


def new_url(world, **query) -> str:  # noqa: ANN001, ANN003
    params = "&".join(f"{k}={v}" for k, v in {"playbook": world.playbook.public_id,
                                                **query}.items())
    return f"/tasks/new/?{params}"


def test_an_organizer_opens_the_assign_form_with_the_person_chosen(world, client):
    body = as_user(client, world.alice).get(new_url(world, person=world.erin.public_id))\
        .content.decode()
    assert f'value="{world.erin.public_id}" selected' in body


def test_an_organizer_assigns_a_playbook_to_a_person(world, client):
    data = {"playbook": world.playbook.public_id, "person": world.erin.public_id,
            "note": "Start with your cousins"}
    response = as_user(client, world.alice).post("/tasks/new/", data)
    task = Task.objects.get(person=world.erin)
    assert response.status_code == 302 and response.url == task_url(task)
    assert task.note == "Start with your cousins" and task.assigned_by == world.alice


def test_a_convener_assigns_a_playbook_to_their_network(world, client):
    data = {"playbook": world.playbook.public_id, "network": world.network.public_id}
    assert as_user(client, world.carol).post("/tasks/new/", data).status_code == 302
    assert Task.objects.filter(network=world.network).exists()


def test_a_member_takes_a_playbook_on_themselves(world, client):
    data = {"playbook": world.playbook.public_id, "person": world.bob_person.public_id}
    assert as_user(client, world.bob).post("/tasks/new/", data).status_code == 302
    assert Task.objects.get().person == world.bob_person


def test_a_member_may_not_give_work_to_someone_else(world, client):
    client = as_user(client, world.bob)
    assert client.get(new_url(world, person=world.carol_person.public_id)).status_code == 403
    assert client.get(new_url(world, network=world.network.public_id)).status_code == 403
    data = {"playbook": world.playbook.public_id, "person": world.carol_person.public_id}
    assert "Select a valid choice" in client.post("/tasks/new/", data).content.decode()
    assert not Task.objects.exists()


def test_an_outsider_finds_no_riverside_person_network_or_playbook_to_assign(world, client):
    client = as_user(client, world.charlie)
    assert client.get(new_url(world, person=world.erin.public_id)).status_code == 404
    assert client.get(new_url(world, network=world.network.public_id)).status_code == 404
    own = chapter_playbook(world)
    assert client.get(f"/tasks/new/?playbook={own.public_id}").status_code == 404
    data = {"playbook": world.playbook.public_id, "person": world.erin.public_id}
    assert client.post("/tasks/new/", data).status_code == 200
    assert not Task.objects.exists()


def test_a_due_date_in_the_past_is_refused_and_the_input_kept(world, client):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = {"playbook": world.playbook.public_id, "person": world.erin.public_id,
            "due_on": yesterday, "note": "Call her first"}
    body = as_user(client, world.alice).post("/tasks/new/", data).content.decode()
    assert "The due date is in the past." in body and "Call her first" in body
    assert f'value="{world.erin.public_id}" selected' in body
    assert not Task.objects.exists()


def test_an_unknown_playbook_is_explained_and_nothing_assigned(world, client):
    data = {"playbook": "nosuchplaybook00", "person": world.erin.public_id}
    body = as_user(client, world.alice).post("/tasks/new/", data).content.decode()
    assert "Select a valid choice" in body
    assert not Task.objects.exists()


def test_a_task_needs_one_person_or_one_network(world, client):
    data = {"playbook": world.playbook.public_id}
    body = as_user(client, world.alice).post("/tasks/new/", data).content.decode()
    assert "Give the task to one person or one network." in body
    assert not Task.objects.exists()


# --- The task page ---------------------------------------------------------------------------


def test_a_member_sees_their_task_with_steps_and_a_phone_friendly_report_form(world, client):
    body = as_user(client, world.bob).get(task_url(bobs_task(world))).content.decode()
    assert "Watch the clip yourself" in body and "Send the report" in body
    assert body.count('inputmode="numeric"') == len(world.playbook.report_fields)


def test_a_convener_coaching_the_assignee_sees_the_task(world, client):
    assert as_user(client, world.carol).get(task_url(bobs_task(world))).status_code == 200


def test_ticking_a_step_works_without_scripts_and_accepts_the_task(world, client):
    task = bobs_task(world)
    response = as_user(client, world.bob).post(task_url(task, "step/"), {"step": "1",
                                                                          "done": "1"})
    assert response.status_code == 302 and response.url == task_url(task)
    task.refresh_from_db()
    assert task.steps_done == [1] and task.status == Task.Status.ACCEPTED


def test_the_first_tick_with_htmx_reloads_the_page_as_the_task_is_now_accepted(world, client):
    task = bobs_task(world)
    response = as_user(client, world.bob).post(task_url(task, "step/"), {"step": "0",
                                                                          "done": "1"},
                                               HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.headers["HX-Refresh"] == "true"
    task.refresh_from_db()
    assert task.status == Task.Status.ACCEPTED


def test_ticking_a_step_with_htmx_returns_just_that_step(world, client):
    task = bobs_task(world)
    client = as_user(client, world.bob)
    client.post(task_url(task, "step/"), {"step": "0", "done": "1"})
    response = client.post(task_url(task, "step/"), {"step": "0", "done": "0"},
                           HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.strip().startswith('<li id="step-0">')
    task.refresh_from_db()
    assert task.steps_done == []


def test_a_step_that_does_not_exist_is_refused_with_a_message(world, client):
    task = bobs_task(world)
    response = as_user(client, world.bob).post(task_url(task, "step/"), {"step": "99",
                                                                          "done": "1"})
    assert response.status_code == 400 and "There is no such step." in response.content.decode()
    task.refresh_from_db()
    assert task.steps_done == [] and task.status == Task.Status.OFFERED


def test_a_member_accepts_their_task(world, client):
    task = bobs_task(world)
    assert as_user(client, world.bob).post(task_url(task, "accept/")).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.ACCEPTED


def test_accepting_a_dropped_task_is_refused_with_a_message(world, client):
    task = bobs_task(world)
    services.task_drop(actor=world.bob, task=task)
    response = as_user(client, world.bob).post(task_url(task, "accept/"))
    assert response.status_code == 400 and "already closed" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.DROPPED


def test_a_member_reports_back_in_one_post(world, client):
    task = bobs_task(world)
    data = {"people_reached": "3", "replies": "", "report_note": "Two want to come"}
    response = as_user(client, world.bob).post(task_url(task, "report/"), data, follow=True)
    assert "Reported" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.REPORTED and task.report == {"people_reached": 3}
    assert task.report_note == "Two want to come"


def test_a_bad_number_in_a_report_is_explained_the_input_kept_and_nothing_changed(
        world, client):
    task = bobs_task(world)
    data = {"people_reached": "-3", "replies": "4", "report_note": "Went well"}
    response = as_user(client, world.bob).post(task_url(task, "report/"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "greater than or equal to 0" in body
    assert 'value="4"' in body and "Went well" in body
    task.refresh_from_db()
    assert task.status == Task.Status.OFFERED and task.report == {}


def test_a_member_drops_a_task_with_a_reason(world, client):
    task = bobs_task(world)
    data = {"reason": "No time this month"}
    assert as_user(client, world.bob).post(task_url(task, "drop/"), data).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DROPPED and task.report_note == "No time this month"


def test_dropping_a_reported_task_is_refused_and_the_reason_kept(world, client):
    task = bobs_task(world)
    services.task_report(actor=world.bob, task=task, numbers={})
    response = as_user(client, world.bob).post(task_url(task, "drop/"),
                                               {"reason": "Changed my mind"})
    assert "already closed" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.REPORTED
