"""Lockout and rate limits on the doors anyone can knock on: login (django-axes, and per
address), password reset, sign-up, public event forms, invite links and no-login links.

Each refusal is a 429 with Retry-After and a clear page; a refused form keeps what was typed
and nothing is written. The limits are made small here (settings.NETWEAVE_RATE_LIMITS); windows
of a day keep a test from straddling a window's end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from netweave.core.testing import PASSWORD
from netweave.events.services import event_create
from netweave.outreach.services import code_for_person
from netweave.people import links
from netweave.people.models import Person
from netweave.people.services import invite_create
from netweave.work.services import task_assign

LOGIN = reverse("login")


@pytest.fixture
def small_limits(settings):  # noqa: ANN001, ANN201
    def set_limit(rule: str, count: int) -> None:
        settings.NETWEAVE_RATE_LIMITS = {**settings.NETWEAVE_RATE_LIMITS,
                                         rule: f"{count}/86400"}
    return set_limit


def assert_too_many(response) -> str:  # noqa: ANN001
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 86400
    page = response.content.decode()
    assert "Too many" in page
    return page


# --- login ----------------------------------------------------------------------------------


def wrong_password(client, username="bob"):  # noqa: ANN001, ANN201
    return client.post(LOGIN, {"username": username, "password": "wrong horse"})


def test_five_wrong_passwords_lock_that_username_out_even_with_the_right_one(client, world):
    for _ in range(4):
        assert wrong_password(client).status_code == 200
    page = assert_too_many(wrong_password(client))
    assert "Too many wrong passwords for this username" in page
    assert 'value="bob"' in page  # the username stays typed
    right = client.post(LOGIN, {"username": "bob", "password": PASSWORD})
    assert_too_many(right)
    assert not client.get(reverse("dashboard")).wsgi_request.user.is_authenticated


def test_a_lockout_of_one_username_leaves_the_others_alone(client, world):
    for _ in range(5):
        wrong_password(client, "bob")
    response = client.post(LOGIN, {"username": "carol", "password": PASSWORD})
    assert response.status_code == 302


def test_a_right_password_before_the_limit_clears_the_count(client, world):
    for _ in range(4):
        wrong_password(client)
    assert client.post(LOGIN, {"username": "bob", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert wrong_password(client).status_code == 200


def test_one_address_trying_many_usernames_is_slowed_down(client, world, small_limits):
    small_limits("login", 3)
    for name in ("ann", "ben", "cat"):
        assert wrong_password(client, name).status_code == 200
    page = assert_too_many(wrong_password(client, "dan"))
    assert 'value="dan"' in page


# --- sign-up and public event forms -----------------------------------------------------------


def signup_data(name: str) -> dict[str, str]:
    return {"display_name": name, "email": f"{name.lower()}@example.org", "phone": "",
            "phone_kind": "phone", "language": "en", "hours_per_week": "3"}


def test_too_many_sign_ups_from_one_address_are_refused_keeping_the_form(
    client, world, small_limits,
):
    small_limits("signup", 2)
    code = code_for_person(actor=world.carol, person=world.carol_person)
    url = reverse("join", kwargs={"code": code.code})
    for name in ("Nadia", "Omar"):
        assert client.post(url, signup_data(name)).status_code == 302
    before = Person.objects.count()
    page = assert_too_many(client.post(url, signup_data("Priya")))
    assert 'value="Priya"' in page and 'value="priya@example.org"' in page
    assert Person.objects.count() == before
    assert client.get(url).status_code == 200  # reading the page is not counted


def test_too_many_answers_to_a_public_event_are_refused_keeping_the_form(
    client, world, small_limits,
):
    small_limits("rsvp", 1)
    event = event_create(actor=world.alice, chapter=world.chapter, title="Film night",
                         starts_at=timezone.now() + timedelta(days=3), is_public=True)
    url = reverse("public_event", kwargs={"public_id": event.public_id})
    assert client.post(url, {"rsvp": "yes", **signup_data("Nadia")}).status_code == 302
    before = Person.objects.count()
    page = assert_too_many(client.post(url, {"rsvp": "yes", **signup_data("Omar")}))
    assert 'value="Omar"' in page
    assert Person.objects.count() == before


# --- invites and no-login links ---------------------------------------------------------------


def test_guessing_invite_tokens_is_refused_after_the_limit(client, world, small_limits):
    small_limits("invite", 3)
    for i in range(3):
        assert client.get(reverse("invite_accept", kwargs={"token": f"guess{i}"})).status_code \
            == 410
    assert_too_many(client.get(reverse("invite_accept", kwargs={"token": "guess9"})))


def test_a_refused_invite_form_keeps_the_username_and_makes_no_account(
    client, world, small_limits,
):
    small_limits("invite", 1)
    url = reverse("invite_accept", kwargs={"token": invite_create(actor=world.alice,
                                                                  person=world.erin)})
    assert client.get(url).status_code == 200
    page = assert_too_many(client.post(url, {"username": "erin", "password": "x" * 12,
                                             "password_again": "x" * 12}))
    assert 'value="erin"' in page
    world.erin.refresh_from_db()
    assert world.erin.user is None


def test_guessing_no_login_links_is_refused_after_the_limit(client, world, small_limits):
    small_limits("link", 2)
    task = task_assign(actor=world.alice, playbook=world.playbook, person=world.bob_person)
    token = links.link_for_task(actor=world.alice, task=task)
    url = reverse("action_link", kwargs={"token": token})
    assert client.get(reverse("action_link", kwargs={"token": "nope"})).status_code == 404
    assert client.get(url).status_code == 200
    assert_too_many(client.get(url))
    assert_too_many(client.post(url, {"report_note": "did it"}))
    task.refresh_from_db()
    assert task.status == "offered"


# --- the cache the counters live in -------------------------------------------------------------


def test_the_cache_comes_from_the_environment(monkeypatch):
    import importlib

    import netweave.settings as settings_module

    monkeypatch.setenv("NETWEAVE_CACHE_URL", "redis://127.0.0.1:6379/3")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.CACHES["default"]["BACKEND"].endswith("RedisCache")
        assert reloaded.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
        assert reloaded.AXES_HANDLER.endswith("AxesCacheHandler")
    finally:
        monkeypatch.delenv("NETWEAVE_CACHE_URL")
        importlib.reload(settings_module)


def test_the_counter_works_on_redis_as_in_production(settings):
    from django.core.cache import cache

    from netweave.core.ratelimit import hit

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/3",
                                   "KEY_PREFIX": "netweave-test"}}
    settings.NETWEAVE_RATE_LIMITS = {**settings.NETWEAVE_RATE_LIMITS, "signup": "2/86400"}
    cache.clear()
    try:
        assert hit("signup", "203.0.113.9") is None
        assert hit("signup", "203.0.113.9") is None
        refused = hit("signup", "203.0.113.9")
        assert refused is not None and 0 < refused.retry_after <= 86400
        assert hit("signup", "203.0.113.10") is None  # another address has its own count
    finally:
        cache.clear()
