"""Forecast the number of active networks as a branching process (Galton-Watson with survival).

The model, per period, for each network active at the start of the period, independently:

* it seeds ``X`` new networks, ``X`` drawn from the offspring distribution (mean ``m``,
  variance ``v``): ``PoissonOffspring(m)`` or ``EmpiricalOffspring(counts)``;
* it stays active with probability ``s`` (the survival rate), otherwise it goes dormant or
  dissolves and never counts again;
* the networks it seeded are active from the start of the next period.

So ``Z_{t+1} = Binomial(Z_t, s) + (X_1 + ... + X_{Z_t})``. This is a Galton-Watson process whose
per-network "offspring" is ``B + X`` with ``B ~ Bernoulli(s)`` independent of ``X``:

* mean      ``mu = s + m``,  variance  ``sigma^2 = s (1 - s) + v``  (``v = m`` for Poisson);
* ``E[Z_t] = N0 * mu^t``;
* ``Var[Z_t] = N0 * sigma^2 * mu^(t-1) * (mu^t - 1) / (mu - 1)``  (``N0 * sigma^2 * t`` if mu = 1);
* generating function ``f(x) = (1 - s + s x) * G(x)``, ``G(x) = e^{m (x - 1)}`` for Poisson or
  ``sum_k p_k x^k`` for an empirical distribution;
* extinction by period T: ``f^T(0) ** N0`` (T-fold composition); ultimate extinction ``q ** N0``
  with ``q`` the smallest root of ``q = f(q)`` in [0, 1]; ``q = 1`` when ``mu <= 1`` (unless the
  process is degenerate: every network exactly replaces itself). With ``s = 0`` and Poisson
  offspring this is the textbook ``q = e^{m (q - 1)}``.

The simulation never loops over networks: the sum of ``n`` iid Poisson(m) draws is one
Poisson(n m) draw, survivors are one Binomial(n, s) draw, and the sum of ``n`` empirical draws is
one Multinomial(n, p) draw dotted with the offspring values. All runs advance together as numpy
arrays, so 2,000 runs x 24 periods costs 48 vectorised steps whatever the counts are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

DEFAULT_RUNS = 2000
DEFAULT_PERIODS = 24
DEFAULT_BAND = (10.0, 90.0)
# Counts saturate here so that Poisson means stay far below numpy's limit (~9.2e18). A quantile
# equal to the ceiling means "at least this many".
DEFAULT_CEILING = 10**12
MAX_CEILING = 10**15
# A Poisson mean this large always lands far above MAX_CEILING, so capping it changes nothing
# once counts are saturated, and keeps rng.poisson within its domain.
_MAX_POISSON_MEAN = 1e17

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class PoissonOffspring:
    """Each network seeds Poisson(mean) new networks per period."""

    mean: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean) and self.mean >= 0):
            raise ValueError("the offspring mean must be finite and not negative")

    @property
    def variance(self) -> float:
        return self.mean

    def pgf(self, x: float) -> float:
        """G(x) = e^{m (x - 1)}."""
        return math.exp(self.mean * (x - 1.0))

    def sample_sum(self, rng: np.random.Generator, n: IntArray) -> IntArray:
        """Sum of n iid Poisson(m) draws, per run: Poisson(n m)."""
        return rng.poisson(np.minimum(n * self.mean, _MAX_POISSON_MEAN)).astype(np.int64)


@dataclass(frozen=True)
class EmpiricalOffspring:
    """Observed seeding: ``counts[k]`` = how many (network, period) pairs seeded exactly k networks.

    For example ``counts=(70, 20, 10)``: 70 network-periods seeded none, 20 seeded one, 10 seeded
    two, so p = (0.7, 0.2, 0.1) and m = 0.4.
    """

    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", tuple(int(c) for c in self.counts))
        if not self.counts or any(c < 0 for c in self.counts) or sum(self.counts) == 0:
            raise ValueError("counts must be non-negative with a positive total")

    @property
    def probabilities(self) -> NDArray[np.float64]:
        c = np.asarray(self.counts, dtype=float)
        return c / c.sum()

    @property
    def mean(self) -> float:
        return float(np.arange(len(self.counts)) @ self.probabilities)

    @property
    def variance(self) -> float:
        k = np.arange(len(self.counts))
        return float((k**2) @ self.probabilities) - self.mean**2

    def pgf(self, x: float) -> float:
        """G(x) = sum_k p_k x^k."""
        return float(np.polyval(self.probabilities[::-1], x))

    def sample_sum(self, rng: np.random.Generator, n: IntArray) -> IntArray:
        """Sum of n iid draws, per run: Multinomial(n, p) . (0, 1, 2, ...)."""
        draws = rng.multinomial(n, self.probabilities)
        return (draws @ np.arange(len(self.counts), dtype=np.int64)).astype(np.int64)


Offspring = PoissonOffspring | EmpiricalOffspring


def poisson_from_observed(seeded: int, network_periods: int) -> PoissonOffspring:
    """m = networks seeded / network-periods of exposure (active networks summed over periods)."""
    if network_periods <= 0 or seeded < 0:
        raise ValueError("need a positive exposure and a non-negative number seeded")
    return PoissonOffspring(seeded / network_periods)


def survival_from_observed(stopped: int, network_periods: int) -> float:
    """s = 1 - (networks that went dormant or dissolved) / network-periods of exposure."""
    if network_periods <= 0 or not 0 <= stopped <= network_periods:
        raise ValueError("need 0 <= stopped <= network_periods and a positive exposure")
    return 1.0 - stopped / network_periods


def expected_counts(n0: int, offspring: Offspring, survival: float, periods: int) -> list[float]:
    """E[Z_t] = N0 (s + m)^t for t = 0..periods."""
    mu = survival + offspring.mean
    return [n0 * mu**t for t in range(periods + 1)]


def count_variances(n0: int, offspring: Offspring, survival: float, periods: int) -> list[float]:
    """Var[Z_t] = N0 sigma^2 mu^(t-1) (mu^t - 1)/(mu - 1), or N0 sigma^2 t when mu = 1."""
    mu = survival + offspring.mean
    sigma2 = survival * (1 - survival) + offspring.variance
    if math.isclose(mu, 1.0, rel_tol=0, abs_tol=1e-12):
        return [n0 * sigma2 * t for t in range(periods + 1)]
    return [n0 * sigma2 * mu ** (t - 1) * (mu**t - 1) / (mu - 1) for t in range(periods + 1)]


def _pgf(offspring: Offspring, survival: float, x: float) -> float:
    """f(x) = (1 - s + s x) G(x): generating function of one network's share of the next period."""
    return (1.0 - survival + survival * x) * offspring.pgf(x)


