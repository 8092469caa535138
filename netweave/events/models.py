"""Events (showings, discussions, tables, protests...), RSVPs and attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netweave.core.models import Chapter, Place, PublicIdModel


class Event(PublicIdModel):
    class Kind(models.TextChoices):
        SHOWING = "showing", _("Film showing")
        DISCUSSION = "discussion", _("Discussion")
        TABLE = "table", _("Table")
        PROTEST = "protest", _("Protest")
        MAJOR = "major", _("Major event")
        OTHER = "other", _("Other")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SHOWING)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
        verbose_name=_("place"),
    )
    location = models.CharField(
        _("where exactly"), max_length=200, blank=True,
        help_text=_("Shown on the public page only if the event is public."),
    )
    host_network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="events", verbose_name=_("host network"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="events", verbose_name=_("campaign"),
    )
    is_public = models.BooleanField(
        _("public page"), default=True, help_text=_("Anyone with the link can see it and RSVP.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["chapter", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A person's RSVP to an event and whether they came. One row per person and event."""

    class Rsvp(models.TextChoices):
        YES = "yes", _("Going")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("Not going")
        NONE = "", _("No RSVP")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="attendances"
    )
    rsvp = models.CharField(max_length=5, choices=Rsvp.choices, blank=True)
    rsvp_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    met_here = models.BooleanField(default=False, help_text="They first came in at this event.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="attendance_once")
        ]
