import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from netweave.metrics.headline import KEYS, growth_points, headline_growth
from netweave.metrics.models import MetricSnapshot
from netweave.metrics.report import csv_header
from netweave.metrics.tests.helpers import AS_OF, chapter, net
from netweave.metrics.tests.snapshot_fixture import RIVERSIDE, build_movement

pytestmark = pytest.mark.django_db


@pytest.fixture
def movement():
    return build_movement()


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def line(text: str, label: str) -> list[str]:
    """The cells of the table row with this label."""
    row = next(r for r in text.splitlines() if r.startswith(label + "  "))
    return row[len(label):].split()


def test_the_text_report_has_a_column_per_chapter_and_the_numbers(movement):
    text = report()
    assert "as of 2025-06-15" in text
    assert line(text, "") == ["hilltop", "riverside"]
    assert line(text, "Active networks") == ["1", "2"]
    assert line(text, "Organized share") == ["-", "50.0%"]
    assert line(text, "Reproduction rate") == ["-", "1.00"]
    assert line(text, "Funnel: signed up") == ["0", "4"]
    # Hilltop: one month of networks; Riverside: 1, 2, then 3 networks over a year.
    assert line(text, "Growth") == ["too", "little", "data", "incremental"]
    assert not MetricSnapshot.objects.exists()  # read from the metric functions


def test_the_text_report_aligns_its_columns(movement):
    rows = [r for r in report().splitlines()[3:] if r]
    assert len({len(r) for r in rows}) == 1


def test_the_report_covers_only_the_chapters_named_in_that_order(movement):
    text = report("--chapter", "riverside")
    assert line(text, "") == ["riverside"]
    assert "hilltop" not in text


def test_json_has_stable_keys_and_the_hand_checked_values(movement):
    data = json.loads(report("--json", "--chapter", "riverside", "--chapter", "hilltop"))
    assert set(data) == {"as_of", "chapters", "growth_months"}
    assert [c["slug"] for c in data["chapters"]] == ["riverside", "hilltop"]
    riverside = data["chapters"][0]
    assert set(riverside) == {"slug", "name", "values", "growth"}
    assert riverside["values"] == RIVERSIDE
    assert set(riverside["growth"]) == {"verdict", "doubling_time_days", "points", "evidence"}
    assert set(data["chapters"][1]["values"]) == {"schema", *KEYS}


def test_csv_has_the_fixed_header_and_one_row_per_chapter(movement):
    rows = list(csv.reader(io.StringIO(report("--csv"))))
    assert rows[0] == csv_header()
    assert [r[0] for r in rows[1:]] == ["hilltop", "riverside"]
    riverside = dict(zip(rows[0], rows[2], strict=True))
    assert riverside["active_networks"] == "2"
    assert riverside["networks_by_status.dormant"] == "1"
    assert riverside["funnel.in_network"] == "1"
    assert riverside["seeding_share"] == "0.5"
    assert dict(zip(rows[0], rows[1], strict=True))["organized_share"] == ""


def test_an_unknown_chapter_is_refused_by_name(movement):
    with pytest.raises(CommandError, match="Unknown chapter: nowhere"):
        report("--chapter", "riverside", "--chapter", "nowhere")


def test_json_and_csv_cannot_be_asked_for_together(movement):
    with pytest.raises(CommandError):
        report("--json", "--csv")


def test_a_fresh_database_reports_no_chapters(db):
    assert json.loads(report("--json"))["chapters"] == []
    assert list(csv.reader(io.StringIO(report("--csv")))) == [csv_header()]


@pytest.fixture
def doubling():
    """Networks started double every month: 1, 2, 4, 8, 16, 32 by mid-June 2025."""
    ch = chapter("doubling")
    for month in range(1, 7):
        for i in range(2 ** (month - 2) if month > 1 else 1):
            net(ch, f"N{month}-{i}", date(2025, month, 1))
    return ch


def test_growth_uses_monthly_cumulative_networks_from_the_first_network_on(doubling):
    points = growth_points([doubling.id], AS_OF)
    assert points == [(date(2025, 1, 31), 1.0), (date(2025, 2, 28), 2.0),
                      (date(2025, 3, 31), 4.0), (date(2025, 4, 30), 8.0),
                      (date(2025, 5, 31), 16.0), (AS_OF, 32.0)]


def test_the_report_gives_the_growth_verdict_with_its_doubling_time(doubling):
    growth = headline_growth([doubling.id], AS_OF)
    assert growth["verdict"] == "geometric" and growth["points"] == 6
    assert 20 < growth["doubling_time_days"] < 40
    text = report("--chapter", "doubling")
    assert line(text, "Growth") == ["geometric"]
    assert line(text, "Doubling time") == [f"{growth['doubling_time_days']:.0f}", "days"]