def extinction_probability(
    offspring: Offspring, survival: float, n0: int = 1, horizon: int | None = None
) -> float:
    """P(no active network left): by period ``horizon`` f^T(0)^N0, or ultimately q^N0.

    q is the smallest root of q = f(q) in [0, 1], found by iterating x -> f(x) from 0 (monotone
    convergence); for mu = s + m <= 1 it is 1 (0 in the degenerate case s = 1, X = 0).
    """
    _check_survival(survival)
    if horizon is not None:
        x = 0.0
        for _ in range(horizon):
            x = _pgf(offspring, survival, x)
        return x**n0
    mu = survival + offspring.mean
    sigma2 = survival * (1 - survival) + offspring.variance
    if mu <= 1.0:
        return 0.0 if (sigma2 == 0.0 and mu == 1.0) or n0 == 0 else 1.0
    x = 0.0
    for _ in range(100_000):
        nxt = _pgf(offspring, survival, x)
        if abs(nxt - x) < 1e-15:
            x = nxt
            break
        x = nxt
    return x**n0


@dataclass(frozen=True)
class Reach:
    """When the count reaches ``target``; periods count from now (0 = already there).

    ``median_period``: first period where the median run is at or above target.
    ``earliest_period``: same for the upper band edge (e.g. 90th percentile: the lucky runs).
    ``latest_period``: same for the lower band edge (e.g. 10th percentile: the unlucky runs).
    ``probability``: share of runs that reach target at some period up to the horizon.
    Any period is None when it does not happen within the horizon.
    """

    target: int
    median_period: int | None
    earliest_period: int | None
    latest_period: int | None
    probability: float


