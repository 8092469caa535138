"""The growth verdict on synthetic series whose true shape is known."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from netweave.metrics.growth import (
    DAYS_PER_MONTH,
    Point,
    fit_exponential,
    fit_linear,
    growth_verdict,
    project,
    to_periods,
)

MONTHS = range(24)
FOUR_MONTHS_IN_DAYS = 4 * DAYS_PER_MONTH  # 121.7475 days


def exponential_series(months: range = MONTHS) -> list[Point]:
    """N = 3 * 2^(t/4): doubles every 4 months."""
    return [(t, 3 * 2 ** (t / 4)) for t in months]


def linear_series(months: range = MONTHS) -> list[Point]:
    """N = 5 + 2t."""
    return [(t, 5 + 2 * t) for t in months]


def test_month_length_convention() -> None:
    assert math.isclose(DAYS_PER_MONTH, 30.436875)
    assert math.isclose(FOUR_MONTHS_IN_DAYS, 121.7475)


def test_exact_exponential_is_geometric_doubling_every_four_months() -> None:
    v = growth_verdict(exponential_series())
    assert v.kind == "geometric"
    assert v.exponential is not None and v.linear is not None
    assert v.exponential.a == pytest.approx(3, rel=1e-9)
    assert v.exponential.r == pytest.approx(math.log(2) / 4, rel=1e-9)
    assert v.doubling_time_days == pytest.approx(FOUR_MONTHS_IN_DAYS, rel=1e-9)
    assert v.exponential_r2 == pytest.approx(1.0)
    assert v.linear_r2 is not None and v.linear_r2 < 0.9
    assert v.exponential.aic < v.linear.aic - 2
    assert any("exponential fit R² 1.00 vs linear" in line for line in v.evidence)
    assert any("doubling every 122 days (4.0 months)" in line for line in v.evidence)


def test_exact_exponential_given_as_dates() -> None:
    start = date(2024, 1, 1)
    days = [(date(2024 + m // 12, m % 12 + 1, 1) - start).days for m in MONTHS]
    points: list[Point] = [
        (start + timedelta(days=d), 3 * 2 ** (d / FOUR_MONTHS_IN_DAYS)) for d in days
    ]
    v = growth_verdict(points)
    assert v.kind == "geometric"
    assert v.doubling_time_days == pytest.approx(FOUR_MONTHS_IN_DAYS, rel=1e-9)


def test_exact_linear_is_incremental() -> None:
    v = growth_verdict(linear_series())
    assert v.kind == "incremental"
    assert v.linear is not None
    assert (v.linear.a, v.linear.b) == (pytest.approx(5), pytest.approx(2))
    assert v.linear_r2 == pytest.approx(1.0)
    assert v.doubling_time_days is None
    assert any("the linear model is better" in line for line in v.evidence)


@pytest.mark.parametrize("seed", range(5))
def test_noisy_exponential_is_geometric(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points: list[Point] = [(t, float(rng.poisson(3 * 2 ** (t / 4)))) for t in MONTHS]
    v = growth_verdict(points)
    assert v.kind == "geometric", v.evidence
    # Poisson noise grows with the count (SD ~13 at the last month), so the late months dominate
    # an unweighted fit; 20% on the doubling time holds for these seeds.
    assert v.doubling_time_days == pytest.approx(FOUR_MONTHS_IN_DAYS, rel=0.2)


@pytest.mark.parametrize("seed", range(5))
def test_noisy_exponential_with_ten_percent_noise_is_geometric(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    points: list[Point] = [
        (t, 3 * 2 ** (t / 4) * (1 + 0.1 * rng.standard_normal())) for t in MONTHS
    ]
    v = growth_verdict(points)
    assert v.kind == "geometric", v.evidence
    assert v.doubling_time_days == pytest.approx(FOUR_MONTHS_IN_DAYS, rel=0.1)


@pytest.mark.parametrize("seed", range(5))
def test_noisy_linear_is_incremental(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points: list[Point] = [
        (t, max(0, round(5 + 2 * t + 2 * rng.standard_normal()))) for t in MONTHS
    ]
    v = growth_verdict(points)
    assert v.kind == "incremental", v.evidence
    assert v.linear is not None and v.linear.b == pytest.approx(2, abs=0.3)


@pytest.mark.parametrize("seed", range(5))
def test_noisy_flat_series_is_incremental(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points: list[Point] = [(t, 10 + int(rng.integers(-2, 3))) for t in MONTHS]
    v = growth_verdict(points)
    assert v.kind == "incremental", v.evidence
    assert v.doubling_time_days is None


def test_exactly_flat_series_is_not_geometric() -> None:
    # One distinct count: the rule says too little data (nothing tells the shapes apart).
    v = growth_verdict([(t, 7) for t in MONTHS])
    assert v.kind == "too little data"
    assert v.doubling_time_days is None


def test_shrinking_series_is_not_geometric() -> None:
    v = growth_verdict([(t, 100 * 0.8**t) for t in range(12)])
    assert v.kind == "incremental"
    assert v.exponential is not None and v.exponential.r == pytest.approx(math.log(0.8))


def test_slow_exponential_is_not_called_geometric_on_noise() -> None:
    # 1% a month over a year is indistinguishable from a straight line under noise.
    rng = np.random.default_rng(7)
    points: list[Point] = [(t, 50 * 1.01**t + rng.normal(0, 2)) for t in range(12)]
    assert growth_verdict(points).kind == "incremental"


def test_leading_zeros_are_allowed() -> None:
    v = growth_verdict([(t, c) for t, c in enumerate([0, 0, 1, 2, 4, 8, 16, 32, 64])])
    assert v.kind == "geometric"
    assert v.doubling_time_days == pytest.approx(DAYS_PER_MONTH, rel=0.05)


@pytest.mark.parametrize(
    "points",
    [
        [],
        [(0, 1), (1, 2), (2, 4)],
        [(0, 1), (1, 2), (2, 1), (3, 2), (4, 2)],
        [(0, 1), (0, 2), (1, 4), (1, 8)],
    ],
    ids=["empty", "three points", "two distinct counts", "two distinct times"],
)
def test_too_little_data(points: list[Point]) -> None:
    v = growth_verdict(points)
    assert v.kind == "too little data"
    assert v.exponential is None and v.linear is None and v.doubling_time_days is None
    assert len(v.evidence) == 1
    with pytest.raises(ValueError):
        project(v, 3)


def test_four_points_with_three_distinct_counts_are_enough() -> None:
    assert growth_verdict([(0, 1), (1, 2), (2, 4), (3, 8)]).kind == "geometric"


@pytest.mark.parametrize("factor", [0.01, 0.5, 10.0, 1000.0])
def test_scaling_counts_changes_neither_verdict_nor_rate(factor: float) -> None:
    rng = np.random.default_rng(3)
    base: list[Point] = [(t, float(rng.poisson(3 * 2 ** (t / 4)))) for t in MONTHS]
    scaled: list[Point] = [(t, factor * float(c)) for t, c in base]
    v, w = growth_verdict(base), growth_verdict(scaled)
    assert v.kind == w.kind == "geometric"
    assert v.exponential is not None and w.exponential is not None
    assert w.exponential.r == pytest.approx(v.exponential.r, rel=1e-6)
    assert w.exponential.a == pytest.approx(factor * v.exponential.a, rel=1e-6)
    assert w.exponential_r2 == pytest.approx(v.exponential_r2, rel=1e-9)
    assert w.linear_r2 == pytest.approx(v.linear_r2, rel=1e-9)


@pytest.mark.parametrize("series", [exponential_series, linear_series])
def test_shifting_time_or_shuffling_points_changes_nothing(series) -> None:  # type: ignore[no-untyped-def]
    points = series()
    shifted: list[Point] = [(float(t) + 100, c) for t, c in points]
    shuffled = list(reversed(points[::2])) + points[1::2]
    v = growth_verdict(points)
    for other in (growth_verdict(shifted), growth_verdict(shuffled)):
        assert other.kind == v.kind
        assert other.exponential is not None and v.exponential is not None
        assert other.exponential.r == pytest.approx(v.exponential.r, rel=1e-9)
        assert other.doubling_time_days == pytest.approx(v.doubling_time_days)


def test_period_length_is_honoured() -> None:
    # Counts per week doubling every 3 weeks: 21 days whatever the unit.
    v = growth_verdict([(w, 2 * 2 ** (w / 3)) for w in range(16)], period_days=7)
    assert v.doubling_time_days == pytest.approx(21, rel=1e-9)


def test_faster_growth_gives_shorter_doubling_time() -> None:
    doubling = []
    for months_to_double in (2, 3, 4, 6, 8):
        v = growth_verdict([(t, 3 * 2 ** (t / months_to_double)) for t in MONTHS])
        assert v.kind == "geometric"
        doubling.append(v.doubling_time_days)
    assert doubling == sorted(doubling)
    assert doubling[0] == pytest.approx(2 * DAYS_PER_MONTH, rel=1e-9)


def test_projection_carries_both_fits_forward() -> None:
    v = growth_verdict(exponential_series(range(12)))
    p = project(v, 4)
    assert p.t == [12, 13, 14, 15]
    assert p.exponential == pytest.approx([3 * 2 ** (t / 4) for t in p.t], rel=1e-8)
    assert v.linear is not None
    assert p.linear == pytest.approx([v.linear.a + v.linear.b * t for t in p.t])
    lin = project(growth_verdict(linear_series(range(10))), 2)
    assert lin.linear == pytest.approx([25, 27])


def test_fits_agree_with_numpy_polyfit_for_a_line() -> None:
    rng = np.random.default_rng(11)
    t = np.arange(20, dtype=float)
    y = 4 + 1.5 * t + rng.normal(0, 1, 20)
    fit = fit_linear(t, y)
    b, a = np.polyfit(t, y, 1)
    assert (fit.a, fit.b) == (pytest.approx(a), pytest.approx(b))


def test_exponential_fit_minimises_rss_on_the_original_scale() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(18, dtype=float)
    y = 2 * np.exp(0.2 * t) + rng.normal(0, 3, 18)
    fit = fit_exponential(t, y)
    for da, dr in [(1e-3, 0), (-1e-3, 0), (0, 1e-5), (0, -1e-5)]:
        a, r = fit.a * (1 + da), fit.r + dr
        assert np.sum((y - a * np.exp(r * t)) ** 2) >= fit.rss


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError):
        growth_verdict([(0, 1), (1, -2), (2, 3), (3, 4)])
    with pytest.raises(ValueError):
        growth_verdict([(date(2024, 1, 1), 1), (1, 2), (2, 3), (3, 4)])
    with pytest.raises(ValueError):
        to_periods([(0, 1)], period_days=0)
