"""The catalog and matching pages: a chapter's own playbooks, a situation in a few taps,
suggestions beside people and on the home page, and the one-click offer / take."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from netweave.core.testing import make_person
from netweave.people.models import Source
from netweave.work.models import Playbook, Task

pytestmark = pytest.mark.django_db


def login(client, user):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client


PLAYBOOK_POST = {
    "title": "Table at the market", "summary": "Saturdays.", "steps": "Bring the table\nTalk\n",
    "minutes": "60", "setting": "public", "visibility": "2", "suitable_for": ["full_time_work"],
    "min_stage": "participant", "builds_toward": "", "report_labels": "Flyers given out\nContacts",
    "prepare": "Read the flyer.", "es_title": "Mesa en el mercado", "es_summary": "",
    "es_steps": "Lleva la mesa\nConversa", "es_report_labels": "Volantes\nContactos",
    "es_prepare": "",
}


# --- a chapter's own playbooks -----------------------------------------------------------------


def test_an_organizer_adds_a_playbook_with_every_field(client, world):
    response = login(client, world.alice).post("/playbooks/new/", PLAYBOOK_POST)
    playbook = Playbook.objects.get(chapter=world.chapter)
    assert response.status_code == 302 and response.url == f"/playbooks/{playbook.public_id}/"
    assert playbook.steps == ["Bring the table", "Talk"] and playbook.min_stage == "participant"
    assert [f["key"] for f in playbook.report_fields] == ["flyers_given_out", "contacts"]
    assert playbook.translations["es"]["report_labels"] == {
        "flyers_given_out": "Volantes", "contacts": "Contactos"}
    page = client.get(f"/playbooks/{playbook.public_id}/").content.decode()
    assert f"/playbooks/{playbook.public_id}/edit/" in page


def test_an_organizer_edits_a_playbook_and_the_form_shows_what_is_there(client, world):
    login(client, world.alice).post("/playbooks/new/", PLAYBOOK_POST)
    playbook = Playbook.objects.get(chapter=world.chapter)
    url = f"/playbooks/{playbook.public_id}/edit/"
    page = client.get(url).content.decode()
    assert "Bring the table\nTalk" in page and "Mesa en el mercado" in page
    response = client.post(url, {**PLAYBOOK_POST, "minutes": "30", "active": "on",
                                 "report_labels": "Flyers given out\nPeople met"})
    assert response.status_code == 302
    playbook.refresh_from_db()
    assert playbook.minutes == 30
    assert [f["key"] for f in playbook.report_fields] == ["flyers_given_out", "people_met"]


def test_bad_playbook_input_is_shown_and_kept(client, world):
    response = login(client, world.alice).post(
        "/playbooks/new/", {**PLAYBOOK_POST, "steps": "", "es_steps": "uno"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Table at the market" in page and "Mesa en el mercado" in page
    assert not Playbook.objects.filter(chapter=world.chapter).exists()


def test_playbook_editing_is_refused_to_members_outsiders_and_for_the_starter_catalog(
        client, world):
    login(client, world.alice).post("/playbooks/new/", PLAYBOOK_POST)
    playbook = Playbook.objects.get(chapter=world.chapter)
    assert client.get(f"/playbooks/{world.playbook.public_id}/edit/").status_code == 403
    assert login(client, world.bob).get(f"/playbooks/{playbook.public_id}/edit/").status_code == 403
    assert login(client, world.bob).get("/playbooks/new/").status_code == 403
    assert login(client, world.charlie).get(
        f"/playbooks/{playbook.public_id}/edit/").status_code == 404


# --- a situation in a few taps -----------------------------------------------------------------


def situation_url(person) -> str:  # noqa: ANN001
    return f"/ways-in/situation/{person.public_id}/"


def test_a_member_sets_their_situation_with_taps(client, world):
    page = login(client, world.bob).get(situation_url(world.bob_person)).content.decode()
    assert 'type="radio"' in page and 'type="checkbox"' in page and "About 10 minutes" in page
    response = client.post(situation_url(world.bob_person), {
        "hours_per_week": "0.2", "availability": ["weekday evenings", "weekends"],
        "constraints": ["caregiving"], "languages": ["es"], "visibility": "0",
        "interests": ["discussion"], "place": world.place.public_id,
    })
    assert response.status_code == 302
    bob = world.bob_person
    bob.refresh_from_db()
    assert (str(bob.hours_per_week), bob.availability, bob.constraints, bob.languages,
            bob.visibility, bob.interests) == ("0.2", "weekday evenings, weekends",
                                               ["caregiving"], ["es"], 0, ["discussion"])


def test_values_the_choices_do_not_name_are_kept(client, world):
    world.bob_person.languages = ["English", "French"]
    world.bob_person.hours_per_week = 3
    world.bob_person.save()
    page = login(client, world.bob).get(situation_url(world.bob_person)).content.decode()
    assert 'value="French"' in page and 'value="3.0"' in page


def test_bad_situation_input_changes_nothing(client, world):
    response = login(client, world.alice).post(situation_url(world.erin), {
        "hours_per_week": "99", "visibility": "1", "constraints": ["flying"]})
    assert response.status_code == 400
    world.erin.refresh_from_db()
    assert world.erin.hours_per_week == 1 and world.erin.constraints == []


def test_situation_is_refused_to_those_who_may_not_change_it(client, world):
    assert login(client, world.carol).get(situation_url(world.bob_person)).status_code == 403
    assert login(client, world.charlie).get(situation_url(world.erin)).status_code == 404
    assert login(client, world.bob).get(situation_url(world.erin)).status_code == 404


# --- suggestions where people are ----------------------------------------------------------------


def test_the_person_page_shows_suggestions_with_reasons_and_offer_buttons(client, world):
    page = login(client, world.alice).get(f"/people/{world.erin.public_id}/").content.decode()
    assert "Ways in that fit" in page and "fits in your 1 hour a week" in page
    assert "/ways-in/offer/" in page and situation_url(world.erin) in page


def test_a_fellow_member_sees_no_suggestions_for_someone(client, world):
    page = login(client, world.bob).get(f"/people/{world.carol_person.public_id}/")
    assert page.status_code == 200 and "Ways in that fit" not in page.content.decode()


def test_offer_this_creates_an_offered_task_and_goes_back(client, world):
    response = login(client, world.alice).post("/ways-in/offer/", {
        "playbook": world.playbook.public_id, "person": world.erin.public_id,
        "next": "/people/x/"})
    assert response.status_code == 302 and response.url == "/people/x/"
    assert Task.objects.get(person=world.erin).status == Task.Status.OFFERED


def test_offer_this_never_goes_back_to_another_site(client, world):
    response = login(client, world.alice).post("/ways-in/offer/", {
        "playbook": world.playbook.public_id, "person": world.erin.public_id,
        "next": "https://evil.example/"})
    assert response.url == f"/people/{world.erin.public_id}/"


def test_offering_what_does_not_fit_says_why_and_creates_nothing(client, world):
    world.erin.discreet = True
    world.erin.save()
    response = login(client, world.alice).post("/ways-in/offer/", {
        "playbook": world.playbook.public_id, "person": world.erin.public_id}, follow=True)
    assert "does not fit their situation" in response.content.decode()
    assert not Task.objects.filter(person=world.erin).exists()


def test_offer_is_refused_to_those_who_may_not_see_or_assign(client, world):
    data = {"playbook": world.playbook.public_id, "person": world.erin.public_id}
    assert login(client, world.bob).post("/ways-in/offer/", data).status_code == 404
    assert login(client, world.charlie).post("/ways-in/offer/", data).status_code == 404
    assert login(client, world.alice).post("/ways-in/offer/", {}).status_code == 404
    assert not Task.objects.filter(person=world.erin).exists()


def test_a_member_sees_what_they_could_do_this_week_and_takes_one_on(client, world):
    page = login(client, world.bob).get("/").content.decode()
    assert "What you could do this week" in page and "take it on" in page
    response = client.post("/ways-in/take/", {"playbook": world.playbook.public_id})
    task = Task.objects.get(person=world.bob_person)
    assert response.url == f"/tasks/{task.public_id}/" and task.status == Task.Status.ACCEPTED


def test_take_is_refused_without_a_person_or_for_another_chapters_playbook(client, world):
    theirs = Playbook.objects.create(chapter=world.other_chapter, slug="h", title="H",
                                     setting="online", minutes=5, steps=["a"])
    assert login(client, world.admin).post(
        "/ways-in/take/", {"playbook": world.playbook.public_id}).status_code == 403
    assert login(client, world.bob).post(
        "/ways-in/take/", {"playbook": theirs.public_id}).status_code == 404
    assert not Task.objects.exists()


def new_signup(world, name: str):  # noqa: ANN001, ANN201
    return make_person(world.chapter, name, source=Source.REFERRAL,
                       followup_due=timezone.localdate() + timedelta(days=3))


def test_the_organizer_dashboard_shows_first_tasks_beside_new_people(client, world):
    new_signup(world, "Nadia")
    page = login(client, world.alice).get("/").content.decode()
    assert "First tasks that fit" in page and "Nadia" in page and "/ways-in/offer/" in page


def test_the_organizer_dashboard_query_count_does_not_grow_with_new_people(client, world):
    login(client, world.alice)
    new_signup(world, "First")
    client.get("/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        new_signup(world, f"More {i}")
    assert queries() == few


def test_the_catalog_offers_add_a_playbook_to_organizers_only(client, world):
    assert "/playbooks/new/" in login(client, world.alice).get("/playbooks/").content.decode()
    assert "/playbooks/new/" not in login(client, world.bob).get("/playbooks/").content.decode()
