"""The branching-process forecast against the closed forms of a Galton-Watson process."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from netweave.metrics.forecast import (
    EmpiricalOffspring,
    PoissonOffspring,
    count_variances,
    critical_mass,
    expected_counts,
    extinction_probability,
    forecast,
    poisson_from_observed,
    simulate_paths,
    survival_from_observed,
)


def poisson_extinction_root(m: float) -> float:
    """Smallest root of q = e^{m (q - 1)} in [0, 1), by bisection (independent of the module)."""
    lo, hi = 0.0, 1.0 - 1e-12
    g = lambda q: math.exp(m * (q - 1)) - q  # noqa: E731  (g > 0 below the root, < 0 above)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def within_4_se(observed: float, p: float, runs: int) -> bool:
    """A simulated frequency agrees with probability p within 4 binomial standard errors."""
    return abs(observed - p) <= 4 * math.sqrt(max(p * (1 - p), 1e-12) / runs)


@pytest.mark.parametrize(
    ("n0", "offspring", "survival"),
    [
        (50, PoissonOffspring(0.3), 0.8),  # mu = 1.1: growing
        (200, PoissonOffspring(0.1), 0.85),  # mu = 0.95: shrinking
        (20, EmpiricalOffspring((60, 25, 10, 5)), 0.7),  # m = 0.6, mu = 1.3
        (10, PoissonOffspring(1.0), 0.0),  # mu = 1: critical, pure Galton-Watson
    ],
)
def test_mean_matches_n0_times_s_plus_m_to_the_t(n0, offspring, survival) -> None:  # type: ignore[no-untyped-def]
    runs, periods = 4000, 24
    f = forecast(n0, offspring, survival, periods=periods, runs=runs, seed=1)
    mu = survival + offspring.mean
    assert f.expected == pytest.approx([n0 * mu**t for t in range(periods + 1)])
    variances = count_variances(n0, offspring, survival, periods)
    for t in range(periods + 1):
        se = math.sqrt(variances[t] / runs)
        assert abs(f.mean[t] - f.expected[t]) <= 4 * se + 1e-9, (t, f.mean[t], f.expected[t], se)
    # The variance formula too, loosely (the sample variance of a skewed count is noisy).
    assert f.paths[:, -1].var(ddof=1) == pytest.approx(variances[-1], rel=0.2)


def test_expected_counts_formula() -> None:
    assert expected_counts(10, PoissonOffspring(0.5), 0.7, 3) == pytest.approx(
        [10, 12, 14.4, 17.28]
    )


@pytest.mark.parametrize(("m", "n0"), [(1.5, 1), (1.5, 3), (2.0, 1), (3.0, 2)])
def test_pure_galton_watson_extinction_matches_q_to_the_n0(m: float, n0: int) -> None:
    q = poisson_extinction_root(m)
    assert q == pytest.approx(math.exp(m * (q - 1)), abs=1e-12)
    assert extinction_probability(PoissonOffspring(m), 0.0, n0) == pytest.approx(q**n0, abs=1e-9)
    runs = 20_000
    f = forecast(n0, PoissonOffspring(m), 0.0, periods=40, runs=runs, seed=2)
    assert within_4_se(f.extinction_probability, q**n0, runs), (f.extinction_probability, q**n0)


def test_known_value_of_q_for_poisson_two() -> None:
    q = extinction_probability(PoissonOffspring(2.0), 0.0)
    assert q == pytest.approx(0.2031878700, abs=1e-9)


def test_extinction_by_a_short_horizon_matches_the_iterated_generating_function() -> None:
    offspring, survival, n0, periods, runs = PoissonOffspring(1.2), 0.0, 2, 3, 20_000
    # f^3(0) for f(x) = e^{1.2 (x - 1)}, by hand.
    x = 0.0
    for _ in range(periods):
        x = math.exp(1.2 * (x - 1))
    exact = x**n0
    assert extinction_probability(offspring, survival, n0, horizon=periods) == pytest.approx(exact)
    f = forecast(n0, offspring, survival, periods=periods, runs=runs, seed=3)
    assert within_4_se(f.extinction_probability, exact, runs)


def test_extinction_with_survival_solves_q_equals_f_of_q() -> None:
    offspring, survival = PoissonOffspring(0.8), 0.5  # mu = 1.3
    q = extinction_probability(offspring, survival)
    assert 0 < q < 1
    assert q == pytest.approx((1 - survival + survival * q) * math.exp(0.8 * (q - 1)), abs=1e-12)
    runs = 20_000
    f = forecast(1, offspring, survival, periods=60, runs=runs, seed=4)
    assert within_4_se(f.extinction_probability, q, runs)


def test_extinction_with_an_empirical_distribution() -> None:
    offspring = EmpiricalOffspring((30, 30, 40))  # p = (.3, .3, .4), m = 1.1
    q = extinction_probability(offspring, 0.0)
    # q = 0.3 + 0.3 q + 0.4 q^2  =>  0.4 q^2 - 0.7 q + 0.3 = 0  =>  q = 0.75
    assert q == pytest.approx(0.75, abs=1e-9)
    runs = 20_000
    f = forecast(1, offspring, 0.0, periods=80, runs=runs, seed=5)
    assert within_4_se(f.extinction_probability, q, runs)


@pytest.mark.parametrize(("m", "survival"), [(0.8, 0.0), (1.0, 0.0), (0.3, 0.6), (0.0, 0.9)])
def test_mean_at_most_one_means_certain_extinction(m: float, survival: float) -> None:
    offspring = PoissonOffspring(m)
    assert extinction_probability(offspring, survival, n0=5) == 1.0
    by_horizon = [
        extinction_probability(offspring, survival, 5, horizon=h) for h in (10, 100, 2000)
    ]
    assert by_horizon == sorted(by_horizon)
    assert by_horizon[-1] > 0.98


def test_subcritical_simulation_dies_out() -> None:
    runs, periods = 4000, 60
    f = forecast(5, PoissonOffspring(0.8), 0.0, periods=periods, runs=runs, seed=6)
    exact = extinction_probability(PoissonOffspring(0.8), 0.0, 5, horizon=periods)
    assert exact > 0.99
    assert within_4_se(f.extinction_probability, exact, runs)


def test_degenerate_process_never_dies() -> None:
    assert extinction_probability(PoissonOffspring(0.0), 1.0, n0=3) == 0.0
    f = forecast(3, PoissonOffspring(0.0), 1.0, periods=5, runs=10)
    assert f.median == [3.0] * 6 and f.extinction_probability == 0.0


def test_no_networks_stay_none() -> None:
    f = forecast(0, PoissonOffspring(2.0), 0.9, periods=5, runs=10)
    assert f.median == [0.0] * 6 and f.extinction_probability == 1.0


def test_same_seed_same_forecast_and_another_seed_differs() -> None:
    args = (40, PoissonOffspring(0.4), 0.75)
    a, b = forecast(*args, seed=42), forecast(*args, seed=42)
    assert np.array_equal(a.paths, b.paths)
    assert a == b  # paths are excluded from ==, the summaries are compared
    assert not np.array_equal(a.paths, forecast(*args, seed=43).paths)


def test_band_is_ordered_and_starts_at_n0() -> None:
    f = forecast(30, EmpiricalOffspring((5, 3, 2)), 0.8, periods=12, runs=500, seed=7)
    assert f.median[0] == f.low[0] == f.high[0] == 30
    assert all(lo <= md <= hi for lo, md, hi in zip(f.low, f.median, f.high, strict=True))
    assert len(f.median) == 13 and f.paths.shape == (500, 13)


def test_when_does_it_reach_n_in_an_almost_deterministic_case() -> None:
    # 1000 networks that all survive and each seed Poisson(9): x10 a period, within ~1%.
    f = forecast(1000, PoissonOffspring(9.0), 1.0, periods=6, runs=500, seed=8)
    reach = f.reach(500_000)  # 10^5 after 2 periods, 10^6 after 3
    assert (reach.median_period, reach.earliest_period, reach.latest_period) == (3, 3, 3)
    assert reach.probability == 1.0
    assert f.reach(1000).median_period == 0
    never = f.reach(10**11)  # ~10^9 at the horizon
    assert never.median_period is None and never.latest_period is None
    assert never.probability == 0.0


def test_reach_band_brackets_the_median() -> None:
    f = forecast(5, PoissonOffspring(0.35), 0.9, periods=24, runs=2000, seed=9)
    reach = f.reach(40)
    assert reach.earliest_period is not None and reach.median_period is not None
    assert reach.earliest_period <= reach.median_period
    if reach.latest_period is not None:
        assert reach.median_period <= reach.latest_period
    assert 0.5 <= reach.probability <= 1.0


def test_place_critical_mass_is_the_same_question() -> None:
    args = (4, PoissonOffspring(0.5), 0.9)
    assert critical_mass(*args, target=30, periods=18, runs=800, seed=10) == forecast(
        *args, periods=18, runs=800, seed=10
    ).reach(30)


def test_counts_saturate_at_the_ceiling() -> None:
    paths = simulate_paths(1, PoissonOffspring(1000.0), 1.0, periods=10, runs=5, ceiling=10**9)
    assert paths.max() == 10**9


def test_rates_from_observations() -> None:
    assert poisson_from_observed(seeded=30, network_periods=100).mean == pytest.approx(0.3)
    assert survival_from_observed(stopped=10, network_periods=100) == pytest.approx(0.9)
    e = EmpiricalOffspring([70, 20, 10])
    assert (e.mean, e.variance) == (pytest.approx(0.4), pytest.approx(0.44))
    with pytest.raises(ValueError):
        poisson_from_observed(3, 0)
    with pytest.raises(ValueError):
        survival_from_observed(11, 10)
    with pytest.raises(ValueError):
        EmpiricalOffspring([0, 0])
    with pytest.raises(ValueError):
        forecast(10, PoissonOffspring(0.5), 1.5)
    with pytest.raises(ValueError):
        forecast(10, PoissonOffspring(0.5), 0.5, band=(90, 10))


def test_large_counts_are_fast() -> None:
    started = time.perf_counter()
    f = forecast(100_000, PoissonOffspring(0.12), 0.9, periods=24, runs=2000, seed=11)
    assert time.perf_counter() - started < 5  # ~0.05 s: no loop over networks
    assert f.median[-1] == pytest.approx(f.expected[-1], rel=0.01)
