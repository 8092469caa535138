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


# --- Counts kept for the dashboard -------------------------------------------------------------
# metrics.facts keeps these in step with every write (and rebuilds them); the growth dashboard
# reads its numbers from ChapterCount instead of from tens of thousands of rows.


class OwnerFacts(models.Model):
    """The fact intervals of one network (kind "n") or person ("p"): fact key -> runs of days
    [[first, last or null], ...] as date ordinals (metrics.facts says which keys). What was
    added to the chapter's day counts for this owner, so that a change adds only the
    difference. No row: no fact on any day."""

    kind = models.CharField(max_length=1)
    owner_id = models.BigIntegerField()
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    facts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_id"], name="owner_facts_once")
        ]
        indexes = [models.Index(fields=["chapter", "kind"], name="owner_facts_chapter")]

    def __str__(self) -> str:
        return f"facts of {self.kind}{self.owner_id}"


class ChapterCount(models.Model):
    """How the number of a chapter's networks or people with a fact (`key`) changes on `day`:
    the sum of the deltas up to day d is the number on d."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=140)
    day = models.DateField()
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chapter", "key", "day"], name="chapter_count_once")
        ]
        # Covering: "every key's number on day d" is read from the index alone.
        indexes = [models.Index(fields=["chapter", "day", "key", "delta"],
                                name="chapter_count_day")]

    def __str__(self) -> str:
        return f"{self.chapter_id} {self.key} {self.day:%Y-%m-%d} {self.delta:+d}"


class PersonFunnel(models.Model):
    """A person's way through the follow-up funnel, for the medians of metrics.funnel: when
    they signed up and their source (copied from the person), and for each step the first time
    they took it (contacted: the first of any step, metrics.funnel) and how long after signing
    up, in microseconds (0 when before). Only people who took a step (the medians' rows;
    sign-ups are counted in ChapterCount). Kept by metrics.facts with the person's facts."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField()
    source = models.CharField(max_length=12)
    contacted_at = models.DateTimeField(null=True)
    contacted_us = models.BigIntegerField(null=True)
    first_task_at = models.DateTimeField(null=True)
    first_task_us = models.BigIntegerField(null=True)
    in_network_at = models.DateTimeField(null=True)
    in_network_us = models.BigIntegerField(null=True)
    convening_at = models.DateTimeField(null=True)
    convening_us = models.BigIntegerField(null=True)

    class Meta:
        # The funnel's cohort: a chapter's people who signed up in a range of days.
        indexes = [models.Index(fields=["chapter", "joined_at"], name="person_funnel_cohort")]

    def __str__(self) -> str:
        return f"funnel of person {self.person_id}"
