"""Growth pages: who may see them, what the dashboard says for a chapter whose networks double
each month and for one that adds them one by one, the exports, and a fixed query count."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from netweave.core.models import AuditEntry, Chapter, ChapterRole, Contribution, Place
from netweave.core.testing import make_network, make_person
from netweave.metrics import facts
from netweave.metrics.dashboard import (
    FORECAST_RUNS,
    add_months,
    growth_comparison_for,
    growth_dashboard_for,
    growth_map_for,
)
from netweave.metrics.forecast import PoissonOffspring, critical_mass
from netweave.networks.models import Network
from netweave.networks.selectors import chapter_lineage_for

pytestmark = pytest.mark.django_db

MONTH_DAYS = 365.2425 / 12


def month_start(months_ago: int) -> date:
    return add_months(timezone.localdate().replace(day=1), -months_ago)


def grow(chapter: Chapter, totals: list[int], *, seed: bool = True) -> list[Network]:
    """Networks started on the first of each month so that the cumulative count follows
    `totals` (oldest month first, the last one is the current month); new networks are seeded
    from earlier ones when `seed`."""
    made: list[Network] = []
    for k, total in enumerate(totals):
        day = month_start(len(totals) - 1 - k)
        for _ in range(total - len(made)):
            parent = made[len(made) // 2] if seed and made else None
            made.append(make_network(chapter, f"N{len(made)}", parent=parent, started_on=day))
    return made


def geometric(chapter: Chapter) -> list[Network]:
    """128 networks that double every month (30.44 days) as a continuous curve: the n-th
    starts log2(n) months after the first, and the last today, each seeded from an earlier
    one. Not month by month: the curve's last point is today, a few days or a whole month
    after the last month's end, and a batch on the 1st would double within those few days."""
    today = timezone.localdate()
    made: list[Network] = []
    for n in range(1, 129):
        day = today - timedelta(days=round(MONTH_DAYS * (7 - math.log2(n))))
        parent = made[len(made) // 2] if made else None
        made.append(make_network(chapter, f"N{len(made)}", parent=parent, started_on=day))
    return made


def started_by(networks: list[Network], day: date) -> int:
    return sum(1 for n in networks if n.started_on <= day)


def incremental(chapter: Chapter) -> list[Network]:
    return grow(chapter, [3 * (k + 1) for k in range(8)], seed=False)  # 3 more each month


def fresh_chapter() -> Chapter:
    return Chapter.objects.create(name="Lakeside", slug="lakeside")


def rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- Access -------------------------------------------------------------------------------------


ROUTES = ["/growth/", "/growth/chapters/", "/growth/map/", "/growth/export/funnel.csv"]


@pytest.mark.parametrize("url", ROUTES)
def test_an_organizer_and_an_admin_see_the_growth_pages(world, client, url):
    for user in (world.alice, world.admin):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ROUTES)
def test_members_and_conveners_are_refused_and_anonymous_goes_to_login(world, client, url):
    for user in (world.bob, world.carol, world.dave):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/growth/", "/growth/map/", "/growth/export/isolated.csv"])
def test_it_hides_another_chapter_from_its_organizer(world, client, url):
    client.force_login(world.charlie)
    before = AuditEntry.objects.count()
    assert client.get(f"{url}?chapter={world.chapter.public_id}").status_code == 404
    assert AuditEntry.objects.count() == before


def test_the_selector_refuses_chapters_outside_the_actors(world):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    today = timezone.localdate()
    with pytest.raises(Http404):
        growth_dashboard_for(world.charlie, [world.chapter.id], today)
    with pytest.raises(PermissionDenied):
        growth_dashboard_for(world.carol, [world.chapter.id], today)


def test_the_comparison_lists_only_the_viewers_chapters(world, client):
    client.force_login(world.alice)
    page = client.get("/growth/chapters/").content.decode()
    assert "Riverside" in page and "Hilltop" not in page
    client.force_login(world.admin)
    page = client.get("/growth/chapters/").content.decode()
    assert "Riverside" in page and "Hilltop" in page


def test_the_menu_links_to_growth_for_organizers_only(world, client):
    client.force_login(world.alice)
    assert 'href="/growth/"' in client.get("/").content.decode()
    client.force_login(world.bob)
    assert 'href="/growth/"' not in client.get("/").content.decode()


# --- The verdict -------------------------------------------------------------------------------


def test_the_dashboard_says_geometric_for_networks_that_double_each_month(world, client):
    chapter = fresh_chapter()
    made = geometric(chapter)
    client.force_login(world.admin)
    response = client.get(f"/growth/?chapter={chapter.public_id}")
    page = response.content.decode()
    assert "Geometric growth" in page and "doubles about every" in page
    d = response.context["d"]
    assert d.verdict.kind == "geometric"
    assert 25 < d.verdict.doubling_time_days < 37  # a month
    assert [p[1] for p in d.points] == [started_by(made, day) for day, _ in d.points]
    assert d.points[-1][1] == 128
    assert d.deepest_generation >= 5
    assert "<svg" in page and "Generation 1" in page


