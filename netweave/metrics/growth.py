"""The verdict on growth: are networks reproducing (geometric) or added one by one (incremental)?

Input is a plain series of ``(time, count)`` points, for example the number of networks at the end
of each of the last 12-24 months. Time is either a ``datetime.date`` or a number of *periods*
(months by default). No Django models here: the dashboards feed in counts.

Two models are fitted to the same points, each by least squares **on the original scale**:

* exponential  ``N(t) = a * exp(r * t)``   (r: growth rate per period)
* linear       ``N(t) = a + b * t``         (b: networks added per period)

and compared on the same footing: residual sum of squares (RSS), R^2 = 1 - RSS/TSS, and the
Gaussian AIC = n * ln(RSS / n) + 2k with the same k = 3 (two curve parameters and the noise
variance) for both, so the AIC difference is n * ln(RSS_lin / RSS_exp).

Decision rule (documented once, here):

* ``"too little data"`` when there are fewer than ``MIN_POINTS`` (4) points, fewer than
  ``MIN_DISTINCT_COUNTS`` (3) distinct counts, or fewer than 3 distinct times. A perfectly flat
  series therefore says "too little data": it cannot tell the two shapes apart.
* ``"geometric"`` when the exponential fits clearly better **and** grows significantly:
  ``AIC_exp <= AIC_lin - AIC_MARGIN`` (2, the usual "substantially better" threshold) **and**
  ``r - SIGNIFICANCE_Z * se(r) > 0`` with ``SIGNIFICANCE_Z = 2`` (roughly a one-sided 97.5% test
  using the asymptotic standard error of the nonlinear fit).
* ``"incremental"`` otherwise: linear growth, a flat or noisy series, shrinking, or an exponential
  that is not clearly better. The verdict is conservative on purpose: "geometric" is a claim.

Time convention: one period is ``period_days`` days, by default ``DAYS_PER_MONTH`` =
365.2425 / 12 = 30.436875 (the mean Gregorian month). Dates are turned into periods as
``(date - first_date).days / period_days``; the doubling time is ``ln 2 / r`` periods, reported in
days as ``ln 2 / r * period_days``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
from numpy.typing import NDArray

DAYS_PER_MONTH = 365.2425 / 12
MIN_POINTS = 4
MIN_DISTINCT_COUNTS = 3
MIN_DISTINCT_TIMES = 3
AIC_MARGIN = 2.0
SIGNIFICANCE_Z = 2.0
# Profile search for r: |r| * (time span) stays within this, i.e. at most e^50-fold over the window.
_MAX_LOG_GROWTH = 50.0
_GRID_POINTS = 2001

Kind = Literal["geometric", "incremental", "too little data"]
Point = tuple[date | float, float]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ExponentialFit:
    """``N(t) = a * exp(r * t)``, t in periods from the series' first time."""

    a: float
    r: float
    r_stderr: float
    rss: float
    r2: float
    aic: float

    def predict(self, t: float) -> float:
        return self.a * math.exp(self.r * t)


@dataclass(frozen=True)
class LinearFit:
    """``N(t) = a + b * t``, t in periods from the series' first time."""

    a: float
    b: float
    b_stderr: float
    rss: float
    r2: float
    aic: float

    def predict(self, t: float) -> float:
        return self.a + self.b * t


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    exponential: ExponentialFit | None
    linear: LinearFit | None
    exponential_r2: float | None
    linear_r2: float | None
    doubling_time_days: float | None
    evidence: list[str] = field(default_factory=list)
    n_points: int = 0
    t_last: float = 0.0
    period_days: float = DAYS_PER_MONTH


@dataclass(frozen=True)
class Projection:
    """Both fits carried forward: ``t`` in periods from the series' first time."""

    t: list[float]
    exponential: list[float]
    linear: list[float]


def to_periods(points: Sequence[Point], period_days: float = DAYS_PER_MONTH) -> tuple[
    FloatArray, FloatArray
]:
    """Split points into arrays (t, y), sorted by t; dates become periods since the first date."""
    if period_days <= 0:
        raise ValueError("period_days must be positive")
    times = [p[0] for p in points]
    counts = np.array([float(p[1]) for p in points], dtype=float)
    if not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("counts must be finite and not negative")
    if times and all(isinstance(x, date) for x in times):
        dates: list[date] = [x for x in times if isinstance(x, date)]
        first = min(dates)
        t = np.array([(d - first).days / period_days for d in dates], dtype=float)
    elif any(isinstance(x, date) for x in times):
        raise ValueError("do not mix dates and numbers as times")
    else:
        t = np.array([float(x) for x in times], dtype=float)  # type: ignore[arg-type]
        if len(t) and not np.all(np.isfinite(t)):
            raise ValueError("times must be finite")
        if len(t):
            t = t - t.min()
    order = np.argsort(t, kind="stable")
    return t[order], counts[order]


