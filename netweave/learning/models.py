"""Learning: resources (a film, clips, a talk, readings, by link), what people did with them
(watched, discussed, shared, showed to others), discussion-session guides, and the discussion
sessions networks held.

An Engagement is the table pages read; each one is also a RESOURCE_ENGAGED entry in the ledger,
written by the same service, which is what the ladder and the metrics count.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from netweave.core.crypto import EncryptedTextField
from netweave.core.models import Chapter, PublicIdModel


class Translatable(models.Model):
    """A row whose text may come with translations, as the starter playbooks do:
    {"es": {"title": ..., "summary": ...}}."""

    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def localized(self, field: str) -> Any:
        """The field in the active language when a translation exists, else the original."""
        lang = (get_language() or "en")[:2]
        return self.translations.get(lang, {}).get(field) or getattr(self, field)


class Resource(PublicIdModel, Translatable):
    """Material to learn from and spread. Chapter-less resources are a shared starter set."""

    class Kind(models.TextChoices):
        FILM = "film", _("Film")
        CLIP = "clip", _("Clip")
        TALK = "talk", _("Talk")
        READING = "reading", _("Reading")
        AUDIO = "audio", _("Audio")
        OTHER = "other", _("Other")

    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500)
    minutes = models.PositiveIntegerField(_("length in minutes"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    summary = models.TextField(_("summary"), blank=True)
    # Retired resources drop out of the list but keep their history (engagements point here).
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["chapter", "kind", "language"])]

    def __str__(self) -> str:
        return str(self.localized("title"))

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def shown_summary(self) -> str:
        """The summary in the viewer's language, for templates."""
        return str(self.localized("summary"))


class Guide(PublicIdModel, Translatable):
    """How to run a discussion session on a resource: the steps, the questions, the time."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="guides")
    title = models.CharField(_("title"), max_length=200)
    minutes = models.PositiveIntegerField(_("time needed in minutes"), default=60)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return str(self.localized("title"))

    def localized_list(self, field: str) -> list[str]:
        value = self.localized(field)
        return list(value) if isinstance(value, list) else []

    @property
    def shown_steps(self) -> list[str]:
        return self.localized_list("steps")

    @property
    def shown_questions(self) -> list[str]:
        return self.localized_list("questions")


class DiscussionSession(PublicIdModel):
    """A discussion session a network held on a resource, recorded by whoever runs it."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="discussion_sessions"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="sessions")
    guide = models.ForeignKey(
        Guide, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    attendance = models.PositiveIntegerField(_("how many came"))
    # What people said in the session: encrypted at rest (docs/security.md).
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]


class Engagement(models.Model):
    """One thing someone (or a network) did with a resource."""

    class How(models.TextChoices):
        WATCHED = "watched", _("Watched or read it")
        DISCUSSED = "discussed", _("Discussed it")
        SHARED = "shared", _("Shared it")
        SHOWED = "showed", _("Showed it to others")

    # "Shared" and "showed" say with how many people; the others do not.
    WITH_PEOPLE = (How.SHARED, How.SHOWED)

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="engagements")
    how = models.CharField(_("what you did"), max_length=12, choices=How.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE,
        related_name="engagements",
    )
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="engagements",
    )
    people = models.PositiveIntegerField(_("with how many people"), null=True, blank=True)
    occurred_on = models.DateField(_("when"), default=timezone.localdate)
    session = models.ForeignKey(
        DiscussionSession, null=True, blank=True, on_delete=models.CASCADE,
        related_name="engagements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_on"]),
            models.Index(fields=["network", "occurred_on"]),
        ]
        constraints = [
            # Someone did it: a person, or a network as a whole (a discussion session).
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(network__isnull=False),
                name="engagement_has_a_doer",
            )
        ]