def test_the_dashboard_says_incremental_for_networks_added_one_by_one(world, client):
    chapter = fresh_chapter()
    incremental(chapter)
    client.force_login(world.admin)
    response = client.get(f"/growth/?chapter={chapter.public_id}")
    assert "Incremental growth" in response.content.decode()
    assert response.context["d"].verdict.kind == "incremental"
    assert response.context["d"].deepest_generation == 1


def test_the_forecast_answers_when_the_active_count_doubles(world):
    chapter = fresh_chapter()
    geometric(chapter)
    d = growth_dashboard_for(world.admin, [chapter.id], timezone.localdate())
    assert d.forecast is not None
    assert d.forecast.target == 2 * d.active_networks
    assert d.forecast.seeding_per_month > 0
    assert d.forecast.reach.median_period is not None
    assert d.forecast.median_month == d.forecast.months[d.forecast.reach.median_period]


def test_a_chosen_target_is_forecast(world, client):
    client.force_login(world.alice)
    response = client.get(f"/growth/?chapter={world.chapter.public_id}&target=7")
    assert response.context["d"].forecast.target == 7
    response = client.get(f"/growth/?chapter={world.chapter.public_id}&target=-3")
    assert response.context["d"].forecast.target == 2 * response.context["d"].active_networks


def test_the_comparison_agrees_with_each_chapters_dashboard(world):
    lakeside = fresh_chapter()
    geometric(lakeside)
    today = timezone.localdate()
    compared = {r.chapter.pk: r for r in growth_comparison_for(world.admin, today)}
    assert len(compared) == 3
    for chapter in (world.chapter, world.other_chapter, lakeside):
        d = growth_dashboard_for(world.admin, [chapter.pk], today)
        row = compared[chapter.pk]
        assert row.active_networks == d.active_networks
        assert row.reproduction_rate == d.reproduction_pooled
        assert row.verdict.kind == d.verdict.kind
        assert row.doubling_time_days == d.verdict.doubling_time_days
        assert row.organized_share == d.organized.share
        assert row.deepest_generation == d.deepest_generation


# --- The map -----------------------------------------------------------------------------------


def test_the_map_shows_every_stream_of_the_chapter(world, client):
    child = make_network(world.chapter, "Eastside youth", parent=world.network)
    make_network(world.chapter, "Eastside school", parent=child)
    client.force_login(world.alice)
    page = client.get("/growth/map/").content.decode()
    for name in ("Eastside distribution", "Eastside youth", "Eastside school",
                 "Campus discussion"):
        assert name in page
    assert "Hilltop tables" not in page
    m = growth_map_for(world.alice, world.chapter.id)
    assert m.per_generation == [(1, 2), (2, 1), (3, 1)] and not m.truncated


def test_the_map_keeps_the_shape_of_branches_without_their_names(world):
    child = make_network(world.chapter, "Eastside youth", parent=world.network)
    streams = chapter_lineage_for(world.carol, world.chapter.id)  # carol convenes Eastside
    by_root = {n.generation: n for n in streams}
    assert len(streams) == 2 and set(by_root) == {1}
    hidden = [n for n in streams if not n.visible]
    assert len(hidden) == 1 and hidden[0].name == "" and hidden[0].public_id == ""
    mine = next(n for n in streams if n.visible)
    assert mine.name == "Eastside distribution" and mine.children[0].id == child.id


def test_the_map_says_when_it_shows_only_the_first_networks(world):
    m = growth_map_for(world.alice, world.chapter.id, max_nodes=1)
    assert m.truncated and m.shown == 1


# --- Exports -----------------------------------------------------------------------------------


def test_a_csv_export_has_headers_and_rows_and_is_audited(world, client):
    make_network(world.chapter, "Eastside youth", parent=world.network)
    client.force_login(world.alice)
    response = client.get(f"/growth/export/generations.csv?chapter={world.chapter.public_id}")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert rows(response) == [["generation", "networks", "active"], ["1", "2", "2"],
                              ["2", "1", "1"]]
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.chapter_id, entry.target) == (
        world.alice, world.chapter.id, "growth/generations")
    assert entry.detail["format"] == "csv" and entry.detail["rows"] == 2


@pytest.mark.parametrize("table", ["networks_over_time", "reproduction", "generations", "funnel",
                                   "health", "coverage", "isolated"])
