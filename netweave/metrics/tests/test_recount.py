"""After an import, only what it touched is counted again, and the counts come out as a full
rebuild would make them."""

from __future__ import annotations

from typing import Any

import pytest

from netweave.core.models import Contribution
from netweave.imports import services
from netweave.imports.tests.helpers import run_file
from netweave.metrics import activity, facts
from netweave.metrics.models import ChapterCount, OwnerFacts, PersonFunnel
from netweave.networks.models import Membership
from netweave.people.models import Person
from netweave.people.services import person_create

pytestmark = pytest.mark.django_db

HEADER = "Name,Email,Phone,Place,Network,Source\n"


def csv_of(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def stored(chapter_id: int) -> tuple[Any, ...]:
    """Everything the dashboard reads, in a form that does not depend on row ids."""
    counts: dict[tuple[str, Any], int] = {}
    for key, day, n in ChapterCount.objects.filter(chapter_id=chapter_id).values_list(
            "key", "day", "delta"):
        if n:
            counts[key, day] = n
    owners = {(k, o): f for k, o, f in OwnerFacts.objects.filter(chapter_id=chapter_id)
              .values_list("kind", "owner_id", "facts")}
    funnels = set(PersonFunnel.objects.filter(chapter_id=chapter_id).values_list(
        "person_id", "source", "contacted_us", "in_network_us"))
    return counts, owners, funnels


def test_an_import_counts_what_it_touched_as_a_full_rebuild_would(world):  # noqa: ANN001
    chapter = world.chapter
    erin = person_create(actor=world.alice, chapter=chapter, display_name="Erin K",
                         email="erin@example.org")
    untouched = Person.objects.filter(chapter=chapter).exclude(pk=erin.pk).first()
    assert untouched is not None
    facts.flush()  # the writes above are counted (at their commit, outside a test)
    before = OwnerFacts.objects.get(kind=facts.PERSON, owner_id=untouched.pk).pk
    assert Person.objects.get(pk=erin.pk).source == "recorded"
    run = run_file(world.alice, chapter, csv_of(
        # New people, one into a network that has members already.
        "Ann Lee,ann@example.org,,,Eastside distribution,",
        "Bo Diaz,bo@example.org,+1 555 0100 201,,,event",
        # Someone already there: a network added to them.
        "Erin Kowalski,erin@example.org,,,Campus discussion,",
    ), batch_rows=1)
    assert run.status == "done", run.error
    assert run.created_count == 2 and run.merged_count == 1
    ann = Person.objects.get(chapter=chapter, display_name="Ann Lee")
    assert Membership.objects.filter(person=ann, network=world.network).exists()
    assert Membership.objects.filter(person=erin, network=world.other_network).exists()

    assert activity.verify([chapter.pk]) == 0
    assert facts.verify([chapter.pk]) == 0
    # Only what the import touched was written again: an untouched person keeps their row.
    assert OwnerFacts.objects.get(kind=facts.PERSON, owner_id=untouched.pk).pk == before
    counted = stored(chapter.pk)
    assert counted[0][f"f:{Person.objects.get(pk=ann.pk).source}:signed_up",
                      ann.joined_at.date()] >= 1
    facts.rebuild([chapter.pk])
    assert stored(chapter.pk) == counted


def test_a_merge_that_fills_in_the_source_moves_the_funnel_counts(world):  # noqa: ANN001
    chapter = world.chapter
    erin = person_create(actor=world.alice, chapter=chapter, display_name="Erin K",
                         email="erin@example.org")
    day = Person.objects.get(pk=erin.pk).joined_at.date()
    key = "f:recorded:signed_up"
    counts = facts.counts_on([chapter.pk], day)
    run = run_file(world.alice, chapter, csv_of("Erin K,erin@example.org,,,,event"))
    assert run.merged_count == 1
    assert Person.objects.get(pk=erin.pk).source == "event"
    after = facts.counts_on([chapter.pk], day)
    assert after.get(key, 0) == counts.get(key, 0) - 1
    assert after.get("f:event:signed_up", 0) == counts.get("f:event:signed_up", 0) + 1
    assert facts.verify([chapter.pk]) == 0


def test_without_the_run_the_chapter_is_rebuilt(world):  # noqa: ANN001
    chapter = world.chapter
    person = Person.objects.filter(chapter=chapter).first()
    assert person is not None
    # Written past the signals, as a bulk loader does.
    Contribution.objects.bulk_create([Contribution(
        chapter=chapter, kind=Contribution.Kind.TASK_DONE, person=person)])
    assert activity.verify([chapter.pk]) > 0
    services.recount_chapter(chapter.pk)
    assert activity.verify([chapter.pk]) == 0
    assert facts.verify([chapter.pk]) == 0
