"""Metric history: the headline numbers of each chapter, one row a day.

The metric functions can recompute any past day from the ledger, so snapshots are not the
source of truth; they keep what cannot be recomputed later (current statuses as they were
that day) and make long series cheap to read.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from netweave.core.models import Chapter


class MetricSnapshot(models.Model):
    """The headline numbers (metrics.headline.headline_values) of a chapter on a day."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="metric_snapshots")
    day = models.DateField()
    values = models.JSONField(default=dict)
    taken_at = models.DateTimeField(default=timezone.now)
    # True when rebuilt afterwards by a backfill: statuses were then today's, not that day's.
    reconstructed = models.BooleanField(default=False)

    class Meta:
        ordering = ["chapter", "day"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "day"], name="metric_snapshot_once_a_day")
        ]
        # The unique constraint serves per-chapter series; this one serves "all chapters on a
        # day" (regional and national comparisons).
        indexes = [models.Index(fields=["day", "chapter"], name="metric_snapshot_day")]

    def __str__(self) -> str:
        return f"{self.chapter_id} @ {self.day:%Y-%m-%d}"


# --- Indexes of the ledger ---------------------------------------------------------------------
# The ledger is the truth; these tables only answer, without reading millions of ledger rows,
# the questions every growth metric asks ("was this network active on day d?", "when did this
# person first take each step?"). metrics.activity keeps them in step with every ledger entry
# and can rebuild them from the ledger at any time (`netweave rebuild-activity`); a test holds
# them equal to the definitions computed from the ledger directly.


class NetworkSpell(models.Model):
    """A run of days on which a network has a `measure` (metrics.activity.NETWORK_MEASURES):
    the union of the windows [p, p + the measure's days] over the measure's points p (the days
    of the ledger entries it counts; for "active", the start date too, and nothing before it).
    A network's spells of one measure never overlap or touch, so at most one covers any day."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="activity_spells"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=8)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        indexes = [
            # "Active on day d" for a chapter: the spells ending on or after d.
            models.Index(fields=["chapter", "measure", "ends_on", "starts_on"],
                         name="network_spell_day"),
            models.Index(fields=["network", "measure", "starts_on"],
                         name="network_spell_network"),
        ]

    def __str__(self) -> str:
        return f"network {self.network_id} {self.measure}: {self.starts_on} – {self.ends_on}"


class PersonSpell(models.Model):
    """A run of days on which a person counts as active: the union of the windows
    [d, d + ACTIVE_WINDOW_DAYS] over the days d of their own actions (people.ladder.ACTIONS).
    A person's spells never overlap or touch."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="activity_spells"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        indexes = [
            # Covering: "who was active on d" is read from the index alone.
            models.Index(fields=["chapter", "ends_on", "starts_on", "person"],
                         name="person_spell_day"),
            models.Index(fields=["person", "starts_on"], name="person_spell_person"),
        ]

    def __str__(self) -> str:
        return f"person {self.person_id}: {self.starts_on} – {self.ends_on}"


class PersonMilestones(models.Model):
    """When a person first took each step of the follow-up funnel (metrics.funnel), from the
    ledger; null until they take it. One row per person who has taken any step."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="milestones"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    contacted_at = models.DateTimeField(null=True)
    first_task_at = models.DateTimeField(null=True)
    in_network_at = models.DateTimeField(null=True)
    convening_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"milestones of person {self.person_id}"
