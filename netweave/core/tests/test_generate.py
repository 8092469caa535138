"""The scale generator (`netweave.scale`, the `generate` command) at a tiny size."""

from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from netweave.core.ids import ALPHABET
from netweave.core.models import Chapter, Contribution
from netweave.networks.models import Membership, Network, NetworkKind
from netweave.networks.selectors import descendants
from netweave.people.models import Person
from netweave.scale import Size, generate
from netweave.scale.generate import NotEmpty, chapter_shapes
from netweave.scale.ids import PublicIds

TINY = Size(people=2_000, networks=200, ledger=10_000, chapters=4, months=12,
            seeding_rate=1.2, seed=7, batch=700)
K = Contribution.Kind


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):  # noqa: ANN001
    """One tiny movement, generated once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(TINY, report=lambda _line: None)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("generated")
class TestATinyGeneratedMovement:
    def test_the_counts_match_the_options(self):
        assert Person.objects.count() == TINY.people
        assert Network.objects.count() == TINY.networks
        assert Contribution.objects.count() == TINY.ledger
        assert Chapter.objects.count() == TINY.chapters
        per_network = Membership.objects.values("network").annotate(n=Count("id"))
        assert len(per_network) == TINY.networks
        assert all(2 <= row["n"] <= 12 for row in per_network)

    def test_every_path_and_generation_follows_the_parent(self):
        networks = Network.objects.select_related("seeded_from")
        for network in networks:
            parent = network.seeded_from
            assert network.path == (parent.path if parent else "") + Network.segment(network.id)
            assert network.generation == (parent.generation + 1 if parent else 1)
            if parent:
                assert parent.chapter_id == network.chapter_id
                assert parent.started_on <= network.started_on
        assert Network.objects.aggregate(Max("generation"))["generation__max"] >= 3

    def test_descendants_of_a_root_are_exactly_its_subtree(self):
        children = defaultdict(list)
        for network_id, parent_id in Network.objects.values_list("id", "seeded_from_id"):
            children[parent_id].append(network_id)
        for root in Network.objects.filter(seeded_from__isnull=True):
            walked, stack = set(), list(children[root.id])
            while stack:
                walked.add(node := stack.pop())
                stack.extend(children[node])
            assert set(descendants(root).values_list("id", flat=True)) == walked

    def test_the_orm_reads_every_generated_row(self):
        now = timezone.now()
        people = list(Person.objects.all())
        assert len({p.public_id for p in people}) == TINY.people
        assert all(len(p.public_id) == 16 and set(p.public_id) <= set(ALPHABET)
                   for p in people)
        assert all(isinstance(p.constraints, list) and p.joined_at <= now for p in people)
        assert {p.stage for p in people} >= {"contact", "participant", "organized", "builder"}
        for network in Network.objects.select_related("kind", "seeded_by"):
            assert network.kind.chapter_id is None
            assert (network.seeded_by is None) == (network.seeded_from_id is None)
        assert Counter(Network.objects.values_list("status", flat=True)).keys() == {
            "forming", "active", "dormant", "dissolved"}
        for membership in Membership.objects.select_related("person"):
            assert membership.person.joined_at.date() <= membership.joined_on
        for entry in Contribution.objects.all():
            assert entry.occurred_at <= now and entry.data == {}

    def test_the_ledger_agrees_with_the_tables(self):
        kinds = Counter(Contribution.objects.values_list("kind", flat=True))
        assert kinds[K.SIGNED_UP] == TINY.people
        roots = Network.objects.filter(seeded_from__isnull=True).count()
        assert kinds[K.NETWORK_FORMED] == roots
        assert kinds[K.NETWORK_SEEDED] == TINY.networks - roots
        assert kinds[K.NETWORK_CONVENED] == TINY.networks
        assert kinds[K.NETWORK_JOINED] == Membership.objects.count() - TINY.networks
        assert kinds[K.TASK_DONE] and kinds[K.EVENT_ATTENDED] and kinds[K.OUTREACH]

    def test_the_orm_inserts_after_it_because_the_sequences_moved_on(self):
        chapter = Chapter.objects.create(name="After", slug="after")
        kind = NetworkKind.objects.filter(chapter__isnull=True).first()
        network = Network.objects.create(chapter=chapter, name="New", kind=kind)
        person = Person.objects.create(chapter=chapter, display_name="New")
        Membership.objects.create(network=network, person=person)
        Contribution.objects.create(chapter=chapter, kind=K.SIGNED_UP, person=person)
        assert network.id > TINY.networks and person.id > TINY.people

    def test_it_refuses_a_database_that_is_not_empty(self):
        with pytest.raises(NotEmpty):
            generate(TINY, report=lambda _line: None)
        with pytest.raises(CommandError, match="not empty"):
            call_command("generate", "--people", "100", "--networks", "10", stdout=StringIO())


def test_public_ids_never_repeat():
    import random

    ids = PublicIds(random.Random(3)).take(0, 50_000)
    assert len(set(ids)) == 50_000


def test_chapter_sizes_add_up_exactly_and_styles_alternate():
    import random

    shapes = chapter_shapes(Size(people=1_003, networks=101, chapters=7), random.Random(1))
    assert sum(s.networks for s in shapes) == 101 and sum(s.people for s in shapes) == 1_003
    assert [s.geometric for s in shapes] == [True, True, False, True, True, False, True]


@pytest.mark.django_db
def test_it_refuses_a_ledger_too_small_for_what_it_generates():
    with pytest.raises(ValueError, match="--ledger must be at least"):
        generate(Size(people=500, networks=20, ledger=100, chapters=2),
                 report=lambda _line: None)
