"""The weekly digest: a member's open tasks and their networks' week, counts not names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from netweave.core.ledger import record
from netweave.core.models import Contribution
from netweave.core.testing import join, make_person
from netweave.notify import jobs
from netweave.notify.selectors import digests_due
from netweave.notify.tests.helpers import TODAY, at, email, event_with_rsvp, task_for

pytestmark = pytest.mark.django_db
Kind = Contribution.Kind


def a_busy_week(world) -> None:  # noqa: ANN001
    """Eastside distribution's week: a discreet newcomer joined and did two tasks; one of
    last week's tasks is outside the window."""
    dana = make_person(world.chapter, "Dana Discreet", discreet=True)
    email(dana, "dana@example.org", preferred=True)
    join(world.network, dana)
    record(kind=Kind.NETWORK_JOINED, chapter_id=world.chapter.id, person=dana,
           network=world.network, occurred_at=at(TODAY - timedelta(days=2)))
    for days_ago in (0, 3, 9):
        record(kind=Kind.TASK_DONE, chapter_id=world.chapter.id, person=dana,
               network=world.network, occurred_at=at(TODAY - timedelta(days=days_ago), 10))


def bobs_digest(world):  # noqa: ANN001, ANN201
    jobs.send_digests(TODAY)
    return next(m for m in mail.outbox if m.to == ["bob@example.org"])


def test_a_member_gets_their_open_tasks_and_their_networks_week(world):
    email(world.bob_person, "bob@example.org")
    a_busy_week(world)
    task_for(world, person=world.bob_person, due_on=TODAY + timedelta(days=4))
    event_with_rsvp(world, world.carol_person, starts_at=at(TODAY + timedelta(days=3)),
                    title="Eastside film night")
    body = bobs_digest(world).body
    assert "Your open tasks" in body and str(world.playbook) in body
    assert "Eastside distribution:" in body
    assert "2 tasks done this week" in body  # the one nine days ago is last week's news
    assert "1 new member" in body
    assert "Coming up: Eastside film night" in body


def test_the_digest_names_no_discreet_person_and_carries_no_contact_details(world):
    email(world.bob_person, "bob@example.org")
    a_busy_week(world)
    message = bobs_digest(world)
    assert "Dana" not in message.body + message.subject
    assert "dana@example.org" not in message.body


def test_a_network_member_with_a_quiet_week_and_no_tasks_gets_no_digest(world):
    email(world.bob_person, "bob@example.org")
    assert digests_due(TODAY) == []


def test_a_contact_outside_any_network_without_tasks_gets_no_digest(world):
    email(world.erin)
    a_busy_week(world)
    assert world.erin.pk not in {p.recipient.person.pk for p in digests_due(TODAY)}


def test_someone_with_a_task_of_their_own_but_no_network_gets_a_digest(world):
    email(world.erin, "erin@example.org")
    task_for(world, person=world.erin)
    jobs.send_digests(TODAY)
    assert [m.to for m in mail.outbox] == [["erin@example.org"]]


def test_networks_of_other_people_stay_out_of_a_members_digest(world):
    email(world.bob_person, "bob@example.org")
    a_busy_week(world)
    record(kind=Kind.TASK_DONE, chapter_id=world.chapter.id, network=world.other_network,
           occurred_at=at(TODAY, 9))
    assert "Campus discussion" not in bobs_digest(world).body


def test_the_digest_is_sent_once_a_week(world):
    email(world.bob_person, "bob@example.org")
    task_for(world, person=world.bob_person)
    jobs.send_digests(TODAY)
    jobs.send_digests(TODAY + timedelta(days=1))  # same ISO week: already sent
    jobs.send_digests(TODAY + timedelta(days=7))
    assert len(mail.outbox) == 2


def test_the_digest_reads_no_more_queries_with_more_members(world, django_assert_max_num_queries):
    for n in range(15):
        person = make_person(world.chapter, f"Member {n}")
        email(person)
        join(world.network, person)
        task_for(world, person=person)
    with django_assert_max_num_queries(8):
        assert len(digests_due(TODAY)) == 15


def test_members_are_planned_in_chunks_with_the_same_result(world, monkeypatch):
    from netweave.notify import selectors

    for n in range(5):
        person = make_person(world.chapter, f"Member {n}")
        email(person)
        join(world.network, person)
        task_for(world, person=person)
    whole = [p.dedupe_key for p in digests_due(TODAY)]
    monkeypatch.setattr(selectors, "DIGEST_CHUNK", 2)
    assert [p.dedupe_key for p in digests_due(TODAY)] == whole and len(whole) == 5
