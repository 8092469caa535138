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
