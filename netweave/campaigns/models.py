"""Campaigns: a push with dates and goals, to which tasks and events belong."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, PublicIdModel

# The goals a campaign may set, in the order pages show them. How each is counted is in
# campaigns/selectors.py (campaign_totals) and docs/campaigns.md.
GOALS = {
    "showings": _("Showings held"),
    "flyers": _("Materials out"),
    "people_reached": _("People reached"),
    "new_networks": _("New networks"),
    "money_raised": _("Money raised"),
    "signups": _("Sign-ups"),
}
GOAL_KEYS = tuple(GOALS)


class Campaign(PublicIdModel):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    # {goal key: target}, only goals the campaign sets (keys from GOALS, targets > 0).
    goals = models.JSONField(_("goals"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        indexes = [models.Index(fields=["chapter", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def state(self) -> str:
        """One of upcoming, running or ended, by today's date."""
        today = timezone.localdate()
        if today < self.starts_on:
            return "upcoming"
        return "ended" if today > self.ends_on else "running"
