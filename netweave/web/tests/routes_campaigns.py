"""The campaign routes, with who may use them (walked by test_route_access.py).

Campaigns are the chapter's shared plan: everyone in the chapter sees them and their progress,
only its organizers plan and change them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from netweave.core.testing import World
from netweave.web.tests.routes import (
    ANY_ORGANIZER,
    CHAPTER_PEOPLE,
    EVERYONE_SIGNED_IN,
    ORGANIZERS,
    Case,
    Targets,
    none,
    private,
)


def campaign(w: World, t: Targets) -> dict[str, str]:
    """Riverside's campaign, made on first use (the shared targets know nothing of it)."""
    from netweave.campaigns.models import Campaign

    today = timezone.localdate()
    row = Campaign.objects.filter(chapter=w.chapter).first() or Campaign.objects.create(
        chapter=w.chapter, name="Film launch", starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=30), goals={"showings": 5, "flyers": 1000},
    )
    return {"public_id": row.public_id}


CAMPAIGN_CASES: list[Case] = [
    Case("campaigns", none, private(EVERYONE_SIGNED_IN)),
    Case("campaign_new", none, private(ANY_ORGANIZER)),
    Case("campaign", campaign, private(CHAPTER_PEOPLE)),
    Case("campaign_edit", campaign, private(ORGANIZERS)),
]