@dataclass(frozen=True)
class Forecast:
    """Per-period summaries of the simulated runs, for t = 0 (now) .. periods."""

    n0: int
    periods: int
    runs: int
    band: tuple[float, float]
    median: list[float]
    low: list[float]
    high: list[float]
    mean: list[float]
    expected: list[float]
    extinction_probability: float
    paths: IntArray = field(repr=False, compare=False)

    def reach(self, target: int) -> Reach:
        """When does the count reach ``target``? See Reach."""
        return Reach(
            target=target,
            median_period=_first_at_least(self.median, target),
            earliest_period=_first_at_least(self.high, target),
            latest_period=_first_at_least(self.low, target),
            probability=float(np.mean(self.paths.max(axis=1) >= target)),
        )


def _first_at_least(series: Sequence[float], target: float) -> int | None:
    return next((t for t, v in enumerate(series) if v >= target), None)


def _check_survival(survival: float) -> None:
    if not 0.0 <= survival <= 1.0:
        raise ValueError("survival must be a probability")


def simulate_paths(
    n0: int, offspring: Offspring, survival: float, periods: int, runs: int,
    seed: int | None = 0, ceiling: int = DEFAULT_CEILING,
) -> IntArray:
    """Array (runs, periods + 1) of active counts; column 0 is n0. Counts saturate at ceiling."""
    _check_survival(survival)
    if n0 < 0 or periods < 0 or runs < 1 or not max(n0, 1) <= ceiling <= MAX_CEILING:
        raise ValueError("need n0 >= 0, periods >= 0, runs >= 1 and n0 <= ceiling <= 10**15")
    rng = np.random.default_rng(seed)
    paths = np.empty((runs, periods + 1), dtype=np.int64)
    z = np.full(runs, n0, dtype=np.int64)
    paths[:, 0] = z
    for t in range(1, periods + 1):
        z = rng.binomial(z, survival).astype(np.int64) + offspring.sample_sum(rng, z)
        z = np.minimum(z, ceiling)
        paths[:, t] = z
    return paths


def forecast(
    n0: int, offspring: Offspring, survival: float, periods: int = DEFAULT_PERIODS,
    runs: int = DEFAULT_RUNS, seed: int | None = 0, band: tuple[float, float] = DEFAULT_BAND,
    ceiling: int = DEFAULT_CEILING,
) -> Forecast:
    """Simulate ``runs`` futures of ``periods`` periods from ``n0`` active networks.

    Returns the per-period median and band (percentiles ``band``, 10th-90th by default), the
    simulated mean beside the exact E[Z_t] = N0 (s + m)^t, and the share of runs with no active
    network at the horizon. The same seed gives the same forecast.
    """
    lo, hi = band
    if not 0.0 <= lo < hi <= 100.0:
        raise ValueError("band must be two percentiles, low < high, within 0..100")
    paths = simulate_paths(n0, offspring, survival, periods, runs, seed, ceiling)
    q = np.percentile(paths, [lo, 50.0, hi], axis=0)
    return Forecast(
        n0=n0,
        periods=periods,
        runs=runs,
        band=(lo, hi),
        median=q[1].tolist(),
        low=q[0].tolist(),
        high=q[2].tolist(),
        mean=paths.mean(axis=0).tolist(),
        expected=expected_counts(n0, offspring, survival, periods),
        extinction_probability=float(np.mean(paths[:, -1] == 0)),
        paths=paths,
    )


def critical_mass(
    n0: int, offspring: Offspring, survival: float, target: int,
    periods: int = DEFAULT_PERIODS, runs: int = DEFAULT_RUNS, seed: int | None = 0,
) -> Reach:
    """A place's critical mass: when do its own n0 networks, at its own rates, reach ``target``?"""
    return forecast(n0, offspring, survival, periods, runs, seed).reach(target)
