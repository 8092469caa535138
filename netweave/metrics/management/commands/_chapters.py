"""Shared parsing for the metrics commands: chapter slugs and dates."""

from __future__ import annotations

import argparse
from datetime import date

from django.core.management.base import CommandError

from netweave.core.models import Chapter


def chapters_by_slug(slugs: list[str] | None) -> list[Chapter]:
    """The chapters named (in the order given), or every chapter; unknown slugs are refused
    before anything is computed or written."""
    if not slugs:
        return list(Chapter.objects.order_by("slug"))
    found = {c.slug: c for c in Chapter.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise CommandError(f"Unknown chapter: {', '.join(unknown)}. "
                           f"Known: {', '.join(known_slugs()) or 'none'}.")
    return [found[s] for s in dict.fromkeys(slugs)]


def known_slugs() -> list[str]:
    return list(Chapter.objects.order_by("slug").values_list("slug", flat=True))


def parse_day(value: str) -> date:
    """argparse type for YYYY-MM-DD (argparse turns the error into a usage message, and
    call_command into a CommandError)."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from error
