"""The log of what was sent to whom, and which daily jobs have run.

A Notification row is written before a message goes out and keyed by what the message is
about (`dedupe_key`), so a job run twice, or by two workers at once, sends nothing twice. It
holds no message body and no contact value: who, why, by which kind of channel, and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, PublicIdModel


class Reason(models.TextChoices):
    DIGEST = "digest", _("Weekly digest")
    TASK_DUE = "task_due", _("Task due soon")
    EVENT_SOON = "event_soon", _("Event coming up")
    FOLLOWUP = "followup", _("Follow-ups due")


class Notification(PublicIdModel):
    """One message. Its public_id is the "stop these" link in the message itself."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(max_length=200, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The recipient: a person (members, attendees), or a user (follow-up owners) who may have
    # no person row; either may be deleted later without losing the count of what was sent.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(max_length=16)  # a ContactChannel kind, or "account_email"
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    day = models.DateField()  # the day the job that sent it ran for
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "reason", "day"])]

    def __str__(self) -> str:
        return f"{self.reason} {self.status} {self.dedupe_key}"


class JobRun(models.Model):
    """That a daily notify job finished for a day: its due check is then one indexed lookup,
    so the hourly scheduler loop does not rebuild every plan each time it wakes."""

    job = models.CharField(max_length=40)
    day = models.DateField()
    summary = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="notify_jobrun_once")]


class Mute(models.Model):
    """A kind of message someone asked not to get, on top of the consent rules. Kept on the
    person when there is one (a member, an attendee), else on the user (an owner with no
    person row)."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | Q(user__isnull=False),
                                   name="notify_mute_has_someone"),
            models.UniqueConstraint(fields=["person", "reason"], condition=Q(person__isnull=False),
                                    name="notify_mute_person_once"),
            models.UniqueConstraint(fields=["user", "reason"], condition=Q(person__isnull=True),
                                    name="notify_mute_user_once"),
        ]
