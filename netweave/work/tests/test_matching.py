"""Matching: property tests (no suggestion ever breaks a hard rule, over random people and
random work) and worked examples of ranking and reasons."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.people.models import Person
from netweave.work import matching
from netweave.work.catalog import starter_entries
from netweave.work.matching import Opening, Situation, Work
from netweave.work.models import Playbook
from netweave.work.selectors import situation_of, work_of

# --- the rules, restated independently of matching.py, as the properties check them ----------

SETTING_BLOCKED_BY = {
    "online_only": {"home", "public", "school_work"},
    "no_transport": {"public", "school_work"},
    "health": {"public"},
    "caregiving": {"public", "school_work"},
    "controlling_home": {"home"},
}


def breaks_a_rule(who: Situation, work: Work) -> list[str]:
    broken = []
    if work.minutes > who.minutes:
        broken.append("more time than they have")
    if work.visibility > who.visibility:
        broken.append("more public than they are willing to be")
    if who.discreet and not work.discreet_safe:
        broken.append("traceable work for a discreet person")
    for constraint in who.constraints - work.suitable_for:
        if work.setting in SETTING_BLOCKED_BY.get(constraint, set()):
            broken.append(f"{work.setting} for {constraint}")
        if constraint == "full_time_work" and work.minutes > 90:
            broken.append("a long piece for someone working full time")
    if matching.STAGES.index(work.min_stage) > matching.STAGES.index(who.stage):
        broken.append("above their stage")
    return broken


subsets = st.frozensets(st.sampled_from(matching.CONSTRAINTS))
situations = st.builds(
    Situation,
    minutes=st.integers(min_value=0, max_value=600),
    constraints=subsets,
    languages=st.frozensets(st.sampled_from(["en", "es", "fr"]), max_size=2),
    interests=st.frozensets(st.sampled_from(list(matching.KIND_VISIBILITY)), max_size=3),
    discreet=st.booleans(),
    visibility=st.integers(min_value=0, max_value=2),
    stage=st.sampled_from(matching.STAGES),
    place_id=st.none() | st.integers(1, 4),
    near_place_ids=st.frozensets(st.integers(1, 4), max_size=2),
    place_kind=st.sampled_from(["", "high_school", "workplace", "online"]),
)
works = st.builds(
    Work,
    minutes=st.integers(min_value=1, max_value=600),
    setting=st.sampled_from(matching.SETTINGS),
    visibility=st.integers(min_value=0, max_value=2),
    discreet_safe=st.booleans(),
    suitable_for=subsets,
    kind=st.sampled_from(["", *matching.KIND_VISIBILITY, "chapter_made"]),
    min_stage=st.sampled_from(matching.STAGES),
    languages=st.frozensets(st.sampled_from(["en", "es"])),
)
openings = st.builds(
    Opening,
    kind=st.sampled_from([*matching.KIND_VISIBILITY, "chapter_made"]),
    status=st.sampled_from(["forming", "active", "dormant", "dissolved"]),
    place_id=st.none() | st.integers(1, 4),
    near_place_ids=st.frozensets(st.integers(1, 4), max_size=2),
    place_kind=st.sampled_from(["", "neighbourhood", "online"]),
    member_languages=st.frozensets(st.sampled_from(["en", "es"])),
    member_ids=st.frozensets(st.integers(1, 5), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(who=situations, catalog=st.lists(works, max_size=25))
def test_no_suggested_playbook_ever_breaks_a_hard_rule(who, catalog):
    matches = matching.rank_playbooks(who, catalog)
    suggested = [m.item for m in matches]
    for match, work in zip(matches, [w for w in catalog if not breaks_a_rule(who, w)],
                           strict=True):
        assert match.reasons and match.reasons[0].code == "time"
        assert not breaks_a_rule(who, work)
    # And nothing that fits is left out.
    assert len(suggested) == len([w for w in catalog if not breaks_a_rule(who, w)])


@settings(max_examples=150, deadline=None)
@given(who=situations, work=works)
def test_a_discreet_person_is_never_offered_public_or_traceable_work(who, work):
    discreet = replace(who, discreet=True)
    if matching.playbook_fits(discreet, work):
        assert work.discreet_safe
        assert work.visibility <= discreet.visibility


@settings(max_examples=150, deadline=None)
@given(who=situations, found=st.lists(openings, max_size=10), person_id=st.integers(1, 5))
def test_no_suggested_network_ever_breaks_a_hard_rule(who, found, person_id):
    found = [replace(o, item=i) for i, o in enumerate(found)]
    for match in matching.rank_networks(who, found, person_id=person_id):
        opening = found[match.item]
        assert opening.status in ("forming", "active")
        assert person_id not in opening.member_ids
        assert who.minutes >= matching.NETWORK_MINUTES
        assert matching.kind_visibility(opening.kind) <= who.visibility
        if who.discreet:
            assert opening.kind in matching.DISCREET_SAFE_KINDS
        if "online_only" in who.constraints:
            assert opening.kind == "online" or opening.place_kind == "online"
        if "no_transport" in who.constraints and opening.place_kind != "online":
            assert opening.place_id is None or opening.near_place_ids & who.near_place_ids


# Model rows, not plain values: the conversion in selectors must keep the rules too.
people = st.builds(
    Person,
    hours_per_week=st.decimals(min_value=0, max_value=20, places=1),
    constraints=st.lists(st.sampled_from(matching.CONSTRAINTS), unique=True),
    languages=st.lists(st.sampled_from(["en", "es", "English", "Spanish", "fr"]), unique=True),
    interests=st.lists(st.sampled_from(["film", "clips", "discussion", "food"]), unique=True),
    discreet=st.booleans(), visibility=st.integers(0, 2),
    stage=st.sampled_from(matching.STAGES),
)
playbooks = st.builds(
    Playbook,
    minutes=st.integers(1, 600), setting=st.sampled_from(matching.SETTINGS),
    visibility=st.integers(0, 2), discreet_safe=st.booleans(),
    suitable_for=st.lists(st.sampled_from(matching.CONSTRAINTS), unique=True),
    min_stage=st.sampled_from(matching.STAGES),
)


@settings(max_examples=200, deadline=None)
@given(person=people, rows=st.lists(playbooks, max_size=15))
def test_matching_real_rows_never_breaks_a_constraint(person, rows):
    who = situation_of(person)
    assert who.minutes == int(Decimal(person.hours_per_week) * 60)
    for match in matching.rank_playbooks(who, (work_of(p) for p in rows)):
        playbook = match.item
        assert playbook.minutes <= person.hours_per_week * 60
        assert playbook.visibility <= person.visibility
        assert playbook.discreet_safe or not person.discreet
        unlisted = set(person.constraints) - set(playbook.suitable_for)
        if "online_only" in unlisted:
            assert playbook.setting == "online"
        if unlisted & {"no_transport", "caregiving"}:
            assert playbook.setting not in ("public", "school_work")


# --- worked examples on the real starter catalog -----------------------------------------------


def starter_works() -> list[Work]:
    rows = []
    for entry in starter_entries():
        playbook = Playbook(
            slug=entry["slug"], title=entry["title"], minutes=entry["minutes"],
            setting=entry["setting"], visibility=entry["visibility"],
            discreet_safe=entry["discreet_safe"], suitable_for=entry["suitable_for"],
            min_stage=entry["min_stage"], translations={"es": entry["es"]},
        )
        work = work_of(playbook)
        rows.append(replace(work, kind=entry["builds_toward"]))
    return rows


def slugs(matches: list[matching.Match]) -> list[str]:
    return [m.item.slug for m in matches]


def codes(match: matching.Match) -> list[str]:
    return [r.code for r in match.reasons]


def test_ten_minutes_a_week_gets_only_ten_minute_work_and_says_so():
    who = Situation(minutes=matching.minutes_a_week(Decimal("0.2")))
    found = matching.rank_playbooks(who, starter_works())
    assert found and all(m.item.minutes <= 12 for m in found)
    assert {"share-clip-online", "pass-on-the-update", "poster-in-a-window"} <= set(slugs(found))
    assert str(found[0].reasons[0]) == "fits in your 12 minutes a week"


def test_an_hour_a_week_reads_as_one_hour():
    who = Situation(minutes=60)
    assert str(matching.rank_playbooks(who, starter_works())[0].reasons[0]) == (
        "fits in your 1 hour a week")


def test_a_parent_at_home_gets_home_and_online_work_with_that_reason():
    who = Situation(minutes=120, constraints=frozenset({"caregiving"}))
    found = matching.rank_playbooks(who, starter_works())
    assert found
    for match in found:
        if match.item.setting in ("public", "school_work"):
            assert "caregiving" in match.item.suitable_for
    home = next(m for m in found if m.item.slug == "poster-in-a-window")
    assert "can be done at home" in [str(r) for r in home.reasons]


def test_a_discreet_student_gets_only_quiet_work_and_is_told_it_is_safe():
    who = Situation(minutes=120, discreet=True, visibility=0,
                    constraints=frozenset({"controlling_home"}), place_kind="high_school",
                    place_name="Westside High")
    found = matching.rank_playbooks(who, starter_works())
    assert set(slugs(found)) >= {"map-the-school", "subtitle-a-clip", "write-a-story"}
    assert all(m.item.discreet_safe and m.item.visibility == 0 for m in found)
    assert "fold-flyer-bundles" in slugs(found)  # listed as fitting a controlling home
    assert "read-and-reflect" in slugs(found)
    school = next(m for m in found if m.item.slug == "map-the-school")
    assert "at your school or work: Westside High" in [str(r) for r in school.reasons]
    assert all("discreet" in codes(m) for m in found)


def test_a_new_contact_gets_short_first_steps_first():
    who = Situation(minutes=240)
    found = matching.rank_playbooks(who, starter_works(), limit=5)
    assert all(m.item.min_stage == "contact" for m in found)
    assert all("first_step" in codes(m) for m in found)
    assert "form-a-network" not in slugs(matching.rank_playbooks(who, starter_works()))


def test_a_contributor_is_offered_forming_a_network_first():
    who = Situation(minutes=240, stage="contributor")
    found = matching.rank_playbooks(who, starter_works())
    assert found[0].item.slug == "form-a-network"
    assert "next_step" in codes(found[0])


def test_interest_and_spanish_raise_a_playbook_and_say_why():
    who = Situation(minutes=120, interests=frozenset({"fundraising"}),
                    languages=frozenset({"es"}))
    top = matching.rank_playbooks(who, starter_works())[0]
    assert top.item.slug == "bake-for-the-sale"
    assert {"interest", "language"} <= set(codes(top))
    assert "in Spanish" in [str(r) for r in top.reasons]


def test_a_chapter_playbook_without_a_language_is_neither_raised_nor_lowered():
    own = Work(minutes=10, setting="online", visibility=1, discreet_safe=False,
               languages=frozenset())
    who = Situation(minutes=60, languages=frozenset({"fr"}))
    assert matching.playbook_match(who, own).score == matching.playbook_match(
        Situation(minutes=60), own).score


def test_someone_who_reads_none_of_the_catalog_languages_sees_it_lower_not_hidden():
    work = Work(minutes=10, setting="online", visibility=1, discreet_safe=False)
    french = matching.playbook_match(Situation(minutes=60, languages=frozenset({"fr"})), work)
    english = matching.playbook_match(Situation(minutes=60, languages=frozenset({"en"})), work)
    assert french is not None and english is not None and french.score < english.score


def test_a_nearby_network_of_their_interest_ranks_first_and_says_where():
    near = Opening(kind="discussion", status="active", place_id=1,
                   near_place_ids=frozenset({1, 9}), place_name="Eastside", item="near")
    far = Opening(kind="discussion", status="active", place_id=2,
                  near_place_ids=frozenset({2}), place_name="Hill", item="far")
    who = Situation(minutes=120, near_place_ids=frozenset({1, 9}),
                    interests=frozenset({"discussion"}))
    found = matching.rank_networks(who, [far, near])
    assert [m.item for m in found] == ["near", "far"]
    assert "near you: Eastside" in [str(r) for r in found[0].reasons]


def test_network_reasons_for_grouping_language_and_forming():
    opening = Opening(kind="showing_hosts", status="forming", social_grouping="Classmates",
                      member_languages=frozenset({"es", "en"}), item="n")
    who = Situation(minutes=120, social_grouping="classmates", languages=frozenset({"es"}))
    match = matching.rank_networks(who, [opening])[0]
    assert set(codes(match)) >= {"grouping", "language", "forming"}
    assert "among Classmates" in [str(r) for r in match.reasons]


@pytest.mark.parametrize("kind, shown", [("discussion", True), ("online", False),
                                         ("protest", False), ("chapter_made", False)])
def test_a_discreet_person_is_suggested_only_study_circles(kind, shown):
    who = Situation(minutes=600, discreet=True, visibility=2)
    opening = Opening(kind=kind, status="active", item="n")
    assert bool(matching.rank_networks(who, [opening])) is shown


def test_a_member_is_not_suggested_their_own_network():
    opening = Opening(kind="discussion", status="active", member_ids=frozenset({7}), item="n")
    assert not matching.rank_networks(Situation(minutes=600, visibility=2), [opening],
                                      person_id=7)


def test_less_than_an_hour_a_week_is_not_enough_to_join_a_network():
    opening = Opening(kind="discussion", status="active", item="n")
    assert not matching.rank_networks(Situation(minutes=30), [opening])
    assert matching.rank_networks(Situation(minutes=60), [opening])


@pytest.mark.parametrize("typed, code", [("English", "en"), ("español", "es"), ("es", "es"),
                                         (" Spanish ", "es"), ("fr", "fr")])
def test_typed_language_names_become_codes(typed, code):
    assert matching.language_code(typed) == code


def test_older_interest_words_point_to_network_kinds():
    assert matching.interest_kinds(["film", "discussion"]) == {
        "showing_hosts", "promotion", "discussion"}


def test_the_headline_reason_is_the_most_telling_one():
    who = Situation(minutes=60, interests=frozenset({"online"}))
    work = Work(minutes=10, setting="online", visibility=1, discreet_safe=False, kind="online")
    match = matching.playbook_match(who, work)
    assert match.headline.code == "first_step"
    bare = matching.playbook_match(Situation(minutes=60, stage="builder"),
                                   Work(minutes=10, setting="online", visibility=1,
                                        discreet_safe=False))
    assert bare.headline.code == "time"


def test_every_refusal_has_a_message():
    codes_seen = {"time", "visibility", "discreet", "stage", *matching.CONSTRAINTS}
    assert codes_seen <= set(matching.REFUSALS)
