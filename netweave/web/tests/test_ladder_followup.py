"""The ladder and follow-up pages, driven the way a user would: the person page's timeline,
coaching and prompts; accepting and declining; the follow-up desk with bulk assignment; the
untouched list; the chapter settings; the organizer dashboard's panels."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from netweave.core.ledger import record
from netweave.core.models import AuditEntry, Contribution
from netweave.core.testing import make_person
from netweave.people import services
from netweave.people.ladder import refresh_stage
from netweave.people.models import ChapterSettings, CoachingPair, Person

DESK = reverse("followup_desk")
ASSIGN = reverse("followup_assign")
SETTINGS = reverse("chapter_settings")


def url(name, person, **extra):
    return reverse(name, kwargs={"public_id": person.public_id, **extra})


def test_the_person_page_shows_moves_up_the_ladder_in_the_timeline(client, world):
    record(kind=Contribution.Kind.TASK_DONE, chapter_id=world.chapter.id, person=world.erin)
    refresh_stage(world.erin)
    client.force_login(world.alice)
    page = client.get(url("person", world.erin)).content.decode()
    assert "Moved up to Participant" in page and "Completed a task" in page


def test_the_owner_accepts_from_the_person_page(client, world):
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    client.force_login(world.carol)
    page = client.get(url("person", world.erin)).content.decode()
    assert url("followup_accept", world.erin) in page
    response = client.post(url("followup_accept", world.erin))
    assert response.status_code == 302
    world.erin.refresh_from_db()
    assert not world.erin.followup_pending


def test_the_owner_declines_with_a_reason_and_it_goes_back(client, world):
    services.followup_assign(actor=world.alice, people=[world.erin], owner=world.carol)
    client.force_login(world.carol)
    assert b"goes back to alice" in client.get(url("followup_decline", world.erin)).content
    response = client.post(url("followup_decline", world.erin), {"reason": "Exams"})
    assert response.status_code == 302
    world.erin.refresh_from_db()
    assert world.erin.followup_owner == world.alice and "Exams" in world.erin.notes


def test_the_desk_shows_each_owners_workload_and_the_unowned(client, world):
    make_person(world.chapter, "Late", followup_owner=world.carol,
                followup_due=timezone.localdate() - timedelta(days=1))
    client.force_login(world.alice)
    response = client.get(DESK)
    assert response.status_code == 200
    loads = {w.user.username: w for w in response.context["workload"]}
    assert loads["carol"].overdue == 1
    shown = [p.display_name for p in response.context["page"].object_list]
    assert "Erin" in shown and "Late" not in shown  # unowned first, by default


def test_an_organizer_assigns_several_people_at_once_from_the_desk(client, world):
    gus = make_person(world.chapter, "Gus")
    client.force_login(world.alice)
    response = client.post(ASSIGN, {"people": [world.erin.public_id, gus.public_id],
                                    "owner": world.carol.pk})
    assert response.status_code == 302
    assert set(Person.objects.filter(followup_owner=world.carol).values_list(
        "display_name", flat=True)) == {"Erin", "Gus"}


def test_a_bad_bulk_assignment_says_why_keeps_the_ticks_and_changes_nothing(client, world):
    secret = make_person(world.chapter, "Secret", discreet=True)
    client.force_login(world.alice)
    response = client.post(ASSIGN, {"people": [world.erin.public_id, secret.public_id],
                                    "owner": world.carol.pk})
    assert response.status_code == 400
    assert b"Only organizers follow up discreet people" in response.content
    assert f'value="{world.erin.public_id}" checked'.encode() in response.content
    assert not Person.objects.filter(followup_owner=world.carol).exists()


def test_an_assignment_naming_someone_outside_the_chapter_is_refused_whole(client, world):
    client.force_login(world.alice)
    response = client.post(ASSIGN, {"people": [world.erin.public_id,
                                               world.hilltop_person.public_id],
                                    "owner": world.carol.pk})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="followup.assign").exists()


def test_the_untouched_page_lists_people_and_networks(client, world):
    Person.objects.filter(pk=world.erin.pk).update(joined_at=timezone.now() - timedelta(days=60))
    client.force_login(world.alice)
    page = client.get(reverse("untouched")).content.decode()
    assert "Erin" in page


def test_an_organizer_sets_the_chapters_thresholds(client, world):
    client.force_login(world.alice)
    form = client.get(SETTINGS).context["form"]
    data = {name: form.initial[name] for name in ChapterSettings.LIMITS}
    data["contributor_actions"] = 5
    assert client.post(SETTINGS, data).status_code == 302
    assert ChapterSettings.for_chapter(world.chapter.id).contributor_actions == 5


def test_a_bad_threshold_keeps_the_input_and_saves_nothing(client, world):
    client.force_login(world.alice)
    data = {name: 10 for name in ChapterSettings.LIMITS}
    data["contributor_actions"] = 0
    data["untouched_person_days"] = 45
    response = client.post(SETTINGS, data)
    assert response.status_code == 400 and b'value="45"' in response.content
    assert not ChapterSettings.objects.exists()


def test_charlie_sets_hilltops_thresholds_not_riversides(client, world):
    client.force_login(world.charlie)
    response = client.get(SETTINGS, {"chapter": world.chapter.public_id})
    assert response.status_code == 404
    assert client.get(SETTINGS).context["chapter"] == world.other_chapter


def test_the_dashboard_offers_ready_for_more_with_a_one_click_action(client, world):
    from django.db.models import F

    Person.objects.filter(pk=world.erin.pk).update(joined_at=F("joined_at") - timedelta(days=90))
    for day in range(6):
        record(kind=Contribution.Kind.TASK_DONE, chapter_id=world.chapter.id,
               person=world.bob_person, occurred_at=timezone.now() - timedelta(days=day))
    refresh_stage(world.bob_person)
    client.force_login(world.alice)
    page = client.get(reverse("dashboard")).content.decode()
    assert url("convening_ask", world.bob_person) in page
    assert "Nobody has touched these" in page and "Erin" in page
    assert client.post(url("convening_ask", world.bob_person)).status_code == 302
    assert url("convening_ask", world.bob_person) not in \
        client.get(reverse("dashboard")).content.decode()


def test_an_organizer_pairs_a_coach_from_the_person_page_and_both_pages_show_it(client, world):
    client.force_login(world.alice)
    client.post(url("coaching_start", world.dave_person),
                {"person": world.carol_person.public_id})
    assert CoachingPair.objects.filter(coach=world.carol_person,
                                       coached=world.dave_person).exists()
    assert "Coached by" in client.get(url("person", world.dave_person)).content.decode()
    assert "They coach" in client.get(url("person", world.carol_person)).content.decode()
    client.post(url("coaching_end", world.dave_person, coach_id=world.carol_person.public_id))
    assert CoachingPair.objects.get().ended_on is not None


def test_the_dashboard_shows_every_overdue_follow_up_of_the_chapter_whoever_owns_it(client,
                                                                                   world):
    make_person(world.chapter, "Slipping", followup_owner=world.carol,
                followup_due=timezone.localdate() - timedelta(days=3))
    make_person(world.other_chapter, "Elsewhere", followup_owner=world.charlie,
                followup_due=timezone.localdate() - timedelta(days=3))
    client.force_login(world.alice)
    response = client.get(reverse("dashboard"))
    names = [p.display_name for p in response.context["overdue_followups"]]
    assert names == ["Slipping"]
    client.force_login(world.carol)
    assert "overdue_followups" not in client.get(reverse("dashboard")).context


# --- a refused request changes nothing, down to the follow-up fields -----------------------


def _fingerprint():
    from netweave.people.models import ActionLink, StageChange

    people = list(Person.objects.order_by("id").values_list(
        "followup_status", "followup_owner_id", "followup_assigned_by_id",
        "followup_accepted_at", "followup_due", "touched_at", "asked_to_convene_at", "notes",
        "stage"))
    return (people, list(CoachingPair.objects.values_list("id", "ended_on")),
            list(ActionLink.objects.values_list("id", "used_at")),
            list(ChapterSettings.objects.values_list("chapter_id", "updated_at")),
            StageChange.objects.count(), AuditEntry.objects.count(),
            Contribution.objects.count())


def test_every_refused_followup_route_leaves_every_field_as_it_was(client, world):
    """test_route_access counts rows; this also compares the fields these routes write."""
    from netweave.web.tests.routes import OK, ROLES, make_targets
    from netweave.web.tests.routes_followup import FOLLOWUP_CASES

    targets = make_targets(world)
    tried = 0
    for case in FOLLOWUP_CASES:
        for role in ROLES:
            if case.expect[role] == OK:
                continue
            client.logout()
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            address = reverse(case.name, kwargs=case.kwargs(world, targets))
            before = _fingerprint()
            send = client.post if case.method == "post" else client.get
            response = send(address + case.query(world, targets), case.data(world, targets))
            assert response.status_code in (302, 403, 404), (case.name, role)
            assert _fingerprint() == before, (case.name, role)
            tried += 1
    assert tried > 50
