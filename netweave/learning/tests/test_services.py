"""Writing learning: resources and guides by organizers, engagements by each person, sessions
by whoever runs the network. Every refusal and every bad input leaves the tables as they were."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from netweave.core.models import AuditEntry, Contribution
from netweave.learning import services
from netweave.learning.models import DiscussionSession, Engagement, Guide, Resource
from netweave.learning.tests.fixtures import film, guide
from netweave.people.models import Stage

pytestmark = pytest.mark.django_db
K = Contribution.Kind


def counts() -> tuple[int, ...]:
    return (Resource.objects.count(), Guide.objects.count(), Engagement.objects.count(),
            DiscussionSession.objects.count(), Contribution.objects.count(),
            AuditEntry.objects.count())


def new_resource(world, actor, **overrides):  # noqa: ANN001, ANN201
    values = {"chapter": world.chapter, "kind": "film", "title": "Rising",
              "url": "https://films.example.org/rising", "minutes": 90, "language": "en",
              "summary": "A film about organizing."}
    return services.resource_create(actor=actor, **(values | overrides))


# --- Resources -------------------------------------------------------------------------------


def test_an_organizer_adds_a_resource_and_the_audit_log_says_so(world):
    resource = new_resource(world, world.alice, title="  Rising  ")
    assert (resource.title, resource.minutes, resource.chapter) == ("Rising", 90, world.chapter)
    last = AuditEntry.objects.first()
    assert last is not None
    assert (last.action, last.target) == ("resource.create", resource.public_id)


@pytest.mark.parametrize("who", ["bob", "carol", "charlie"])
def test_only_the_chapters_organizers_add_resources(world, who):
    before = counts()
    with pytest.raises(PermissionDenied):
        new_resource(world, getattr(world, who))
    assert counts() == before


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "ftp://films.example.org/rising", "films.example.org", "",
    "file:///etc/passwd", "https://" + "a" * 500 + ".org",
])
def test_a_link_must_be_an_http_or_https_web_link(world, url):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        new_resource(world, world.alice, url=url)
    assert set(exc.value.message_dict) == {"url"}
    assert counts() == before


def test_every_bad_field_is_reported_at_once_before_anything_is_written(world):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        new_resource(world, world.alice, title=" ", kind="poster", minutes=0, language="xx")
    assert set(exc.value.message_dict) == {"title", "kind", "minutes", "language"}
    assert counts() == before


def test_the_length_may_be_left_out_and_languages_beyond_the_interfaces_are_accepted(world):
    resource = new_resource(world, world.alice, minutes=None, language="ar")
    assert (resource.minutes, resource.language) == (None, "ar")


def test_an_organizer_edits_a_resource_and_only_the_given_fields_change(world):
    resource = new_resource(world, world.alice)
    services.resource_update(actor=world.alice, resource=resource, title="Rising (cut)",
                             minutes="45")
    resource.refresh_from_db()
    assert (resource.title, resource.minutes, resource.url) == (
        "Rising (cut)", 45, "https://films.example.org/rising")


def test_a_bad_edit_changes_nothing(world):
    resource = new_resource(world, world.alice)
    with pytest.raises(ValidationError):
        services.resource_update(actor=world.alice, resource=resource, title="New",
                                 url="javascript:void(0)")
    resource.refresh_from_db()
    assert (resource.title, resource.url) == ("Rising", "https://films.example.org/rising")


def test_the_shared_starter_set_is_changed_by_admins_only(world):
    shared = film(world, chapter=None, title="Starter")
    with pytest.raises(PermissionDenied):
        services.resource_update(actor=world.alice, resource=shared, title="Mine now")
    services.resource_update(actor=world.admin, resource=shared, title="Starter film")
    shared.refresh_from_db()
    assert shared.title == "Starter film"


def test_retiring_and_restoring_a_resource_is_audited_once_each(world):
    resource = new_resource(world, world.alice)
    services.resource_retire(actor=world.alice, resource=resource)
    services.resource_retire(actor=world.alice, resource=resource)  # already retired: no-op
    assert resource.retired
    services.resource_retire(actor=world.alice, resource=resource, retired=False)
    assert not resource.retired
    actions = list(AuditEntry.objects.filter(target=resource.public_id)
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["resource.create", "resource.retire", "resource.restore"]


def test_a_member_may_not_retire_a_resource(world):
    resource = film(world)
    with pytest.raises(PermissionDenied):
        services.resource_retire(actor=world.bob, resource=resource)
    resource.refresh_from_db()
    assert not resource.retired


# --- Guides ----------------------------------------------------------------------------------


def test_a_guide_takes_its_steps_and_questions_one_a_line(world):
    resource = film(world)
    made = services.guide_create(actor=world.alice, resource=resource, title="Film night",
                                 minutes=90, steps="Welcome\n\n  Watch together \nTalk",
                                 questions="What stayed with you?\n")
    assert made.steps == ["Welcome", "Watch together", "Talk"]
    assert made.questions == ["What stayed with you?"]


def test_a_guide_needs_a_step_or_a_question_and_a_time(world):
    resource = film(world)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.guide_create(actor=world.alice, resource=resource, title="Empty", minutes=60)
    assert set(exc.value.message_dict) == {"steps"}
    with pytest.raises(ValidationError) as exc:
        services.guide_create(actor=world.alice, resource=resource, title="", minutes="soon",
                              steps=["x"])
    assert set(exc.value.message_dict) == {"title", "minutes"}
    assert counts() == before


def test_a_convener_may_not_write_guides(world):
    with pytest.raises(PermissionDenied):
        services.guide_create(actor=world.carol, resource=film(world), title="Mine",
                              minutes=30, steps=["x"])


def test_editing_a_guide_keeps_what_is_not_given(world):
    made = guide(film(world))
    services.guide_update(actor=world.alice, guide=made, questions="Why?\nWhat next?")
    made.refresh_from_db()
    assert (made.steps, made.questions) == (["Watch", "Talk"], ["Why?", "What next?"])


# --- Engagements -----------------------------------------------------------------------------


def test_watching_is_an_engagement_and_a_ledger_entry_the_ladder_counts(world):
    resource = film(world)
    # Erin has no account: Alice, her organizer, records what Erin told her.
    assert world.erin.stage == Stage.CONTACT
    engagement = services.engagement_record(actor=world.alice, resource=resource,
                                            how="watched", person=world.erin, people=7)
    assert (engagement.person, engagement.people, engagement.network) == (world.erin, None, None)
    entry = Contribution.objects.get(kind=K.RESOURCE_ENGAGED)
    assert (entry.person, entry.chapter, entry.recorded_by) == (
        world.erin, world.chapter, world.alice)
    assert entry.data == {"resource": resource.public_id, "how": "watched"}
    world.erin.refresh_from_db()
    assert world.erin.stage == Stage.PARTICIPANT


def test_a_double_tap_on_i_watched_this_records_it_once(world):
    resource = film(world)
    first = services.engagement_record(actor=world.bob, resource=resource, how="watched")
    again = services.engagement_record(actor=world.bob, resource=resource, how="watched")
    assert first.pk == again.pk
    assert Contribution.objects.filter(kind=K.RESOURCE_ENGAGED).count() == 1


def test_showing_it_to_others_says_to_how_many_and_may_be_in_ones_network(world):
    resource = film(world)
    engagement = services.engagement_record(actor=world.bob, resource=resource, how="showed",
                                            people="12", network=world.network)
    assert (engagement.people, engagement.network) == (12, world.network)
    entry = Contribution.objects.get(kind=K.RESOURCE_ENGAGED)
    assert entry.network == world.network
    assert entry.data == {"resource": resource.public_id, "how": "showed", "people": 12}


@pytest.mark.parametrize(("values", "fields"), [
    ({"how": "shared"}, {"people"}),
    ({"how": "showed", "people": 0}, {"people"}),
    ({"how": "showed", "people": "lots"}, {"people"}),
    ({"how": "loved"}, {"how"}),
    ({"how": "watched", "occurred_on": "tomorrow"}, {"occurred_on"}),
    ({"how": "watched", "network": "other"}, {"network"}),
])
def test_bad_engagements_are_refused_with_the_field_to_fix(world, values, fields):
    resource = film(world)
    if values.get("occurred_on") == "tomorrow":
        values = {**values, "occurred_on": timezone.localdate() + timedelta(days=1)}
    if values.get("network") == "other":
        values = {**values, "network": world.other_network}  # Bob is not in it
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.engagement_record(actor=world.bob, resource=resource, **values)
    assert set(exc.value.message_dict) == fields
    assert counts() == before


def test_a_retired_resource_or_another_chapters_takes_no_engagements(world):
    retired = film(world, retired_at=timezone.now())
    hilltop = film(world, chapter=world.other_chapter)
    before = counts()
    for resource in (retired, hilltop):
        with pytest.raises(ValidationError) as exc:
            services.engagement_record(actor=world.bob, resource=resource, how="watched")
        assert set(exc.value.message_dict) == {"resource"}
    assert counts() == before


def test_only_the_person_or_their_organizer_records_what_they_did(world):
    resource = film(world)
    before = counts()
    for actor in (world.carol, world.charlie):
        with pytest.raises(PermissionDenied):
            services.engagement_record(actor=actor, resource=resource, how="watched",
                                       person=world.bob_person)
    with pytest.raises(PermissionDenied):  # the admin account has no person of its own
        services.engagement_record(actor=world.admin, resource=resource, how="watched")
    assert counts() == before


def test_an_earlier_day_is_entered_in_the_ledger_at_its_midday(world):
    day = timezone.localdate() - timedelta(days=3)
    services.engagement_record(actor=world.bob, resource=film(world), how="discussed",
                               occurred_on=day)
    entry = Contribution.objects.get(kind=K.RESOURCE_ENGAGED)
    assert timezone.localtime(entry.occurred_at).date() == day
    assert timezone.localtime(entry.occurred_at).hour == 12


# --- Discussion sessions ---------------------------------------------------------------------


def test_a_convener_records_a_session_as_the_networks_discussion_led_by_them(world):
    resource = film(world)
    made = guide(resource)
    day = timezone.localdate() - timedelta(days=1)
    session = services.session_record(actor=world.carol, network=world.network,
                                      resource=resource, guide=made, held_on=day,
                                      attendance=9, notes=" Good one ")
    assert (session.attendance, session.notes, session.guide) == (9, "Good one", made)
    engagement = Engagement.objects.get(session=session)
    assert (engagement.how, engagement.person, engagement.network, engagement.people) == (
        "discussed", world.carol_person, world.network, 9)
    entry = Contribution.objects.get(kind=K.RESOURCE_ENGAGED)
    assert entry.network == world.network and entry.person == world.carol_person
    assert entry.data == {"resource": resource.public_id, "how": "discussed", "people": 9,
                          "session": session.public_id}


def test_an_organizer_records_a_session_for_any_network_of_the_chapter_led_by_nobody(world):
    session = services.session_record(actor=world.alice, network=world.other_network,
                                      resource=film(world), held_on=timezone.localdate(),
                                      attendance=4)
    assert Engagement.objects.get(session=session).person is None


@pytest.mark.parametrize("who", ["bob", "dave", "charlie"])
def test_members_and_other_networks_conveners_may_not_record_a_networks_session(world, who):
    resource = film(world)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.session_record(actor=getattr(world, who), network=world.network,
                                resource=resource, held_on=timezone.localdate(),
                                attendance=5)
    assert counts() == before


def test_a_session_needs_a_past_date_a_head_count_and_the_resources_own_guide(world):
    resource = film(world)
    foreign = guide(film(world, title="Other"))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.session_record(actor=world.carol, network=world.network, resource=resource,
                                guide=foreign, attendance=0,
                                held_on=timezone.localdate() + timedelta(days=2))
    assert set(exc.value.message_dict) == {"guide", "attendance", "held_on"}
    assert counts() == before
