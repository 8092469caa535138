"""Calendar feeds: a chapter's public events for anyone, and a person's own events through a
secret address that can be made again or turned off."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from netweave.core.models import AuditEntry
from netweave.events.models import Attendance, Event
from netweave.exports.models import FeedToken
from netweave.exports.services import feed_token_create, feed_token_revoke


def parse(response) -> Calendar:  # noqa: ANN001
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def summaries(cal: Calendar) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))


def feed_url(raw: str) -> str:
    return reverse("calendar_personal", kwargs={"token": raw})


# --- the public feed ---------------------------------------------------------------------------


def test_the_public_feed_has_the_chapters_public_events_only(ew, client):
    cal = parse(client.get(reverse("calendar_public", args=["riverside"])))
    assert summaries(cal) == ["Film night"]
    film = next(iter(cal.walk("VEVENT")))
    assert film["UID"] == f"{ew.film.public_id}@netweave"
    assert film.decoded("DTSTART") == ew.film.starts_at.replace(microsecond=0)
    assert str(film["LOCATION"]) == "Library hall"
    assert str(film["CLASS"]) == "PUBLIC"
    assert str(film["URL"]).endswith(f"/e/{ew.film.public_id}/")
    assert "Bring a friend." in str(film["DESCRIPTION"])


def test_the_public_feed_never_shows_private_event_details_or_hosts(ew, client):
    body = client.get(reverse("calendar_public", args=["riverside"])).content.decode()
    assert "Reading circle" not in body and "Dave's flat" not in body
    assert "Eastside distribution" not in body  # the host network stays off the public feed
    assert "Hilltop table" not in body  # another chapter's


def test_the_public_feed_of_an_unknown_chapter_is_not_found(ew, client):
    assert client.get(reverse("calendar_public", args=["nowhere"])).status_code == 404


def test_long_past_events_drop_off_the_feeds(ew, client):
    Event.objects.filter(pk=ew.film.pk).update(starts_at=timezone.now() - timedelta(days=200))
    assert summaries(parse(client.get(reverse("calendar_public", args=["riverside"])))) == []


# --- the personal feed -------------------------------------------------------------------------


def test_a_personal_feed_has_the_events_the_person_may_see_without_signing_in(ew, client):
    w = ew.w
    _token, raw = feed_token_create(actor=w.dave)
    cal = parse(client.get(feed_url(raw)))
    # Dave convenes Campus discussion: its private reading circle, and the chapter's film night.
    assert summaries(cal) == ["Film night", "Reading circle"]
    talk = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Reading circle")
    assert str(talk["CLASS"]) == "PRIVATE"
    assert "Dave's flat" in str(talk["LOCATION"])


def test_a_personal_feed_has_an_event_the_person_answered(ew, client):
    w = ew.w
    hidden = Event.objects.create(chapter=w.chapter, title="Poster run",
                                  starts_at=ew.film.starts_at, host_network=w.other_network,
                                  is_public=False)
    _token, raw = feed_token_create(actor=w.bob)
    assert summaries(parse(client.get(feed_url(raw)))) == ["Film night"]
    Attendance.objects.create(event=hidden, person=w.bob_person, rsvp="yes")
    assert summaries(parse(client.get(feed_url(raw)))) == ["Film night", "Poster run"]


def test_the_first_read_of_a_day_is_audited_and_later_ones_only_noted(ew, client):
    w = ew.w
    token, raw = feed_token_create(actor=w.bob)
    before = AuditEntry.objects.filter(action="export", target="exports/calendar").count()
    client.get(feed_url(raw))
    client.get(feed_url(raw))
    entries = AuditEntry.objects.filter(action="export", target="exports/calendar")
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry.actor == w.bob and entry.detail["rows"] == 1 and entry.detail["format"] == "ics"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_hash_of_the_feed_secret_is_kept(ew):
    token, raw = feed_token_create(actor=ew.w.bob)
    assert raw not in token.token_hash and len(token.token_hash) == 64
    assert not FeedToken.objects.filter(token_hash=raw).exists()


def test_a_turned_off_feed_stops_working(ew, client):
    _token, raw = feed_token_create(actor=ew.w.bob)
    assert client.get(feed_url(raw)).status_code == 200
    assert feed_token_revoke(actor=ew.w.bob) == 1
    assert client.get(feed_url(raw)).status_code == 404


def test_a_new_feed_address_replaces_the_old_one(ew, client):
    _old, old_raw = feed_token_create(actor=ew.w.bob)
    _new, new_raw = feed_token_create(actor=ew.w.bob)
    assert client.get(feed_url(old_raw)).status_code == 404
    assert client.get(feed_url(new_raw)).status_code == 200
    assert FeedToken.objects.filter(user=ew.w.bob, revoked_at__isnull=True).count() == 1


def test_a_feed_of_a_deactivated_account_or_a_guessed_address_is_not_found(ew, client):
    _token, raw = feed_token_create(actor=ew.w.bob)
    assert client.get(feed_url("not-a-real-secret")).status_code == 404
    ew.w.bob.is_active = False
    ew.w.bob.save(update_fields=["is_active"])
    assert client.get(feed_url(raw)).status_code == 404