def test_every_table_exports_as_json(world, client, table):
    client.force_login(world.admin)
    response = client.get(f"/growth/export/{table}.json?chapter={world.chapter.public_id}")
    data = json.loads(response.content)
    assert data["table"] == table and data["chapter"] == world.chapter.public_id
    assert all(list(row) == data["columns"] for row in data["rows"])
    csv_rows = rows(client.get(f"/growth/export/{table}.csv?chapter={world.chapter.public_id}"))
    assert csv_rows[0] == data["columns"] and len(csv_rows) == len(data["rows"]) + 1
    assert AuditEntry.objects.filter(action="export", target=f"growth/{table}").count() == 2


def test_the_coverage_export_counts_the_target_place(world, client):
    client.force_login(world.alice)
    data = json.loads(client.get("/growth/export/coverage.json").content)
    # Riverside seeds nothing: its one network there never reaches the target of 3.
    assert data["rows"] == [{"place": "Eastside", "target_networks": 3, "active_networks": 1,
                             "covered": True, "progress": 0.3333, "critical_mass_month": None,
                             "critical_mass_probability": 0.0}]


def test_the_isolated_export_names_people_and_defuses_formulas(world, client):
    loner = make_person(world.chapter, "=HYPERLINK(1)")
    when = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(40), time(12)))
    Contribution.objects.create(chapter=world.chapter, kind=Contribution.Kind.TASK_DONE,
                                person=loner, occurred_at=when)
    client.force_login(world.alice)
    got = rows(client.get("/growth/export/isolated.csv"))
    assert got == [["person_id", "name", "first_action"],
                   [loner.public_id, "'=HYPERLINK(1)", when.date().isoformat()]]
    assert client.get("/growth/").context["d"].isolated == 1


def test_an_unknown_table_or_format_is_not_found(world, client):
    client.force_login(world.alice)
    assert client.get("/growth/export/people.csv").status_code == 404
    assert client.get("/growth/export/funnel.xlsx").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


# --- Queries -----------------------------------------------------------------------------------


def queries_for(client, url: str) -> int:  # noqa: ANN001
    # Outside a test, the writes above were counted when their transaction committed; here
    # they are all in the test's one transaction, so count them before the page's queries.
    facts.flush()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/growth/", "/growth/chapters/", "/growth/map/",
                                 "/growth/export/funnel.csv", "/growth/export/isolated.csv"])
def test_the_query_count_does_not_grow_with_the_networks(world, client, url):
    small = Chapter.objects.create(name="Small", slug="small")
    large = Chapter.objects.create(name="Large", slug="large")
    grow(small, [1, 2, 3, 5])
    grow(large, [5, 10, 20, 40])
    organizer = world.charlie
    ChapterRole.objects.filter(user=organizer).delete()
    ChapterRole.objects.create(user=organizer, chapter=small)
    client.force_login(organizer)
    few = queries_for(client, url)
    ChapterRole.objects.filter(user=organizer).update(chapter=large)
    client.force_login(organizer)
    assert queries_for(client, url) == few


# --- Forecast inputs ---------------------------------------------------------------------------


def test_survival_is_the_share_of_old_networks_still_active_spread_over_six_months(world):
    from netweave.metrics.dashboard import ASSUMED_SURVIVAL, SURVIVAL_MONTHS, survival_estimate

    chapter = fresh_chapter()
    today = timezone.localdate()
    assert survival_estimate([chapter.id], today).estimated is False
    assert survival_estimate([chapter.id], today).per_month == ASSUMED_SURVIVAL
    old = month_start(8)
    kept = make_network(chapter, "Kept", started_on=old)
    make_network(chapter, "Stopped", started_on=old, status=Network.Status.DORMANT)
    make_network(chapter, "Young", started_on=today)  # too young to judge
    Contribution.objects.create(chapter=chapter, kind=Contribution.Kind.TASK_DONE, network=kept,
                                occurred_at=timezone.now())
    s = survival_estimate([chapter.id], today)
    assert (s.cohort, s.still_active, s.estimated) == (2, 1, True)
    assert s.per_month == pytest.approx(0.5 ** (1 / SURVIVAL_MONTHS))


# --- Critical mass per target place ------------------------------------------------------------


def target_place(chapter: Chapter, network: Network, target: int = 4) -> Place:
    """A target place whose one active network is `network`."""
    place = Place.objects.create(chapter=chapter, name="Harbour", is_target=True,
                                 target_networks=target)
    Network.objects.filter(pk=network.pk).update(place=place)
    return place


