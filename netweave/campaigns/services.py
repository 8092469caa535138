"""Every write about campaigns: the chapter's organizers plan them and change them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from netweave.campaigns.models import GOAL_KEYS, Campaign
from netweave.core.access import require
from netweave.core.ledger import audit
from netweave.core.models import Chapter
from netweave.core.scope import scope_of
from netweave.core.validation import whole_numbers

CAMPAIGN_FIELDS = ("name", "description", "starts_on", "ends_on", "goals")
MAX_TARGET = 10_000_000
# A campaign is a push, not a standing programme: a few years is plenty.
MAX_DAYS = 3 * 366


def _clean_goals(goals: dict[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Targets by goal key; an empty or zero target means the campaign does not set that goal.
    Errors are keyed by the goal key, the name of its field on the form."""
    clean, errors = whole_numbers(
        goals, allowed=GOAL_KEYS, unknown=_("Campaigns cannot count that."), maximum=MAX_TARGET,
    )
    return {key: value for key, value in clean.items() if value}, errors


def _check_dates(starts: date | None, ends: date | None, errors: dict[str, str]) -> None:
    if starts is None:
        errors["starts_on"] = _("When does the campaign start?")
    if ends is None:
        errors["ends_on"] = _("When does the campaign end?")
    if starts is None or ends is None:
        return
    if ends < starts:
        errors["ends_on"] = _("The end must not be before the start.")
    elif ends - starts > timedelta(days=MAX_DAYS):
        errors["ends_on"] = _("A campaign lasts three years at most.")


def _check(values: dict[str, Any]) -> dict[str, Any]:
    """The values, cleaned; ValidationError keyed by field before anything is written."""
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give the campaign a name.")
    elif len(name) > 160:
        errors["name"] = _("Keep the name under 160 characters.")
    _check_dates(values.get("starts_on"), values.get("ends_on"), errors)
    goals, goal_errors = _clean_goals(values.get("goals") or {})
    errors.update(goal_errors)
    if not goals and not goal_errors:
        errors["goals"] = _("Set at least one goal.")
    if errors:
        raise ValidationError(errors)
    return {**values, "name": name, "description": (values.get("description") or "").strip(),
            "goals": goals}


@transaction.atomic
def campaign_create(
    *, actor: Any, chapter: Chapter, name: str, starts_on: date | None, ends_on: date | None,
    goals: dict[str, Any], description: str = "",
) -> Campaign:
    require(scope_of(actor).organizes(chapter.id))
    values = _check({"name": name, "description": description, "starts_on": starts_on,
                     "ends_on": ends_on, "goals": goals})
    campaign = Campaign.objects.create(chapter=chapter, created_by=actor, **values)
    audit(actor=actor, action="campaign.create", chapter_id=chapter.id,
          target=campaign.public_id, goals=campaign.goals)
    return campaign


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, **values: Any) -> Campaign:
    """Change any of name, description, dates and goals; the others stay as they are."""
    require(scope_of(actor).organizes(campaign.chapter_id))
    values = {k: v for k, v in values.items() if k in CAMPAIGN_FIELDS}
    merged = _check({f: getattr(campaign, f) for f in CAMPAIGN_FIELDS} | values)
    for key, value in merged.items():
        setattr(campaign, key, value)
    campaign.save()
    audit(actor=actor, action="campaign.update", chapter_id=campaign.chapter_id,
          target=campaign.public_id, fields=sorted(values))
    return campaign
