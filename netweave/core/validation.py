"""Checks shared by services that take user-typed numbers keyed by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def whole_numbers(
    raw: dict[str, Any], *, allowed: Iterable[str], unknown: str, maximum: int = 10_000_000,
) -> tuple[dict[str, int], dict[str, str]]:
    """Whole numbers from 0 to `maximum` by key, and error messages keyed the same way.

    Blank values are skipped (nothing was typed); keys outside `allowed` get the `unknown`
    message, so a form can show each error next to its own field.
    """
    keys = set(allowed)
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        if key not in keys:
            errors[key] = unknown
            continue
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[key] = _("Enter a whole number.")
            continue
        if not 0 <= number <= maximum:
            errors[key] = _("Enter a number between 0 and %(max)s.") % {
                "max": number_format(maximum, force_grouping=True)}
            continue
        clean[key] = number
    return clean, errors