def test_a_target_place_in_a_geometric_chapter_gets_the_month_it_reaches_critical_mass(
        world, client):
    chapter = fresh_chapter()
    made = geometric(chapter)
    for network in made:  # every network still at work: the old ones count as surviving
        Contribution.objects.create(chapter=chapter, kind=Contribution.Kind.TASK_DONE,
                                    network=network, occurred_at=timezone.now())
    place = target_place(chapter, made[-1])
    today = timezone.localdate()
    d = growth_dashboard_for(world.admin, [chapter.id], today)
    r = d.place_reach[place.pk]
    assert (r.n0, r.target) == (1, 4)
    assert r.reach.median_period is not None and r.reach.median_period > 0
    assert r.median_month == add_months(today.replace(day=1), r.reach.median_period)
    assert 0.5 <= r.reach.probability <= 1
    # The chapter's own rates, as the chapter forecast uses them.
    assert d.forecast is not None
    expected = critical_mass(1, PoissonOffspring(d.forecast.seeding_per_month),
                             d.forecast.survival.per_month, 4, runs=FORECAST_RUNS)
    assert r.reach == expected
    client.force_login(world.admin)
    page = client.get(f"/growth/?chapter={chapter.public_id}").content.decode()
    assert f"around {r.median_month:%B %Y}" in page
    data = json.loads(
        client.get(f"/growth/export/coverage.json?chapter={chapter.public_id}").content)
    assert data["rows"][0]["critical_mass_month"] == r.median_month.isoformat()
    assert data["rows"][0]["critical_mass_probability"] == round(r.reach.probability, 4)


def test_a_target_place_in_a_chapter_that_seeds_nothing_is_not_reached_within_two_years(
        world, client):
    chapter = fresh_chapter()
    made = incremental(chapter)
    place = target_place(chapter, made[-1])
    Place.objects.create(chapter=chapter, name="Dockside", is_target=True, target_networks=2)
    Place.objects.create(chapter=chapter, name="Uptown", is_target=True)  # no target number
    d = growth_dashboard_for(world.admin, [chapter.id], timezone.localdate())
    r = d.place_reach[place.pk]
    assert r.reach.median_period is None and r.median_month is None
    assert r.reach.probability == 0.0
    by_name = {p.name: reach for p, reach in d.coverage_rows}
    assert by_name["Dockside"] is not None and by_name["Dockside"].n0 == 0
    assert by_name["Uptown"] is None
    client.force_login(world.admin)
    page = client.get(f"/growth/?chapter={chapter.public_id}").content.decode()
    assert "not within two years (0% chance)" in page
    assert "no network there to grow from yet" in page and "no target set" in page


def test_a_place_that_has_its_critical_mass_is_not_forecast(world):
    Place.objects.filter(pk=world.place.pk).update(target_networks=1)
    d = growth_dashboard_for(world.alice, [world.chapter.id], timezone.localdate())
    assert d.place_reach == {}
    assert d.coverage_rows == [(d.coverage.places[0], None)]


# --- Who brings people in ----------------------------------------------------------------------


def bring(by, *people):  # noqa: ANN001, ANN201
    from netweave.people.models import Person

    Person.objects.filter(pk__in=[p.pk for p in people]).update(brought_by=by)


def test_the_dashboard_shows_who_brings_people_in(world, client):
    fay = make_person(world.chapter, "Fay")
    bring(world.carol_person, world.bob_person, world.erin, fay)
    bring(world.bob_person, make_person(world.chapter, "Gus"))
    client.force_login(world.alice)
    response = client.get("/growth/")
    page = response.content.decode()
    assert "Who brings people in" in page
    assert f"/people/{world.carol_person.public_id}/" in page
    got = [(r.name, r.brought_in, r.organized) for r in response.context["recruiters"]]
    assert got == [("Carol", 3, 1), ("Bob", 1, 0)]  # of Carol's three, Bob is in a network


def test_the_recruiters_export_counts_and_is_audited(world, client):
    bring(world.carol_person, world.bob_person, world.erin)
    client.force_login(world.alice)
    got = rows(client.get("/growth/export/recruiters.csv"))
    assert got == [["person_id", "name", "brought_in", "in_network"],
                   [world.carol_person.public_id, "Carol", "2", "1"]]
    data = json.loads(client.get("/growth/export/recruiters.json").content)
    assert data["rows"] == [{"person_id": world.carol_person.public_id, "name": "Carol",
                             "brought_in": 2, "in_network": 1}]
    assert AuditEntry.objects.filter(action="export", target="growth/recruiters").count() == 2
    client.force_login(world.charlie)
    url = f"/growth/export/recruiters.csv?chapter={world.chapter.public_id}"
    assert client.get(url).status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_the_recruits(world, client):
    client.force_login(world.alice)
    bring(world.carol_person, *[make_person(world.chapter, f"R{i}") for i in range(3)])
    few = queries_for(client, "/growth/")
    for i in range(10):
        recruiter = make_person(world.chapter, f"Recruiter {i}")
        bring(recruiter, *[make_person(world.chapter, f"S{i}-{j}") for j in range(3)])
    assert queries_for(client, "/growth/") == few
