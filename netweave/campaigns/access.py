from __future__ import annotations

from typing import Any

from netweave.campaigns.models import Campaign
from netweave.core.access import get_in_scope, require
from netweave.core.scope import scope_of


def access_campaign(actor: Any, public_id: str, *, for_write: bool = False) -> Campaign:
    """A campaign of the actor's chapter (404 otherwise); for_write: its organizers (403)."""
    scope = scope_of(actor)
    campaign = get_in_scope(
        Campaign.objects.select_related("chapter"), scope.campaigns_q(), public_id
    )
    if for_write:
        require(may_edit(actor, campaign))
    return campaign


def may_edit(actor: Any, campaign: Campaign) -> bool:
    return scope_of(actor).organizes(campaign.chapter_id)