def _rss_floor(y: FloatArray) -> float:
    """Smallest RSS used in ln(RSS): an exact fit would otherwise give ln 0 = -inf."""
    scale = max(1.0, float(np.max(np.abs(y))))
    return len(y) * (1e-9 * scale) ** 2


def _aic(rss: float, n: int, floor: float, k: int = 3) -> float:
    """Gaussian AIC: n ln(RSS/n) + 2k."""
    return n * math.log(max(rss, floor) / n) + 2 * k


def _r2(rss: float, y: FloatArray) -> float:
    """R^2 = 1 - RSS / TSS on the original scale (1.0 for a constant series fitted exactly)."""
    tss = float(np.sum((y - y.mean()) ** 2))
    if tss == 0.0:
        return 1.0 if rss <= _rss_floor(y) else 0.0
    return 1.0 - rss / tss


def fit_linear(t: FloatArray, y: FloatArray) -> LinearFit:
    """Ordinary least squares: b = Sxy / Sxx, a = mean(y) - b mean(t); se(b) = sqrt(s^2 / Sxx)."""
    n = len(t)
    tm, ym = float(t.mean()), float(y.mean())
    sxx = float(np.sum((t - tm) ** 2))
    if n < 3 or sxx == 0.0:
        raise ValueError("a linear fit needs at least 3 points at 2 or more distinct times")
    b = float(np.sum((t - tm) * (y - ym))) / sxx
    a = ym - b * tm
    rss = float(np.sum((y - (a + b * t)) ** 2))
    b_se = math.sqrt(rss / (n - 2) / sxx)
    return LinearFit(a, b, b_se, rss, _r2(rss, y), _aic(rss, n, _rss_floor(y)))


def _profile_rss(r: float | FloatArray, tc: FloatArray, y: FloatArray) -> FloatArray:
    """RSS of the best ``a`` for a given r: a(r) = sum(y e^{r t}) / sum(e^{2 r t})."""
    e = np.exp(np.multiply.outer(np.atleast_1d(r), tc))
    a = (e @ y) / np.sum(e * e, axis=1)
    return np.asarray(np.sum((y - a[:, None] * e) ** 2, axis=1), dtype=float)


def _golden_min(lo: float, hi: float, tc: FloatArray, y: FloatArray) -> float:
    """Golden-section search for the minimum of the profile RSS on [lo, hi]."""
    g = (math.sqrt(5) - 1) / 2
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = _profile_rss(c, tc, y)[0], _profile_rss(d, tc, y)[0]
    for _ in range(200):
        if hi - lo <= 1e-15 * (1.0 + abs(lo)):
            break
        if fc < fd:
            hi, d, fd = d, c, fc
            c = hi - g * (hi - lo)
            fc = _profile_rss(c, tc, y)[0]
        else:
            lo, c, fc = c, d, fd
            d = lo + g * (hi - lo)
            fd = _profile_rss(d, tc, y)[0]
    return (lo + hi) / 2


def fit_exponential(t: FloatArray, y: FloatArray) -> ExponentialFit:
    """Nonlinear least squares of ``y = a e^{r t}`` on the original scale.

    Why not least squares on ln y: it needs y > 0 (early months often have 0 networks), it weighs
    errors relatively (a miss of 1 at N=2 counts as much as a miss of 50 at N=100), and it would
    not minimise the same criterion as the linear fit, so the RSS/AIC comparison would be unfair.

    How: for a fixed r the best a is linear, a(r) = sum(y e^{r t}) / sum(e^{2 r t}), so RSS is
    profiled over r alone: a dense grid over |r| * span <= 50 finds the basin (no starting value
    needed, zeros allowed), then golden-section search refines it. Time is centred at its mean for
    numerical stability. se(r) is the asymptotic one: s^2 (J^T J)^{-1} with J = [e^{rt}, a t e^{rt}]
    and s^2 = RSS / (n - 2).
    """
    n = len(t)
    span = float(t.max() - t.min())
    if n < 3 or span == 0.0:
        raise ValueError("an exponential fit needs at least 3 points at 2 or more distinct times")
    if not np.any(y > 0):
        raise ValueError("an exponential fit needs at least one positive count")
    t0 = float(t.mean())
    tc = t - t0
    rmax = _MAX_LOG_GROWTH / span
    grid = np.linspace(-rmax, rmax, _GRID_POINTS)
    i = int(np.argmin(_profile_rss(grid, tc, y)))
    r = _golden_min(float(grid[max(i - 1, 0)]), float(grid[min(i + 1, len(grid) - 1)]), tc, y)
    e = np.exp(r * tc)
    a_c = float(e @ y / (e @ e))
    rss = float(np.sum((y - a_c * e) ** 2))
    jac = np.column_stack([e, a_c * tc * e])
    try:
        cov = rss / (n - 2) * np.linalg.inv(jac.T @ jac)
        r_se = math.sqrt(max(float(cov[1, 1]), 0.0))
    except np.linalg.LinAlgError:
        r_se = math.inf
    a = a_c * math.exp(-r * t0)
    return ExponentialFit(a, r, r_se, rss, _r2(rss, y), _aic(rss, n, _rss_floor(y)))


