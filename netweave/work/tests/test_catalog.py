"""The starter catalog: enough ways in, every one concrete and in English and Spanish."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from netweave.networks.models import NetworkKind
from netweave.people.models import Constraint, Stage
from netweave.work.catalog import KINDS, starter_entries, sync
from netweave.work.models import Playbook, Setting

ENTRIES = starter_entries()
ES_FIELDS = ("title", "summary", "steps", "prepare", "report_labels")


def by_slug(slug: str) -> dict:
    return next(e for e in ENTRIES if e["slug"] == slug)


def test_the_catalog_has_at_least_twenty_five_playbooks():
    assert len(ENTRIES) >= 25


def test_slugs_are_unique():
    slugs = [e["slug"] for e in ENTRIES]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["slug"])
def test_every_entry_is_translated_to_spanish_in_every_field(entry):
    es = entry["es"]
    for name in ES_FIELDS:
        assert es.get(name), f"{entry['slug']}: no Spanish {name}"
    assert len(es["steps"]) == len(entry["steps"]), "a step missing in one language"
    assert set(es["report_labels"]) == {f["key"] for f in entry["report_fields"]}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["slug"])
def test_every_entry_is_concrete(entry):
    assert entry["title"] and entry["summary"] and entry["prepare"]
    assert len(entry["steps"]) >= 3, "steps from beginning to end"
    assert entry["report_fields"], "something to report back"
    keys = [f["key"] for f in entry["report_fields"]]
    assert len(keys) == len(set(keys)) and all(f["label"] for f in entry["report_fields"])
    assert 1 <= entry["minutes"] <= 2400
    assert entry["setting"] in Setting.values
    assert entry["visibility"] in (0, 1, 2)
    assert set(entry["suitable_for"]) <= set(Constraint.values)
    assert entry["min_stage"] in Stage.values


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["slug"])
def test_builds_toward_names_an_existing_kind(entry):
    assert entry["builds_toward"] in KINDS


@pytest.mark.parametrize("kind_of_work, slugs", [
    ("distributing", ["distribute-flyers", "flyers-to-neighbours", "fold-flyer-bundles"]),
    ("postering", ["put-up-posters", "poster-in-a-window"]),
    ("promoting a new film online and in person", ["promote-film-online",
                                                   "promote-film-in-person"]),
    ("sharing and showing clips", ["share-clip-online", "show-a-clip-to-one",
                                   "subtitle-a-clip"]),
    ("hosting a showing for family, friends or classmates", ["host-a-showing",
                                                             "classmates-showing"]),
    ("running a table at a school", ["school-table", "school-table-helper"]),
    ("a discussion-group session", ["discussion-session", "join-discussion-online"]),
    ("a food sale or other fundraiser", ["food-sale", "bake-for-the-sale", "ask-for-donations"]),
    ("steps of organizing a protest or walkout", ["walkout-step", "map-the-school",
                                                  "make-protest-signs", "turnout-messages"]),
    ("following up a newcomer", ["follow-up-newcomer"]),
    ("bringing one friend", ["bring-a-friend"]),
    ("forming a network with people you know", ["form-a-network", "first-network-meeting"]),
])
def test_every_kind_of_work_users_named_is_covered(kind_of_work, slugs):
    for slug in slugs:
        assert by_slug(slug)


def test_there_is_a_way_in_for_someone_with_ten_minutes_a_week():
    assert [e for e in ENTRIES if e["minutes"] <= 10 and e["min_stage"] == "contact"]


def test_there_is_a_way_in_for_someone_at_home_with_kids():
    at_home = [e for e in ENTRIES if e["setting"] in ("home", "online")
               and "caregiving" in e["suitable_for"]]
    assert len(at_home) >= 5


def test_there_are_ways_in_for_someone_who_must_stay_discreet():
    quiet = [e for e in ENTRIES if e["discreet_safe"] and e["visibility"] == 0]
    assert len(quiet) >= 5
    assert {e["setting"] for e in quiet} >= {"home", "online", "school_work"}


@pytest.mark.django_db
def test_the_migrations_loaded_every_starter_playbook_with_its_kind_and_stage():
    rows = {p.slug: p for p in Playbook.objects.filter(chapter__isnull=True)
            .select_related("builds_toward")}
    assert set(rows) == {e["slug"] for e in ENTRIES}
    for entry in ENTRIES:
        row = rows[entry["slug"]]
        assert row.builds_toward.slug == entry["builds_toward"]
        assert row.min_stage == entry["min_stage"]
        assert row.translations["es"]["title"] == entry["es"]["title"]


@pytest.mark.django_db
def test_sync_upserts_by_slug_and_leaves_chapter_playbooks_alone(world):
    Playbook.objects.filter(chapter__isnull=True, slug="subtitle-a-clip").delete()
    Playbook.objects.filter(chapter__isnull=True, slug="form-a-network").update(
        min_stage="contact", title="Old title")
    own = Playbook.objects.create(chapter=world.chapter, slug="form-a-network", title="Ours",
                                  setting="home", steps=["a"])
    before = Playbook.objects.count()
    sync(NetworkKind, Playbook)
    shared = Playbook.objects.get(chapter__isnull=True, slug="form-a-network")
    assert shared.min_stage == "contributor" and shared.title == by_slug("form-a-network")["title"]
    assert Playbook.objects.filter(chapter__isnull=True, slug="subtitle-a-clip").exists()
    assert Playbook.objects.count() == before + 1
    own.refresh_from_db()
    assert own.title == "Ours"


@pytest.mark.django_db
def test_sync_leaves_out_columns_an_old_model_does_not_have():
    """Migration 0002 runs sync with the historical model, from before min_stage existed: the
    columns it does not know are left as they are, and the rows still land."""
    old = MigrationExecutor(connection).loader.project_state(("work", "0002_starter_catalog")).apps
    old_playbook = old.get_model("work", "Playbook")
    assert "min_stage" not in {f.name for f in old_playbook._meta.get_fields()}
    Playbook.objects.filter(chapter__isnull=True, slug="form-a-network").update(title="Old")
    sync(old.get_model("networks", "NetworkKind"), old_playbook, using=connection.alias)
    shared = Playbook.objects.get(chapter__isnull=True, slug="form-a-network")
    assert shared.title == by_slug("form-a-network")["title"]
    assert shared.min_stage == by_slug("form-a-network")["min_stage"]
