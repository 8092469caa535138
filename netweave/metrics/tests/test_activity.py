"""The ledger's indexes (metrics.activity) say exactly what the ledger says.

The reference answers here are computed straight from the ledger rows, the way docs/metrics.md
defines them; the indexes must agree with them for any ledger, written in any order.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core.models import Contribution
from netweave.metrics import activity
from netweave.metrics.common import active_network_q, active_networks, active_on_days
from netweave.metrics.models import NetworkSpell, PersonMilestones
from netweave.metrics.people import active_people, isolated_count, isolated_people
from netweave.metrics.tests.helpers import K, at, chapter, entry, member, net, person
from netweave.networks.models import Network

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)
KINDS = [K.TASK_DONE, K.OUTREACH, K.NETWORK_JOINED, K.NETWORK_CONVENED, K.FOLLOWED_UP,
         K.SIGNED_UP, K.EVENT_ATTENDED]


def test_merge_joins_windows_that_overlap_or_touch():
    days = [START, START + timedelta(days=10), START + timedelta(days=101),
            START + timedelta(days=300)]
    assert activity.merge(days) == [
        (START, START + timedelta(days=191)),  # 0+90 = 90, and 101 touches 10+90 = 100
        (START + timedelta(days=300), START + timedelta(days=390)),
    ]


def test_merge_cuts_off_before_the_start():
    days = [START, START + timedelta(days=50)]
    assert activity.merge(days, not_before=START + timedelta(days=20)) == [
        (START + timedelta(days=20), START + timedelta(days=140))
    ]
    assert activity.merge([START], not_before=START + timedelta(days=91)) == []


def test_a_new_network_is_active_for_the_window_after_its_start():
    ch = chapter()
    n = net(ch, "N", START)
    spells = NetworkSpell.objects.filter(network=n, measure="active")
    assert list(spells.values_list("starts_on", "ends_on")) == [
        (START, START + timedelta(days=90))
    ]


def test_an_entry_extends_the_spell_and_a_late_one_starts_another():
    ch = chapter()
    n = net(ch, "N", START)
    entry(ch, K.OUTREACH, START + timedelta(days=60), network=n)
    entry(ch, K.OUTREACH, START + timedelta(days=400), network=n)
    spells = NetworkSpell.objects.filter(network=n, measure="active").order_by("starts_on")
    assert list(spells.values_list("starts_on", "ends_on")) == [
        (START, START + timedelta(days=150)),
        (START + timedelta(days=400), START + timedelta(days=490)),
    ]


def test_a_backdated_entry_joins_two_spells_into_one():
    ch = chapter()
    n = net(ch, "N", START)
    entry(ch, K.OUTREACH, START + timedelta(days=170), network=n)
    assert NetworkSpell.objects.filter(network=n, measure="active").count() == 2
    entry(ch, K.OUTREACH, START + timedelta(days=85), network=n)  # [85, 175] bridges the gap
    spells = NetworkSpell.objects.filter(network=n, measure="active")
    assert list(spells.values_list("starts_on", "ends_on")) == [
        (START, START + timedelta(days=260))
    ]


def test_moving_a_networks_start_moves_its_spells():
    ch = chapter()
    n = net(ch, "N", START)
    n.started_on = START + timedelta(days=300)
    n.save()
    assert list(n.activity_spells.filter(measure="active").values_list("starts_on", "ends_on")) \
        == [(START + timedelta(days=300), START + timedelta(days=390))]
    assert activity.verify() == 0


def test_milestones_keep_the_first_time_of_each_step():
    ch = chapter()
    p = person(ch, "P", START)
    entry(ch, K.TASK_DONE, START + timedelta(days=9), person=p)
    entry(ch, K.TASK_DONE, START + timedelta(days=3), person=p)
    entry(ch, K.FOLLOWED_UP, START + timedelta(days=1), subject_person=p, data={"to": "not_now"})
    m = PersonMilestones.objects.get(person=p)
    assert m.first_task_at == at(START + timedelta(days=3))
    assert m.contacted_at is None  # "not now" is not being reached


def test_rebuild_reproduces_what_was_kept_entry_by_entry():
    ch = chapter()
    n = net(ch, "N", START)
    p = person(ch, "P", START)
    for day in (5, 40, 200, 130):
        entry(ch, K.TASK_DONE, START + timedelta(days=day), person=p, network=n,
              data={"playbook": "discussion-session"})
    kept = activity._stored(None)
    activity.rebuild()
    assert activity._stored(None) == kept
    assert activity.verify() == 0


def test_isolated_count_agrees_with_the_isolated_list():
    ch = chapter()
    n = net(ch, "N", START)
    as_of = START + timedelta(days=200)
    old, young, returning, joined = (person(ch, name, START) for name in "ABCD")
    entry(ch, K.OUTREACH, as_of - timedelta(days=60), person=old)
    entry(ch, K.OUTREACH, as_of - timedelta(days=5), person=young)
    entry(ch, K.OUTREACH, START, person=returning)  # an earlier spell, long over
    entry(ch, K.OUTREACH, as_of - timedelta(days=5), person=returning)
    entry(ch, K.OUTREACH, as_of - timedelta(days=60), person=joined)
    member(n, joined, START)
    assert set(isolated_people([ch.id], as_of)) == {old, returning}
    assert isolated_count([ch.id], as_of) == 2


# --- Any ledger --------------------------------------------------------------------------------


def reference_active_networks(networks, entries, day):  # noqa: ANN001, ANN201
    """Networks active on `day` by the ledger (status aside), from the rows themselves."""
    since = day - timedelta(days=activity.ACTIVE_WINDOW_DAYS)
    found = set()
    for n in networks:
        if n.started_on > day:
            continue
        if since <= n.started_on <= day or any(
            e.network_id == n.id and since <= e.occurred_at.date() <= day for e in entries
        ):
            found.add(n.id)
    return found


def reference_active_people(entries, day):  # noqa: ANN001, ANN201
    since = day - timedelta(days=activity.ACTIVE_WINDOW_DAYS)
    return {e.person_id for e in entries
            if e.person_id and e.kind in activity.ACTIONS and since <= e.occurred_at.date() <= day}


def reference_measure(entries, measure, day):  # noqa: ANN001, ANN201
    since = day - timedelta(days=measure.days)
    return {e.network_id for e in entries
            if e.network_id and measure.counts(e.kind, (e.data or {}).get("playbook"))
            and since <= e.occurred_at.date() <= day}


ledgers = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 400), st.integers(0, 3),
              st.integers(0, 3), st.booleans()),
    max_size=25,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ledgers, starts=st.lists(st.integers(0, 300), min_size=3, max_size=3),
       move=st.one_of(st.none(), st.integers(0, 300)))
def test_the_indexes_agree_with_the_ledger_for_any_ledger(rows, starts, move):
    with transaction.atomic():
        ch = chapter("any")
        networks = [net(ch, f"N{i}", START + timedelta(days=s)) for i, s in enumerate(starts)]
        people = [person(ch, f"P{i}", START) for i in range(3)]
        entries = []
        for kind, day, n, p, study in rows:  # in the drawn order: often back-dated
            entries.append(entry(
                ch, kind, START + timedelta(days=day),
                network=networks[n] if n < 3 else None, person=people[p] if p < 3 else None,
                subject_person=people[p] if kind == K.FOLLOWED_UP and p < 3 else None,
                data={"playbook": "read-and-reflect", "to": "met"} if study else {},
            ))
        if move is not None:
            networks[0].started_on = START + timedelta(days=move)
            networks[0].save()
        networks = list(Network.objects.filter(chapter=ch))
        entries = list(Contribution.objects.filter(chapter=ch))
        assert activity.verify([ch.id]) == 0
        days = [START + timedelta(days=d) for d in range(0, 520, 23)]
        counts = active_on_days([ch.id], days)
        for i, day in enumerate(days):
            expected = reference_active_networks(networks, entries, day)
            assert counts[i] == len(expected)
            assert set(Network.objects.filter(active_network_q(day, use_status=False))
                       .values_list("pk", flat=True)) == expected
            assert set(active_networks([ch.id], day).values_list("pk", flat=True)) == expected
            assert set(active_people([ch.id], day).values_list("pk", flat=True)) == \
                reference_active_people(entries, day)
            # The isolated count is the isolated list, counted another way.
            assert isolated_count([ch.id], day) == isolated_people([ch.id], day).count()
            for measure in activity.NETWORK_MEASURES[1:]:
                assert set(NetworkSpell.objects.filter(
                    measure=measure.name, starts_on__lte=day, ends_on__gte=day,
                ).values_list("network_id", flat=True)) == reference_measure(entries, measure, day)
        transaction.set_rollback(True)
