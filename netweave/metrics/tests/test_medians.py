"""The funnel's medians, read from PersonFunnel per day of delay, are the exact medians."""

from __future__ import annotations

import random
from datetime import date, timedelta
from statistics import median

import pytest

from netweave.metrics import facts
from netweave.metrics.common import day_start
from netweave.metrics.models import PersonFunnel
from netweave.metrics.tests.helpers import at, chapter, person

pytestmark = pytest.mark.django_db

JOINED = date(2025, 3, 1)
DAY_US = 86400 * 10**6


def funnel_rows(ch, delays: list[tuple[str, int | None, int | None]]) -> None:  # noqa: ANN001
    """One person per (source, contacted delay, convening delay), in microseconds."""
    rows = []
    for i, (source, contacted, convening) in enumerate(delays):
        who = person(ch, f"P{i}", JOINED)
        row = PersonFunnel(person_id=who.pk, chapter_id=ch.pk, joined_at=at(JOINED),
                           source=source)
        for step, us in (("contacted", contacted), ("convening", convening)):
            if us is not None:
                setattr(row, f"{step}_at", at(JOINED) + timedelta(microseconds=us))
                setattr(row, f"{step}_us", us)
        rows.append(row)
    facts.flush()
    PersonFunnel.objects.all().delete()
    PersonFunnel.objects.bulk_create(rows)


def medians_of(ch) -> dict:  # noqa: ANN001
    return facts._medians([ch.pk], day_start(JOINED), day_start(date(2026, 1, 1)))


def test_the_medians_are_exact_with_odd_and_even_counts_ties_and_crowded_days():
    ch = chapter()
    rng = random.Random(3)  # noqa: S311 - test data
    delays = []
    for i in range(41):
        # Most on a few days (the middle ones share a day), some far out, some exactly equal.
        day = rng.choice([0, 0, 1, 1, 1, 2, 30, 200])
        contacted = day * DAY_US + rng.randrange(DAY_US) if i % 7 else 3 * DAY_US // 2
        convening = None if i % 3 else contacted + rng.randrange(40 * DAY_US)
        delays.append(("event" if i % 2 else "referral", contacted, convening))
    funnel_rows(ch, delays)

    def want(step: int, source: str | None) -> float:
        values = [d[step] for d in delays if d[step] is not None
                  and (source is None or d[0] == source)]
        return float(median(v / DAY_US for v in values))

    got = medians_of(ch)
    for source in ("event", "referral", None):
        assert got["contacted", source] == pytest.approx(want(1, source), abs=1e-9)
        assert got["convening", source] == pytest.approx(want(2, source), abs=1e-9)
    assert ("first_task", None) not in got


def test_two_people_a_year_apart_have_the_mean_of_their_delays():
    ch = chapter()
    funnel_rows(ch, [("event", 0, None), ("event", 300 * DAY_US, None)])
    assert medians_of(ch) == {("contacted", "event"): 150.0, ("contacted", None): 150.0}
