"""Number formats for the growth pages: shares as percentages, days as months, gaps as a dash."""

from __future__ import annotations

from django import template

from netweave.metrics.growth import DAYS_PER_MONTH

register = template.Library()
DASH = "–"


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.256 -> "26%"; None (nothing to divide by) -> "–"."""
    if value is None:
        return DASH
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def decimal(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:.{int(digits)}f}"


@register.filter
def months(days: float | None) -> str:
    """A number of days as months with one decimal ("1.5")."""
    return DASH if days is None else f"{days / DAYS_PER_MONTH:.1f}"
