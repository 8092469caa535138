"""The demo movement (its shape, its consistency, its logins) and the `demo` command."""

import re
from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.models import Max, Q
from django.utils import timezone

from netweave.core.management.commands.demo import demo_database
from netweave.core.models import Chapter, Contribution
from netweave.core.scope import scope_of
from netweave.demo import LOGINS, build
from netweave.events.models import Attendance, Event
from netweave.learning.models import Engagement
from netweave.networks.models import Membership, Network
from netweave.networks.selectors import descendants
from netweave.outreach.models import OutreachSession
from netweave.people import contacts
from netweave.people.ladder import stage_of
from netweave.people.models import CoachingPair, FollowUp, Person, Stage, StageChange
from netweave.people.selectors import followups_due_for
from netweave.work.models import Task

K = Contribution.Kind
SMALL = 90


@pytest.fixture(scope="class")
def movement(django_db_setup, django_db_blocker):  # noqa: ANN001
    """One small demo, built once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(people=SMALL)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("movement")
class TestTheDemoMovement:
    def test_it_has_three_chapters_one_growing_geometrically_one_incrementally(self):
        assert Chapter.objects.count() >= 3
        deepest = Network.objects.filter(chapter__slug="riverside").aggregate(Max("generation"))
        assert deepest["generation__max"] >= 4
        hilltop = Network.objects.filter(chapter__slug="hilltop")
        assert hilltop.filter(seeded_from__isnull=False).count() < hilltop.filter(
            seeded_from__isnull=True).count()

    def test_every_lineage_path_and_generation_follows_the_parent(self):
        for network in Network.objects.select_related("seeded_from"):
            parent = network.seeded_from
            assert network.path == (parent.path if parent else "") + Network.segment(network.id)
            assert network.generation == (parent.generation + 1 if parent else 1)

    def test_there_are_people_at_every_ladder_stage_derived_from_the_ledger(self):
        people = list(Person.objects.all())
        assert {p.stage for p in people} == set(Stage.values)
        assert all(stage_of(p) == p.stage for p in people)

    def test_every_stage_has_people_with_paths_coaches_and_learning_behind_them(self):
        for stage in Stage.values:
            assert Person.objects.filter(stage=stage).exists(), stage
        moved = StageChange.objects.values_list("to_stage", flat=True).distinct()
        assert set(moved) == set(Stage.values) - {Stage.CONTACT}  # every move up is recorded
        latest = dict(StageChange.objects.order_by("at", "id").values_list("person_id",
                                                                             "to_stage"))
        stages = dict(Person.objects.values_list("id", "stage"))
        assert all(stages[person] == stage for person, stage in latest.items())
        pairs = CoachingPair.objects.select_related("coach", "coached")
        assert pairs.filter(ended_on__isnull=True).exists() and pairs.filter(
            ended_on__isnull=False).exists()
        assert all(pair.coach.stage in (Stage.CONVENER, Stage.BUILDER) for pair in pairs)
        tomas = get_user_model().objects.get(username="tomas").person
        assert pairs.filter(coached=tomas, coach__user__username="marta",
                            ended_on__isnull=True).exists()
        assert Engagement.objects.exists()
        assert Contribution.objects.filter(kind=K.RESOURCE_ENGAGED).count() >= (
            Engagement.objects.count())
        states = set(Person.objects.values_list("followup_status", flat=True))
        assert states == set(FollowUp.values)

    def test_personal_tasks_fit_their_person_by_the_matching_rules(self):
        from netweave.work import matching
        from netweave.work.selectors import situation_of, work_of

        for task in Task.objects.filter(person__isnull=False).exclude(
                playbook__slug="form-a-network").select_related(
                "person__place", "playbook__builds_toward"):
            who = situation_of(task.person)
            refusal = matching.playbook_refusal(who, work_of(task.playbook))
            assert refusal in ("", "stage"), (task.person, task.playbook.slug, refusal)

    def test_there_are_people_in_every_followup_state_some_overdue_some_just_signed_up(self):
        people = Person.objects.all()
        assert set(people.values_list("followup_status", flat=True)) == set(FollowUp.values)
        today = timezone.localdate()
        assert people.filter(followup_status=FollowUp.NEW, followup_due__lt=today).exists()
        recent = people.filter(joined_at__gte=timezone.now() - timezone.timedelta(days=14))
        assert recent.exclude(source="recorded").filter(followup_status=FollowUp.NEW).exists()

    def test_the_ledger_agrees_with_the_tables(self):
        counts = Counter(Contribution.objects.values_list("kind", flat=True))
        memberships = Membership.objects.all()
        tasks = Task.objects.all()
        attendances = Attendance.objects.all()
        brought = Q(referral_code__person__isnull=False) | Q(referral_code__network__isnull=False)
        expected = {
            K.SIGNED_UP: Person.objects.count(),
            K.BROUGHT_IN: Person.objects.filter(brought).count(),
            K.NETWORK_FORMED: Network.objects.filter(seeded_from__isnull=True).count(),
            K.NETWORK_SEEDED: Network.objects.filter(seeded_from__isnull=False).count(),
            K.NETWORK_CONVENED: memberships.filter(role=Membership.Role.CONVENER).count(),
            K.NETWORK_JOINED: memberships.filter(role=Membership.Role.MEMBER).count(),
            K.NETWORK_LEFT: memberships.filter(left_on__isnull=False).count(),
            K.TASK_ACCEPTED: tasks.filter(accepted_at__isnull=False).count(),
            K.TASK_DONE: tasks.filter(status__in=[Task.Status.DONE, Task.Status.REPORTED]).count(),
            K.EVENT_RSVP: attendances.filter(rsvp=Attendance.Rsvp.YES).count(),
            K.EVENT_ATTENDED: attendances.filter(attended=True).count(),
            K.EVENT_HOSTED: Event.objects.filter(host_network__isnull=False).count(),
            K.OUTREACH: OutreachSession.participants.through.objects.count(),
        }
        assert {kind: counts[kind] for kind in expected} == expected
        assert Contribution.objects.filter(occurred_at__gt=timezone.now()).count() == 0

    def test_the_dashboard_counts_agree_with_the_tables(self):
        from netweave.metrics import activity, facts

        chapters = list(Chapter.objects.values_list("pk", flat=True))
        assert facts.verify(chapters) == 0, "counts"
        assert activity.verify(chapters) == 0, "spells"

    def test_whoever_brought_someone_in_owns_the_code_they_came_through(self):
        for person in Person.objects.filter(referral_code__isnull=False).select_related(
                "referral_code"):
            code = person.referral_code
            assert person.brought_by_id == code.person_id
            assert person.source_network_id == code.network_id
            assert person.source_event_id == code.event_id

    def test_networks_and_tasks_come_in_every_status(self):
        assert set(Network.objects.values_list("status", flat=True)) == set(Network.Status.values)
        assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
        assert Event.objects.filter(starts_at__gt=timezone.now()).exists()
        assert Event.objects.filter(starts_at__lt=timezone.now(), attendances__attended=True)

    def test_contact_details_are_all_fictional(self):
        admin = get_user_model().objects.get(username="admin")
        for person in Person.objects.filter(channels__isnull=False).distinct():
            for channel in contacts.channels_read(actor=admin, person=person):
                if channel.kind == "email":
                    assert channel.value.endswith(("@example.org", "@example.net"))
                elif channel.kind != "telegram":
                    assert channel.value[5:10] == "55501", channel.value

    def test_every_demo_login_signs_in_with_the_shared_password_in_its_role(self, movement):
        for login in LOGINS:
            user = authenticate(username=login.username, password=movement.password)
            assert user is not None, login.username
            assert Person.objects.filter(user=user).exists()
            assert scope_of(user).role == login.role

    def test_the_coach_convenes_a_first_generation_network_with_descendants(self):
        marta = get_user_model().objects.get(username="marta")
        convened = Network.objects.filter(id__in=scope_of(marta).convened_networks)
        assert any(n.generation == 1 and descendants(n).exists() for n in convened)

    def test_conveners_follow_up_the_people_they_brought_in(self):
        for username in ("marta", "tomas"):
            user = get_user_model().objects.get(username=username)
            due = followups_due_for(user)
            assert due and all(p.brought_by_id == user.person.id for p in due)


def _fingerprint() -> list[tuple]:
    rows: list[tuple] = list(Person.objects.order_by("id").values_list(
        "display_name", "stage", "followup_status", "joined_at"))
    rows += list(Network.objects.order_by("id").values_list("name", "generation", "status"))
    rows += list(Contribution.objects.order_by("id").values_list("kind", "occurred_at"))
    return rows


def test_the_same_seed_makes_the_same_movement(db):
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    made = []
    for _ in range(2):
        with transaction.atomic():
            build(people=60, seed=5, now=now)
            made.append(_fingerprint())
            transaction.set_rollback(True)
    assert made[0] == made[1]


def test_the_demo_command_refuses_a_database_it_did_not_set_up(db):
    with pytest.raises(CommandError, match="not the demo's own database"):
        call_command("demo", "--no-serve")
    assert not Chapter.objects.exists()


def test_with_force_the_demo_command_loads_into_an_empty_database_and_prints_the_logins(db):
    out = StringIO()
    call_command("demo", "--no-serve", "--force", "--people", "60", stdout=out)
    assert Chapter.objects.count() == 3
    printed = out.getvalue()
    shown = re.search(r"password for all: (\S+)\)", printed)
    assert shown is not None
    assert authenticate(username="admin", password=shown.group(1)) is not None
    assert all(login.username in printed for login in LOGINS)


def test_the_demo_command_refuses_too_few_people_before_touching_anything(db):
    with pytest.raises(CommandError, match="at least"):
        call_command("demo", "--no-serve", "--force", "--people", "5")
    assert not Chapter.objects.exists()


def test_the_demo_command_never_loads_over_existing_chapters(db):
    Chapter.objects.create(name="Ours", slug="ours")
    with pytest.raises(CommandError, match="already has chapters"):
        call_command("demo", "--no-serve", "--force")
    assert list(Chapter.objects.values_list("slug", flat=True)) == ["ours"]


def test_only_the_file_cli_set_up_counts_as_the_demo_database(db, monkeypatch, settings,
                                                               tmp_path):
    monkeypatch.setenv("NETWEAVE_DEMO", "1")
    assert demo_database() is None  # the test database is not the demo's file
    settings.DATA_DIR = tmp_path
    monkeypatch.setitem(connections["default"].settings_dict, "NAME",
                        str(tmp_path / "demo.sqlite3"))
    monkeypatch.setitem(connections["default"].settings_dict, "ENGINE",
                        "django.db.backends.sqlite3")  # as cli.py sets it, whatever runs the suite
    assert demo_database() == Path(tmp_path / "demo.sqlite3").resolve()
    monkeypatch.delenv("NETWEAVE_DEMO")
    assert demo_database() is None  # a DATABASE_URL the user gave is never the demo's
