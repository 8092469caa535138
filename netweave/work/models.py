"""Playbooks (concrete pieces of work, beginning to end) and the tasks made from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from netweave.core.crypto import EncryptedTextField
from netweave.core.models import Chapter, PublicIdModel
from netweave.people.models import Stage, Visibility


class Setting(models.TextChoices):
    ONLINE = "online", _("Online")
    HOME = "home", _("At home")
    PUBLIC = "public", _("In public")
    SCHOOL_WORK = "school_work", _("At school or work")


class Playbook(PublicIdModel):
    """A task template. Chapter-less playbooks are the shared starter catalog."""

    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="playbooks"
    )
    slug = models.SlugField(max_length=60)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    steps = models.JSONField(_("steps"), default=list)
    minutes = models.PositiveIntegerField(_("minutes needed"), default=30)
    setting = models.CharField(_("where"), max_length=12, choices=Setting.choices)
    # Constraints (people.Constraint) this work still fits; empty = needs none of them lifted.
    suitable_for = models.JSONField(default=list, blank=True)
    discreet_safe = models.BooleanField(_("safe for discreet people"), default=False)
    visibility = models.PositiveSmallIntegerField(
        _("how public-facing"), default=1, choices=Visibility.choices,
        help_text=_("0 behind the scenes, 1 with people you know, 2 in public."),
    )
    # What to report back: [{"key": "flyers", "label": "Flyers given out"}, ...]
    report_fields = models.JSONField(default=list, blank=True)
    prepare = models.TextField(_("read or watch first"), blank=True)
    builds_toward = models.ForeignKey(
        "networks.NetworkKind", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("builds toward"),
    )
    # The lowest rung of the ladder (people.Stage) this work suits: first steps are open to a
    # new contact, "form a network" waits until someone keeps doing things (work/matching.py).
    min_stage = models.CharField(_("suits people from"), max_length=12, default="contact",
                                 choices=Stage.choices)
    # {"es": {"title": ..., "summary": ..., "steps": [...], "prepare": ...,
    #         "report_labels": {"flyers": ...}}}
    translations = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["minutes", "title"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "slug"], name="playbook_slug_once")
        ]

    def __str__(self) -> str:
        return self.localized("title")

    def localized(self, field: str):  # type: ignore[no-untyped-def]
        """The field in the active language when a translation exists, else the original."""
        lang = (get_language() or "en")[:2]
        return self.translations.get(lang, {}).get(field) or getattr(self, field)

    def report_labels(self) -> list[tuple[str, str]]:
        lang = (get_language() or "en")[:2]
        labels = self.translations.get(lang, {}).get("report_labels", {})
        return [(f["key"], labels.get(f["key"], f["label"])) for f in self.report_fields]


class Task(PublicIdModel):
    """A playbook given to a person or a network: offered → accepted → done → reported."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DONE = "done", _("Done")
        REPORTED = "reported", _("Reported")
        DROPPED = "dropped", _("Dropped")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="tasks")
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="tasks")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks",
        verbose_name=_("person"),
    )
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks",
        verbose_name=_("network"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tasks", verbose_name=_("campaign"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OFFERED, db_index=True
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    # Free text about a person and their situation: encrypted at rest (docs/security.md).
    note = EncryptedTextField(_("note"), blank=True)
    steps_done = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=dict, blank=True)
    report_note = EncryptedTextField(blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    offered_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "-offered_at"]
        indexes = [models.Index(fields=["chapter", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(network__isnull=False),
                name="task_has_an_assignee",
            )
        ]

    def __str__(self) -> str:
        return str(self.playbook)

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.OFFERED, self.Status.ACCEPTED}
