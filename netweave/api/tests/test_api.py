"""Tokens, session authentication, the error format, pagination, idempotency and rate limits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from netweave.api.models import ApiToken, IdempotencyRecord
from netweave.api.services import token_create, token_revoke
from netweave.api.tests.conftest import bearer
from netweave.core.models import AuditEntry
from netweave.networks.models import Network
from netweave.people.contacts import channel_add
from netweave.people.models import Person


def post(client, url, body, **headers):  # noqa: ANN001, ANN003, ANN201
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def network_body(world, name="Market stall"):  # noqa: ANN001, ANN201
    return {"chapter": world.chapter.public_id, "name": name, "kind": "distribution"}


# --- tokens -----------------------------------------------------------------------------------

def test_it_keeps_only_a_hash_of_a_token_and_audits_its_making(world):
    token, raw = token_create(actor=world.alice, name="sync", scope="read")
    assert raw.startswith("nw_") and raw not in token.token_hash and token.prefix in raw
    assert AuditEntry.objects.filter(action="api_token.create", target=token.public_id).exists()


def test_it_refuses_a_token_without_a_name_or_with_a_wrong_lifetime(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        token_create(actor=world.alice, name=" ", days=400)
    assert set(caught.value.message_dict) == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_it_refuses_a_read_token_on_a_write(world, client):
    _token, raw = token_create(actor=world.alice, name="read", scope="read")
    before = Network.objects.count()
    r = post(client, "/api/v1/networks", network_body(world), **bearer(raw))
    assert r.status_code == 403 and r.json()["code"] == "read_only_token"
    assert Network.objects.count() == before
    assert client.get("/api/v1/networks", **bearer(raw)).status_code == 200


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "deactivated"])
def test_it_refuses_a_token_that_no_longer_works(world, client, how):
    token, raw = token_create(actor=world.bob, name="old")
    if how == "revoked":
        token_revoke(actor=world.bob, token=token)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    elif how == "unknown":
        raw = raw[:-2] + "xx"
    else:
        type(world.bob).objects.filter(pk=world.bob.pk).update(is_active=False)
    r = client.get("/api/v1/people", **bearer(raw))
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated" and r["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_to_revoke_another_persons_token(world):
    from django.core.exceptions import PermissionDenied

    token, _raw = token_create(actor=world.bob, name="bob's")
    with pytest.raises(PermissionDenied):
        token_revoke(actor=world.alice, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_notes_when_a_token_was_last_used(world, client):
    token, raw = token_create(actor=world.bob, name="sync")
    client.get("/api/v1/people", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_tokens_page_shows_a_new_token_once(world, client):
    client.force_login(world.bob)
    r = client.post("/account/api-tokens/", {"name": "sheet", "scope": "write", "days": "30"})
    token = ApiToken.objects.get(user=world.bob)
    shown = r.content.decode()
    assert token.prefix in shown and r["Cache-Control"] == "no-store"
    raw = shown.split('<code id="new-token">')[1].split("</code>")[0]
    assert client.get("/api/v1/people", **bearer(raw)).status_code == 200
    assert raw not in client.get("/account/api-tokens/").content.decode()


def test_the_tokens_page_keeps_what_was_typed_when_refused(world, client):
    client.force_login(world.bob)
    r = client.post("/account/api-tokens/", {"name": "sheet", "scope": "write", "days": "999"})
    assert r.status_code == 200 and 'value="sheet"' in r.content.decode()
    assert not ApiToken.objects.exists()


def test_the_account_menu_leads_to_the_tokens_page(world, client):
    client.force_login(world.bob)
    menu = client.get("/").content.decode()
    assert 'href="/account/api-tokens/"' in menu
    assert client.get("/account/api-tokens/").status_code == 200


# --- sessions ---------------------------------------------------------------------------------

def test_it_accepts_the_web_session_for_reads(world, client):
    client.force_login(world.bob)
    assert client.get("/api/v1/people").status_code == 200


def test_it_refuses_a_session_write_without_the_csrf_token(world):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.bob)
    before = Network.objects.count()
    body = {"name": "Night readers", "kind": "discussion"}
    r = post(csrf_client, f"/api/v1/networks/{world.network.public_id}/seed", body)
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    assert Network.objects.count() == before
    csrf_client.get("/account/api-tokens/")  # sets the CSRF cookie, as any page does
    csrf = csrf_client.cookies["csrftoken"].value
    r = post(csrf_client, f"/api/v1/networks/{world.network.public_id}/seed", body,
             HTTP_X_CSRFTOKEN=csrf)
    assert r.status_code == 201, r.content


def test_it_refuses_an_organizer_session_without_the_second_factor(world, plain_client):
    plain_client.force_login(world.alice)
    r = plain_client.get("/api/v1/people")
    assert r.status_code == 401  # a JSON answer a script can read, not a redirect
    assert r.json()["code"] == "second_factor_required"
    assert "Alice" not in r.content.decode()


# --- errors -----------------------------------------------------------------------------------

def test_it_answers_bad_input_with_the_fields_at_fault(world, client, token_for):
    r = post(client, "/api/v1/networks", {"chapter": world.chapter.public_id},
             **bearer(token_for("organizer")))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid" and {"name", "kind"} <= set(body["fields"])


def test_it_answers_a_service_refusal_in_the_same_format(world, client, token_for):
    r = post(client, "/api/v1/networks", network_body(world, name=world.network.name) |
             {"kind": "nonsense"}, **bearer(token_for("organizer")))
    assert r.status_code == 422 and "kind" in r.json()["fields"]


def test_it_answers_404_for_what_the_caller_may_not_see(world, client, token_for):
    r = client.get(f"/api/v1/networks/{world.hilltop_network.public_id}",
                   **bearer(token_for("organizer")))
    assert r.status_code == 404 and r.json() == {"code": "not_found", "message": "Not found.",
                                                 "fields": {}}


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/nothing-here"), ("post", "/api/v1/people/extra/parts"), ("get", "/api/v1/"),
    ("get", "/api/v1/people/"),
])
def test_it_answers_an_unknown_path_in_the_error_format(world, method, path, token_for):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)  # a script sends no CSRF token: still JSON
    for headers in ({}, bearer(token_for("organizer"))):
        r = getattr(strict, method)(path, **headers)
        assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
        assert r.json()["code"] == "not_found" and r.json()["fields"] == {}


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("delete", "/api/v1/people", "GET, POST"),
    ("put", "/api/v1/chapters", "GET"),
    ("post", "/api/v1/openapi.json", "GET, HEAD"),
])
def test_it_answers_a_wrong_method_in_the_error_format(world, method, path, allowed, token_for):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    r = getattr(strict, method)(path, **bearer(token_for("organizer")))
    assert r.status_code == 405 and r["Allow"] == allowed
    assert r.json()["code"] == "method_not_allowed" and method.upper() in r.json()["message"]


# --- speed, without changing who sees what -----------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "organizer", "member", "convener", "outsider"])
def test_a_token_call_has_the_same_scope_as_the_web(world, role, token_for):
    """The token lookup reads the scope's first inputs in its own query (core.scope
    scope_inputs); the scope must come out the same as scope_of computes it."""
    from django.contrib.auth import get_user_model

    from netweave.api.services import token_authenticate
    from netweave.core.models import ChapterRole
    from netweave.core.scope import scope_of

    ChapterRole.objects.create(user=world.alice, chapter=world.other_chapter)  # two chapters
    token = token_authenticate(token_for(role))
    fresh = get_user_model().objects.get(pk=token.user.pk)
    assert scope_of(token.user) == scope_of(fresh)
    if role == "organizer":
        assert scope_of(token.user).organizer_chapters == {world.chapter.id,
                                                            world.other_chapter.id}


def test_the_people_list_answers_what_ninja_would_after_validating(world, client, token_for):
    """The list is answered without ninja's per-row validation (pagination.page_response):
    validating the same page first, as ninja does, must give the same JSON."""
    from ninja.renderers import JSONRenderer

    from netweave.api.pagination import Page, page_response, paginate
    from netweave.api.routers.people import LIST_COLUMNS, PersonOut, person_row_out
    from netweave.people.selectors import people_for

    page = paginate(people_for(world.alice).values(*LIST_COLUMNS), ordering="name",
                    allowed=("name",), cursor=None, limit=3, out=person_row_out,
                    columns={"name": "display_name"})
    validated = Page[PersonOut].model_validate(page).model_dump()
    ninja_would = JSONRenderer().render(None, validated, response_status=200)  # type: ignore[arg-type]
    assert page_response(None, page).content.decode() == ninja_would  # type: ignore[arg-type]
    served = client.get("/api/v1/people", {"limit": 3}, **bearer(token_for("organizer")))
    assert served.json()["items"] == json.loads(ninja_would)["items"]


# --- contacts ---------------------------------------------------------------------------------

def test_it_audits_every_read_of_contact_details(world, client, token_for):
    channel_add(person=world.bob_person, kind="email", value="bob@example.org")
    before = AuditEntry.objects.filter(action="contacts.read").count()
    r = client.get(f"/api/v1/people/{world.bob_person.public_id}/contacts",
                   **bearer(token_for("convener")))
    assert r.json() == [{"kind": "email", "value": "bob@example.org", "preferred": False}]
    assert AuditEntry.objects.filter(action="contacts.read").count() == before + 1


def test_it_refuses_contact_details_to_a_fellow_member(world, client, token_for):
    channel_add(person=world.carol_person, kind="email", value="carol@example.org")
    r = client.get(f"/api/v1/people/{world.carol_person.public_id}/contacts",
                   **bearer(token_for("member")))
    assert r.status_code == 403 and b"carol@" not in r.content


# --- pagination -------------------------------------------------------------------------------

def test_it_pages_with_a_cursor_without_repeating_or_skipping(world, client, token_for):
    for _i in range(7):
        Person.objects.create(chapter=world.chapter, display_name="Same name", source="recorded")
    auth = bearer(token_for("organizer"))
    seen, cursor = [], None
    while True:
        query = {"limit": 3, "ordering": "-name"} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/people", query, **auth).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everyone = client.get("/api/v1/people", {"limit": 200}, **auth).json()["items"]
    assert len(seen) == len(set(seen)) == len(everyone)


@pytest.mark.parametrize("query", [{"limit": 201}, {"limit": 0}, {"ordering": "chapter"},
                                   {"cursor": "forged"}])
def test_it_refuses_a_bad_page_request(world, client, token_for, query):
    r = client.get("/api/v1/people", query, **bearer(token_for("organizer")))
    assert r.status_code == 422 and r.json()["code"] == "invalid"


def test_it_refuses_a_cursor_made_for_another_ordering(world, client, token_for):
    auth = bearer(token_for("organizer"))
    cursor = client.get("/api/v1/people", {"limit": 1}, **auth).json()["next_cursor"]
    r = client.get("/api/v1/people", {"limit": 1, "cursor": cursor, "ordering": "-name"}, **auth)
    assert r.status_code == 422 and "cursor" in r.json()["fields"]


def test_it_filters_a_list(world, client, token_for):
    r = client.get("/api/v1/networks", {"kind": "discussion"}, **bearer(token_for("organizer")))
    assert [n["name"] for n in r.json()["items"]] == ["Campus discussion"]


# --- idempotency ------------------------------------------------------------------------------

def test_it_answers_a_repeated_create_with_the_stored_answer(world, client, token_for):
    auth = bearer(token_for("organizer")) | {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    first = post(client, "/api/v1/networks", network_body(world), **auth)
    again = post(client, "/api/v1/networks", network_body(world), **auth)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Network.objects.filter(name="Market stall").count() == 1


def test_it_refuses_a_key_reused_for_another_request(world, client, token_for):
    auth = bearer(token_for("organizer")) | {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    post(client, "/api/v1/networks", network_body(world), **auth)
    r = post(client, "/api/v1/networks", network_body(world, "Other"), **auth)
    assert r.status_code == 409 and r.json()["code"] == "idempotency_conflict"
    assert not Network.objects.filter(name="Other").exists()


def test_it_keeps_keys_apart_per_caller_and_forgets_them_after_a_day(world, client, token_for):
    post(client, "/api/v1/networks", network_body(world),
         **bearer(token_for("organizer")) | {"HTTP_IDEMPOTENCY_KEY": "k-1"})
    r = post(client, "/api/v1/networks", network_body(world, "Admin's"),
             **bearer(token_for("admin")) | {"HTTP_IDEMPOTENCY_KEY": "k-1"})
    assert r.status_code == 201
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = post(client, "/api/v1/networks", network_body(world, "Later"),
             **bearer(token_for("organizer")) | {"HTTP_IDEMPOTENCY_KEY": "k-1"})
    assert r.status_code == 201


def test_it_stores_nothing_for_a_refused_create(world, client, token_for):
    auth = bearer(token_for("member")) | {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    r = post(client, "/api/v1/networks", network_body(world), **auth)
    assert r.status_code == 403 and not IdempotencyRecord.objects.exists()


# --- rate limits ------------------------------------------------------------------------------

def test_it_answers_429_with_retry_after_past_the_rate_limit(world, client, token_for, settings):
    settings.NETWEAVE_RATE_LIMITS = settings.NETWEAVE_RATE_LIMITS | {"api": "3/60"}
    auth = bearer(token_for("member"))
    codes = [client.get("/api/v1/chapters", **auth).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/chapters", **auth)
    assert r.json()["code"] == "rate_limited" and 1 <= int(r["Retry-After"]) <= 60
    other = bearer(token_for("convener"))
    assert client.get("/api/v1/chapters", **other).status_code == 200


# --- docs -------------------------------------------------------------------------------------

def test_the_schema_and_docs_page_are_served_from_this_site(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["version"] == "1" and "/api/v1/people" in schema["paths"]
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()


# --- OSDI -------------------------------------------------------------------------------------

def test_it_reads_people_in_osdi_shape_following_next_links(world, client, token_for):
    auth = bearer(token_for("organizer"))
    page = client.get("/api/v1/osdi/people", {"limit": 2}, **auth).json()
    names = [p["given_name"] for p in page["_embedded"]["osdi:people"]]
    while "next" in page["_links"]:
        page = client.get(page["_links"]["next"]["href"], **auth).json()
        names += [p["given_name"] for p in page["_embedded"]["osdi:people"]]
    assert sorted(names) == ["Alice", "Bob", "Carol", "Dave", "Erin"]
    assert page["_embedded"]["osdi:people"][0]["identifiers"][0].startswith("netweave:")


def test_it_reads_events_in_osdi_shape_within_scope(world, client, token_for):
    from netweave.api.tests.routes import make_targets

    targets = make_targets(world)
    mine = client.get("/api/v1/osdi/events", **bearer(token_for("member"))).json()
    event = mine["_embedded"]["osdi:events"][0]
    assert event["title"] == "Film night" and event["visibility"] == "public"
    assert event["identifiers"] == [f"netweave:{targets.event.public_id}"]
    theirs = client.get("/api/v1/osdi/events", **bearer(token_for("outsider"))).json()
    assert theirs["_embedded"]["osdi:events"] == []
