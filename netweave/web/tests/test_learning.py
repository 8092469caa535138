"""Learning pages, driven as each role would: browsing and filtering, one tap "I watched this",
saying what you did, guides, recording a session, and learning on person and network pages.
Refusals and bad input change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netweave.core.models import AuditEntry, Contribution
from netweave.learning.models import DiscussionSession, Engagement, Guide, Resource
from netweave.learning.tests.fixtures import film, guide

pytestmark = pytest.mark.django_db


def as_user(client, user):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client


def url(name: str, row=None) -> str:  # noqa: ANN001
    return reverse(name, kwargs={"public_id": row.public_id} if row is not None else {})


def counts() -> tuple[int, ...]:
    return (Resource.objects.count(), Guide.objects.count(), Engagement.objects.count(),
            DiscussionSession.objects.count(), Contribution.objects.count(),
            AuditEntry.objects.count())


# --- Browsing --------------------------------------------------------------------------------


def test_a_member_browses_the_list_filtered_by_kind_and_language(world, client):
    film(world, title="Rising")
    film(world, title="Marcha", kind="clip", language="es")
    page = as_user(client, world.bob).get(url("learning"), {"kind": "clip", "language": "es"})
    assert page.status_code == 200
    assert b"Marcha" in page.content and b"Rising" not in page.content
    assert b"I watched this" in page.content


def test_the_list_costs_the_same_queries_for_3_resources_or_30(world, client):
    as_user(client, world.bob)
    for i in range(3):
        film(world, title=f"Film {i}")
    client.get(url("learning"))  # warm the session and the scope
    with CaptureQueriesContext(connection) as few:
        client.get(url("learning"))
    for i in range(3, 30):
        film(world, title=f"Film {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url("learning"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_filter_nobody_offers_is_shown_as_an_error_and_the_list_unfiltered(world, client):
    film(world, title="Rising")
    page = as_user(client, world.bob).get(url("learning"), {"kind": "poster"})
    assert page.status_code == 200 and b"Rising" in page.content
    assert b"errorlist" in page.content


# --- One tap and the engagement form ---------------------------------------------------------


def test_one_tap_i_watched_this_records_it_and_goes_back_to_the_list(world, client):
    resource = film(world)
    back = url("learning") + "?kind=film"
    response = as_user(client, world.bob).post(url("resource_watched", resource),
                                               {"next": back})
    assert response.status_code == 302 and response.url == back
    engagement = Engagement.objects.get()
    assert (engagement.person, engagement.how) == (world.bob_person, "watched")
    listing = client.get(back)
    assert b"You watched it" in listing.content


def test_one_tap_does_not_follow_a_next_link_to_another_site(world, client):
    resource = film(world)
    response = as_user(client, world.bob).post(url("resource_watched", resource),
                                               {"next": "https://evil.example.com/"})
    assert response.url == url("resource", resource)


def test_one_tap_on_a_retired_resource_says_why_and_records_nothing(world, client):
    resource = film(world, retired_at=timezone.now())
    before = counts()
    response = as_user(client, world.bob).post(url("resource_watched", resource))
    assert response.status_code == 400 and b"retired" in response.content
    assert counts() == before


def test_saying_you_showed_it_to_others_in_your_network(world, client):
    resource = film(world)
    response = as_user(client, world.bob).post(url("resource_engage", resource), {
        "how": "showed", "people": "6", "network": world.network.public_id,
        "occurred_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert (engagement.how, engagement.people, engagement.network) == (
        "showed", 6, world.network)


def test_bad_engagement_input_keeps_what_was_typed_and_records_nothing(world, client):
    resource = film(world)
    before = counts()
    response = as_user(client, world.bob).post(url("resource_engage", resource), {
        "how": "shared", "people": "", "occurred_on": "2020-01-02"})
    assert response.status_code == 400
    assert b"With how many people?" in response.content
    assert b'value="shared" checked' in response.content or b'value="shared"' in response.content
    assert b"2020-01-02" in response.content
    assert counts() == before


def test_a_future_date_is_refused_with_a_message(world, client):
    resource = film(world)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    before = counts()
    response = as_user(client, world.bob).post(url("resource_engage", resource), {
        "how": "watched", "occurred_on": tomorrow})
    assert response.status_code == 400 and b"in the future" in response.content
    assert counts() == before


def test_someone_elses_network_is_not_offered_and_not_accepted(world, client):
    resource = film(world)
    page = as_user(client, world.bob).get(url("resource", resource))
    assert world.network.name.encode() in page.content
    assert world.other_network.name.encode() not in page.content
    before = counts()
    response = client.post(url("resource_engage", resource), {
        "how": "watched", "network": world.other_network.public_id})
    assert response.status_code == 400 and counts() == before


# --- Organizers: resources and guides --------------------------------------------------------


def test_an_organizer_adds_a_resource_from_the_form(world, client):
    response = as_user(client, world.alice).post(url("resource_new"), {
        "title": "Rising", "kind": "film", "url": "https://films.example.org/rising",
        "minutes": "90", "language": "es", "summary": "A film"})
    resource = Resource.objects.get()
    assert response.status_code == 302 and response.url == url("resource", resource)
    assert (resource.chapter, resource.language) == (world.chapter, "es")


def test_a_javascript_link_is_refused_and_the_form_keeps_the_title(world, client):
    before = counts()
    response = as_user(client, world.alice).post(url("resource_new"), {
        "title": "Sneaky", "kind": "film", "url": "javascript:alert(1)", "language": "en"})
    assert response.status_code == 200
    assert b"http:// or https://" in response.content and b"Sneaky" in response.content
    assert counts() == before


def test_retiring_takes_a_resource_off_the_list(world, client):
    resource = film(world, title="Rising")
    as_user(client, world.alice).post(url("resource_retire", resource), {"retired": "1"})
    assert b"Rising" not in client.get(url("learning")).content
    client.post(url("resource_retire", resource), {"retired": "0"})
    assert b"Rising" in client.get(url("learning")).content


def test_refused_writes_change_nothing(world, client):
    resource = film(world)
    made = guide(resource)
    before = counts()
    as_user(client, world.bob)
    assert client.post(url("resource_retire", resource)).status_code == 403
    assert client.post(url("resource_edit", resource), {"title": "Mine"}).status_code == 403
    assert client.post(url("guide_edit", made), {"title": "Mine"}).status_code == 403
    assert client.post(url("session_new", resource), {}).status_code == 403
    as_user(client, world.charlie)
    assert client.post(url("resource_engage", resource), {"how": "watched"}).status_code == 404
    assert client.post(url("resource_watched", resource)).status_code == 404
    assert client.get(url("guide", made)).status_code == 404
    assert counts() == before
    resource.refresh_from_db()
    assert not resource.retired and resource.title == "Rising"


def test_an_organizer_writes_a_guide_and_everyone_in_the_chapter_reads_it(world, client):
    resource = film(world)
    response = as_user(client, world.alice).post(url("guide_new", resource), {
        "title": "Film night", "minutes": "90", "steps": "Welcome\nWatch\nTalk",
        "questions": "What stayed with you?"})
    made = Guide.objects.get()
    assert response.status_code == 302 and made.steps == ["Welcome", "Watch", "Talk"]
    page = as_user(client, world.bob).get(url("guide", made))
    assert b"What stayed with you?" in page.content
    assert b"Record a session" not in page.content  # Bob runs no network


# --- Sessions and learning on the pages ------------------------------------------------------


def test_a_convener_records_a_session_and_the_network_page_shows_it(world, client):
    resource = film(world, title="Rising")
    made = guide(resource)
    as_user(client, world.carol)
    form = client.get(url("session_new", resource) + f"?guide={made.public_id}")
    assert world.network.name.encode() in form.content
    assert world.other_network.name.encode() not in form.content  # Dave's, not hers
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(url("session_new", resource), {
        "network": world.network.public_id, "guide": made.public_id, "held_on": day,
        "attendance": "11"})
    assert response.status_code == 302 and response.url == f"/networks/{world.network.public_id}/"
    page = client.get(response.url)
    assert b"Discussion sessions" in page.content and b"11 came" in page.content
    health = page.context["health"]
    assert {el.key: el.present for el in health.elements}["learning"]


def test_another_networks_convener_cannot_record_a_session_for_it(world, client):
    resource = film(world)
    before = counts()
    response = as_user(client, world.dave).post(url("session_new", resource), {
        "network": world.network.public_id, "held_on": timezone.localdate().isoformat(),
        "attendance": "5"})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert counts() == before


def test_a_persons_learning_is_on_their_page(world, client):
    resource = film(world, title="Rising")
    as_user(client, world.bob).post(url("resource_engage", resource),
                                    {"how": "shared", "people": "4"})
    page = as_user(client, world.alice).get(f"/people/{world.bob_person.public_id}/")
    assert b"Rising" in page.content and b"with 4 people" in page.content


def test_the_language_filter_offers_only_the_languages_there_are_resources_in(world, client):
    film(world, title="Rising")
    film(world, title="Marcha", language="es")
    film(world, title="Kitab", language="ar", chapter=world.other_chapter)
    choices = dict(as_user(client, world.bob).get(url("learning")).context["form"]
                   .fields["language"].choices)
    assert set(choices) == {"", "en", "es"}
