"""The dashboard's counts (metrics.facts) say what the metric definitions say.

The reference is the dashboard computed from the tables by the definitions themselves
(growth_dashboard_from_tables); the counts, kept write by write, must agree with it on any day,
after any series of writes in any order, and agree with a rebuild from scratch.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core.models import Place
from netweave.events.models import Event
from netweave.metrics import facts
from netweave.metrics.dashboard import (
    GrowthDashboard,
    growth_dashboard_from_counts,
    growth_dashboard_from_tables,
)
from netweave.metrics.models import ChapterCount, OwnerFacts, PersonFunnel
from netweave.metrics.tests.helpers import K, at, chapter, entry, member, net, person
from netweave.networks.models import Membership, Network, NetworkLink

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)


def numbers(d: GrowthDashboard) -> tuple:
    """Everything on the dashboard that the counts feed (the rest is computed the same way
    from the same inputs)."""
    survival = d.forecast.survival if d.forecast else None
    return (d.active_networks, d.breakdown, d.reproduction, d.seeding, d.organized, d.isolated,
            d.funnel,
            d.generations, d.health, d.series, d.coverage,
            survival and (survival.cohort, survival.still_active))


def assert_counts_agree(chapter_id: int, days: list[date]) -> None:
    assert facts.verify([chapter_id]) == 0
    for day in days:
        assert numbers(growth_dashboard_from_counts([chapter_id], day)) == \
            numbers(growth_dashboard_from_tables([chapter_id], day)), day


def test_runs_of_days_union_intersect_and_subtract():
    assert facts.union([(5, 9), (1, 3), (4, 4), (12, 20)]) == [(1, 9), (12, 20)]
    assert facts.intersect([(1, 9), (12, 20)], [(8, 13)]) == [(8, 9), (12, 13)]
    assert facts.without([(1, 20)], [(3, 4), (10, facts.OPEN)]) == [(1, 2), (5, 9)]
    assert facts.where([10, 20], lambda d: 10 <= d < 20) == [(10, 19)]


def test_a_network_counts_as_active_from_its_start_for_the_window():
    ch = chapter()
    n = net(ch, "N", START, place=Place.objects.create(chapter=ch, name="Harbour"))
    counts = facts.counts_on([ch.id], START + timedelta(days=90))
    assert counts["active"] == 1
    assert counts[f"kind:{n.kind_id}"] == 1
    assert counts[f"place:{n.place_id}"] == 1
    assert "active" not in facts.counts_on([ch.id], START + timedelta(days=91))
    assert "active" not in facts.counts_on([ch.id], START - timedelta(days=1))


def test_a_dormant_network_leaves_the_counts_and_its_members_are_no_longer_organized():
    ch = chapter()
    n = net(ch, "N", START)
    p = person(ch, "P", START)
    member(n, p, START)
    entry(ch, K.TASK_DONE, START + timedelta(days=10), person=p, network=n)
    day = START + timedelta(days=20)
    assert facts.counts_on([ch.id], day)["p:organized"] == 1
    n.status = Network.Status.DORMANT
    n.save()
    counts = facts.counts_on([ch.id], day)
    assert "active" not in counts and "p:organized" not in counts
    assert counts["p:active"] == 1
    assert_counts_agree(ch.id, [day])


def test_seeding_a_network_makes_its_parent_a_seeding_network_for_a_year():
    ch = chapter()
    parent = net(ch, "Parent", START)
    entry(ch, K.TASK_DONE, START + timedelta(days=80), network=parent)
    child = net(ch, "Child", START + timedelta(days=60), parent=parent)
    assert facts.counts_on([ch.id], START + timedelta(days=60))["seeding"] == 1
    assert "seeding" not in facts.counts_on([ch.id], START + timedelta(days=59))
    child.delete()
    assert "seeding" not in facts.counts_on([ch.id], START + timedelta(days=60))
    assert facts.verify([ch.id]) == 0


def test_deleting_a_person_takes_them_out_of_the_counts():
    ch = chapter()
    p = person(ch, "P", START)
    entry(ch, K.OUTREACH, START, person=p)
    assert facts.counts_on([ch.id], START)["p:active"] == 1
    p.delete()
    assert "p:active" not in facts.counts_on([ch.id], START)
    facts.flush()
    assert not OwnerFacts.objects.filter(kind=facts.PERSON).exists()


def test_rebuild_reproduces_what_was_kept_write_by_write():
    ch = chapter()
    a = net(ch, "A", START)
    b = net(ch, "B", START + timedelta(days=30), parent=a)
    people = [person(ch, f"P{i}", START) for i in range(4)]
    for i, p in enumerate(people):
        member(a, p, START + timedelta(days=i), role=Membership.Role.CONVENER if i == 0
               else Membership.Role.MEMBER)
        entry(ch, K.TASK_DONE, START + timedelta(days=10 * i), person=p, network=a)
    NetworkLink.objects.create(from_network=a, to_network=b)

    def stored() -> tuple:
        facts.flush()  # what was written in this (test) transaction is counted at its end
        return (sorted(OwnerFacts.objects.values_list("kind", "owner_id", "facts"),
                       key=lambda r: r[:2]),
                sorted(ChapterCount.objects.exclude(delta=0).values_list("key", "day", "delta")))

    kept = stored()
    facts.rebuild([ch.id])
    assert stored() == kept
    assert_counts_agree(ch.id, [START + timedelta(days=d) for d in (0, 45, 120, 200)])


# --- Any series of writes ----------------------------------------------------------------------

ROLES = [Membership.Role.MEMBER, Membership.Role.CONVENER]
STATUSES = [Network.Status.ACTIVE, Network.Status.FORMING, Network.Status.DORMANT]
writes = st.lists(
    st.one_of(
        # a ledger entry: kind, day, network (3: none), person (4: none), studied
        st.tuples(st.just("entry"), st.sampled_from([K.TASK_DONE, K.OUTREACH, K.FOLLOWED_UP,
                                                      K.RESOURCE_ENGAGED, K.EVENT_ATTENDED]),
                  st.integers(0, 400), st.integers(0, 3), st.integers(0, 4), st.booleans()),
        # a membership: network, person, role, joined, days until left (0: still there)
        st.tuples(st.just("join"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 1),
                  st.integers(0, 300), st.integers(0, 200)),
        # a membership ends (the n-th one made so far)
        st.tuples(st.just("leave"), st.integers(0, 20), st.integers(0, 400)),
        st.tuples(st.just("status"), st.integers(0, 2), st.sampled_from(STATUSES)),
        st.tuples(st.just("link"), st.integers(0, 2), st.integers(0, 2), st.integers(0, 400)),
        st.tuples(st.just("discussion"), st.integers(0, 2), st.integers(0, 400)),
        st.tuples(st.just("start"), st.integers(0, 2), st.integers(0, 300)),
    ),
    max_size=20,
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=writes, starts=st.lists(st.integers(0, 300), min_size=3, max_size=3))
def test_the_counts_agree_with_the_definitions_after_any_writes(ops, starts):
    with transaction.atomic():
        ch = chapter("any")
        place = Place.objects.create(chapter=ch, name="Harbour", is_target=True,
                                     target_networks=2)
        root = net(ch, "N0", START + timedelta(days=min(starts)), place=place)
        networks = [root, net(ch, "N1", START + timedelta(days=starts[1]), parent=root,
                              social_grouping="classmates"),
                    net(ch, "N2", START + timedelta(days=max(starts)), parent=root,
                        status=Network.Status.FORMING)]
        people = [person(ch, f"P{i}", START + timedelta(days=10 * i)) for i in range(4)]
        memberships: list[Membership] = []
        for op, *args in ops:
            if op == "entry":
                kind, day, n, p, study = args
                entry(ch, kind, START + timedelta(days=day),
                      network=networks[n] if n < 3 else None,
                      person=people[p] if p < 4 else None,
                      subject_person=people[p] if kind == K.FOLLOWED_UP and p < 4 else None,
                      data={"playbook": "read-and-reflect", "to": "met"} if study else {})
            elif op == "join":
                n, p, role, joined, stay = args
                if not stay and any(m.network == networks[n] and m.person == people[p]
                                    and m.left_on is None for m in memberships):
                    continue  # one current membership per person and network (a constraint)
                memberships.append(member(
                    networks[n], people[p], START + timedelta(days=joined), role=ROLES[role],
                    left=START + timedelta(days=joined + stay) if stay else None))
            elif op == "leave" and args[0] < len(memberships):
                m = memberships[args[0]]
                m.left_on = max(m.joined_on + timedelta(days=1), START + timedelta(days=args[1]))
                m.save(update_fields=["left_on"])
            elif op == "status":
                network = networks[args[0]]
                network.status = args[1]
                network.save()
            elif op == "link" and args[0] != args[1]:
                low, high = sorted((networks[args[0]], networks[args[1]]), key=lambda n: n.pk)
                NetworkLink.objects.get_or_create(
                    from_network=low, to_network=high,
                    defaults={"created_at": at(START + timedelta(days=args[2]))})
            elif op == "discussion":
                Event.objects.create(chapter=ch, title="Talk", kind=Event.Kind.DISCUSSION,
                                     host_network=networks[args[0]],
                                     starts_at=at(START + timedelta(days=args[1])))
            elif op == "start":
                network = networks[args[0]]
                network.started_on = START + timedelta(days=args[1])
                network.save()
        assert_counts_agree(ch.id, [START + timedelta(days=d) for d in range(0, 700, 97)])
        transaction.set_rollback(True)


def test_the_dashboard_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    ch = chapter()
    for i in range(5):
        n = net(ch, f"N{i}", START + timedelta(days=i))
        member(n, person(ch, f"P{i}", START), START)
        entry(ch, K.TASK_DONE, START + timedelta(days=i), network=n)
    facts.flush()  # the writes above are counted at their transaction's end, not in the reads
    with django_assert_max_num_queries(15):
        growth_dashboard_from_counts([ch.id], timezone.localdate())


def test_the_daily_job_builds_the_counts_of_a_chapter_that_has_none():
    ch = chapter()
    n = net(ch, "N", START)
    member(n, person(ch, "P", START), START)
    expected = facts.counts_on([ch.id], START)
    for model in (OwnerFacts, ChapterCount, PersonFunnel):  # as after an upgrade
        model.objects.all().delete()
    assert facts.counts_on([ch.id], START) == {}
    assert facts.rebuild_missing() == [ch.id]
    assert facts.counts_on([ch.id], START) == expected
    assert facts.rebuild_missing() == []  # kept from now on, never rebuilt again
