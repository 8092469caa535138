from datetime import date, datetime, timedelta
from threading import Event

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from netweave.core.models import AuditEntry
from netweave.core.worker import Job, Outcome, run_due, run_forever, seconds_to_sleep
from netweave.metrics import definitions as d
from netweave.metrics.models import MetricSnapshot
from netweave.metrics.services import snapshot_backfill, snapshot_take
from netweave.metrics.tests.helpers import AS_OF, net
from netweave.metrics.tests.snapshot_fixture import RIVERSIDE, build_movement

pytestmark = pytest.mark.django_db


@pytest.fixture
def movement():
    return build_movement()


def snapshots(**filters):
    return MetricSnapshot.objects.filter(**filters)


def audits():
    return AuditEntry.objects.filter(action="metrics.snapshot")


def test_a_snapshot_holds_the_hand_checked_headline_numbers(movement):
    assert snapshot_take(chapter_ids=[movement.riverside.id], day=AS_OF) == 1
    row = snapshots().get()
    assert (row.chapter, row.day, row.reconstructed) == (movement.riverside, AS_OF, False)
    assert row.values == RIVERSIDE


def test_snapshot_values_equal_the_metric_functions(movement):
    ids = [movement.riverside.id]
    snapshot_take(day=AS_OF)
    values = snapshots(chapter=movement.riverside).get().values
    quarter = d.reproduction_rate(ids, AS_OF)[-1]
    organized = d.organized_share(ids, AS_OF)
    assert values["active_networks"] == d.active_network_count(ids, AS_OF)
    by_status = d.network_breakdown(ids, AS_OF).by_status
    assert {k: v for k, v in values["networks_by_status"].items() if v} == by_status
    assert (values["quarter_seeded"], values["reproduction_rate"]) == (quarter.seeded,
                                                                       quarter.rate)
    assert values["seeding_share"] == d.seeding_share(ids, AS_OF).share
    assert (values["active_people"], values["organized_share"]) == (organized.active_people,
                                                                     organized.share)
    assert values["isolated_people"] == len(d.isolated_people_ids(ids, AS_OF))
    assert values["deepest_generation"] == d.streams(ids, AS_OF, limit=1)[0].deepest_generation
    assert values["funnel"] == {s.step: s.people for s in d.followup_funnel(ids, AS_OF).total}
    hilltop = snapshots(chapter=movement.hilltop).get().values
    assert hilltop["active_networks"] == d.active_network_count([movement.hilltop.id], AS_OF) == 1


def test_taking_it_again_the_same_day_updates_the_row_instead_of_adding_one(movement):
    snapshot_take(day=AS_OF)
    snapshot_take(day=AS_OF)
    assert snapshots().count() == 2
    net(movement.hilltop, "H2", date(2025, 6, 2))
    assert snapshot_take(day=AS_OF) == 2
    assert snapshots().count() == 2
    assert snapshots(chapter=movement.hilltop).get().values["active_networks"] == 2
    # One audit row per run, none per snapshot row.
    assert audits().count() == 3
    assert audits().first().detail == {"day": "2025-06-15", "rows": 2,
                                      "chapters": [movement.riverside.id, movement.hilltop.id]}


def test_backfill_adds_one_row_per_chapter_and_day_and_keeps_existing_ones(movement):
    first, last = AS_OF - timedelta(days=4), AS_OF
    snapshot_take(chapter_ids=[movement.riverside.id], day=AS_OF - timedelta(days=2))
    kept = snapshots().get()
    assert snapshot_backfill(since=first, until=last) == 2 * 5 - 1
    assert snapshots().count() == 10
    assert sorted({r.day for r in snapshots()}) == [first + timedelta(days=i) for i in range(5)]
    again = snapshots().get(pk=kept.pk)
    assert (again.reconstructed, again.taken_at) == (False, kept.taken_at)
    assert snapshots(reconstructed=True).count() == 9
    assert snapshot_backfill(since=first, until=last) == 0
    assert audits().count() == 3
    assert audits().first().target == "backfill"


def test_a_backfilled_day_is_the_metric_functions_on_that_day(movement):
    snapshot_backfill(chapter_ids=[movement.riverside.id], since=AS_OF, until=AS_OF)
    assert snapshots().get().values == RIVERSIDE
    snapshot_backfill(chapter_ids=[movement.riverside.id], since=date(2025, 5, 1),
                      until=date(2025, 5, 1))
    may = snapshots(day=date(2025, 5, 1)).get().values
    assert may["active_networks"] == d.active_network_count([movement.riverside.id],
                                                            date(2025, 5, 1))


def test_backfill_every_n_days_and_from_the_first_day_of_history(movement):
    assert snapshot_backfill(chapter_ids=[movement.hilltop.id], until=date(2025, 6, 30),
                             every_days=7) == 5  # 06-01 (its network's start), 08, 15, 22, 29
    assert [r.day.day for r in snapshots()] == [1, 8, 15, 22, 29]
    with pytest.raises(ValueError):
        snapshot_backfill(every_days=0)


def test_the_snapshot_command_takes_today_for_the_chapter_named(movement):
    call_command("snapshot", "--chapter", "hilltop")
    row = snapshots().get()
    assert (row.chapter, row.day) == (movement.hilltop, timezone.localdate())


def test_the_snapshot_command_backfills_from_since(movement):
    call_command("snapshot", "--backfill", "--since", "2025-06-10", "--until", "2025-06-12")
    assert snapshots().count() == 6


@pytest.mark.parametrize("args", [
    ["--chapter", "nowhere"], ["--since", "2025-01-01"], ["--backfill", "--since", "June"],
    ["--backfill", "--since", "2025-06-02", "--until", "2025-06-01"],
])
def test_the_snapshot_command_refuses_bad_input_and_writes_nothing(movement, args):
    with pytest.raises(CommandError):
        call_command("snapshot", *args)
    assert not snapshots().exists()


def test_worker_once_takes_todays_snapshot_when_missing_then_has_nothing_to_do(movement, capsys):
    call_command("worker", "--once")
    today = timezone.localdate()
    assert set(snapshots().values_list("chapter__slug", "day")) == {
        ("riverside", today), ("hilltop", today)}
    assert "snapshot of 2 chapters" in capsys.readouterr().out
    call_command("worker", "--once")
    assert "nothing due" in capsys.readouterr().out
    assert snapshots().count() == 2


def test_a_failing_job_is_reported_and_the_others_still_run(db):
    def broken(today):
        raise RuntimeError("boom")

    jobs = [Job("broken", lambda t: True, broken), Job("fine", lambda t: True, lambda t: "ok"),
            Job("idle", lambda t: False, broken)]
    assert run_due(jobs, AS_OF) == [Outcome("broken", False, "RuntimeError: boom"),
                                    Outcome("fine", True, "ok")]


def test_the_loop_runs_due_jobs_until_told_to_stop(db, monkeypatch):
    # Closing the connection would end the test's transaction; the loop itself never runs in one.
    monkeypatch.setattr("netweave.core.worker.close_old_connections", lambda: None)
    stop, seen = Event(), []

    def run(today):
        stop.set()  # as SIGTERM would
        return "done"

    run_forever([Job("once", lambda t: True, run)], stop, seen.append)
    assert seen == [Outcome("once", True, "done")]


def test_the_loop_sleeps_until_midnight_but_never_longer_than_an_hour():
    late = timezone.make_aware(datetime(2025, 6, 15, 23, 30))
    early = timezone.make_aware(datetime(2025, 6, 15, 1, 0))
    assert seconds_to_sleep(late) == 1800
    assert seconds_to_sleep(early) == 3600