def _too_little(t: FloatArray, y: FloatArray) -> str | None:
    n = len(y)
    if n < MIN_POINTS:
        return f"only {n} points; a verdict needs at least {MIN_POINTS}"
    distinct = len(set(y.tolist()))
    if distinct < MIN_DISTINCT_COUNTS:
        return (
            f"only {distinct} distinct count{'s' if distinct != 1 else ''}; "
            f"a verdict needs at least {MIN_DISTINCT_COUNTS}"
        )
    if len(set(t.tolist())) < MIN_DISTINCT_TIMES:
        return f"fewer than {MIN_DISTINCT_TIMES} distinct times"
    return None


def _is_geometric(exp_fit: ExponentialFit, lin_fit: LinearFit) -> bool:
    """AIC_exp <= AIC_lin - AIC_MARGIN and r - SIGNIFICANCE_Z * se(r) > 0."""
    clearly_better = exp_fit.aic <= lin_fit.aic - AIC_MARGIN
    grows = exp_fit.r > 0 and exp_fit.r - SIGNIFICANCE_Z * exp_fit.r_stderr > 0
    return clearly_better and grows


def _aic_sentence(aic_exp: float, aic_lin: float) -> str:
    diff = aic_lin - aic_exp
    better = "exponential" if diff > 0 else "linear"
    return (
        f"AIC exponential {aic_exp:.1f} vs linear {aic_lin:.1f}: the {better} model is better "
        f"by {abs(diff):.1f} (geometric needs the exponential better by at least {AIC_MARGIN:g})"
    )


def _evidence(
    t: FloatArray, y: FloatArray, exp_fit: ExponentialFit, lin_fit: LinearFit,
    doubling_days: float | None, period_days: float,
) -> list[str]:
    span_days = float(t[-1] - t[0]) * period_days
    lines = [
        f"{len(y)} points over {span_days / DAYS_PER_MONTH:.1f} months: "
        f"{y[0]:g} networks at the start, {y[-1]:g} at the end",
        f"exponential fit R² {exp_fit.r2:.2f} vs linear {lin_fit.r2:.2f}",
        _aic_sentence(exp_fit.aic, lin_fit.aic),
        f"exponential rate {exp_fit.r:.3f} ± {exp_fit.r_stderr:.3f} per period; "
        f"linear slope {lin_fit.b:.2f} ± {lin_fit.b_stderr:.2f} networks per period",
    ]
    if doubling_days is not None:
        lines.append(
            f"doubling every {doubling_days:.0f} days "
            f"({doubling_days / DAYS_PER_MONTH:.1f} months)"
        )
    return lines


def growth_verdict(points: Sequence[Point], period_days: float = DAYS_PER_MONTH) -> Verdict:
    """Fit both models to ``points`` and say whether growth is geometric (see the module doc)."""
    t, y = to_periods(points, period_days)
    t_last = float(t[-1]) if len(t) else 0.0
    reason = _too_little(t, y)
    if reason is not None:
        return Verdict(
            "too little data", None, None, None, None, None, [reason], len(y), t_last, period_days
        )
    exp_fit, lin_fit = fit_exponential(t, y), fit_linear(t, y)
    geometric = _is_geometric(exp_fit, lin_fit)
    doubling = math.log(2) / exp_fit.r * period_days if geometric else None
    return Verdict(
        kind="geometric" if geometric else "incremental",
        exponential=exp_fit,
        linear=lin_fit,
        exponential_r2=exp_fit.r2,
        linear_r2=lin_fit.r2,
        doubling_time_days=doubling,
        evidence=_evidence(t, y, exp_fit, lin_fit, doubling, period_days),
        n_points=len(y),
        t_last=t_last,
        period_days=period_days,
    )


def project(verdict: Verdict, periods_ahead: int) -> Projection:
    """Both fits at t_last + 1, ..., t_last + periods_ahead (whatever the verdict says).

    Raises ValueError for a "too little data" verdict, which has no fits to carry forward.
    """
    if verdict.exponential is None or verdict.linear is None:
        raise ValueError("no fits to project: too little data")
    if periods_ahead < 0:
        raise ValueError("periods_ahead must not be negative")
    ts = [verdict.t_last + k for k in range(1, periods_ahead + 1)]
    return Projection(
        t=ts,
        exponential=[verdict.exponential.predict(x) for x in ts],
        linear=[verdict.linear.predict(x) for x in ts],
    )
